"""`manage.py import_hsds PATH`: help resources from Open Referral HSDS 3.1 data (a tabular
datapackage folder, or JSON as an HSDS API returns it)."""

import datetime

from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from blocks.regions import parse_states
from sites.help.hsds.importer import Defaults, ImportFailed, UnreadableFile, import_hsds
from sites.help.resources import Service


class Command(BaseCommand):
    help = (
        "Import help resources from Open Referral HSDS 3.1 data: a datapackage folder "
        "(datapackage.json and its CSV tables) or HSDS JSON (a page of services with "
        "'contents', a list of services, or one service), as documented in "
        "docs/help-directory.md. Every record is checked first; if any has a problem, each is "
        "listed by its id and nothing is imported. Services are found again by their HSDS ids: "
        "importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The datapackage folder, or the JSON file.")
        parser.add_argument(
            "--agency",
            metavar="HOST",
            default="",
            help="The agency whose resources they become: its site's host name (e.g. "
            "harbor.example.org). Left out: the network's. Only network administrators run "
            "management commands.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--default-area",
            metavar="AREA",
            default="",
            help="Where records the file does not place in the US help: 'national', or states "
            "(e.g. CA or CA,NV). Without it such records are refused.",
        )
        parser.add_argument(
            "--default-kind",
            metavar="KIND",
            default="",
            choices=["", *Service.values],
            help="The kind of help of records that name none Lantern knows: one of "
            f"{', '.join(Service.values)}. Without it such records are refused.",
        )
        parser.add_argument(
            "--verified-on",
            metavar="YYYY-MM-DD",
            default="",
            help="The day the details of records with no assured_date were checked. Without it "
            "such records are refused.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Don't draw a progress bar on stderr."
        )

    def handle(self, *args, path, agency, dry_run, no_progress, **options):
        verbosity = options["verbosity"]
        defaults = Defaults(
            area=self.default_area(options["default_area"]),
            kind=options["default_kind"],
            verified_on=self.verified_on(options["verified_on"]),
        )
        owner = self.owner(agency)
        show_progress = not no_progress and verbosity > 0 and self.stderr.isatty()
        try:
            result = import_hsds(
                path,
                owner=owner,
                dry_run=dry_run,
                defaults=defaults,
                progress=self.progress if show_progress else None,
            )
        except (UnreadableFile, ImportFailed) as exc:
            raise CommandError(str(exc)) from None

        if verbosity > 0:
            for note in result.notes:
                self.stdout.write(f"Note: {note}")
        if result.errors:
            records = len({error.record for error in result.errors})
            lines = [str(error) for error in result.errors]
            lines.append(
                f"{len(result.errors)} problem(s) in {records} record(s): nothing was imported."
            )
            raise CommandError("\n".join(lines))
        if verbosity >= 2:
            for status in ("created", "updated", "unchanged"):
                for hsds_id in getattr(result, status):
                    self.stdout.write(f"  {status}: {hsds_id}")
        summary = (
            f"Services: {len(result.created)} new, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged. Organisations: "
            f"{len(result.organizations_created)} new, {len(result.organizations_updated)} "
            f"updated, {len(result.organizations_unchanged)} unchanged."
        )
        if dry_run:
            summary += " (--dry-run: nothing written)"
        self.stdout.write(self.style.SUCCESS(summary))

    def progress(self, items, total: int, description: str):
        """A progress bar over `items` on this command's stderr."""
        return tqdm(items, total=total, desc=description, file=_Stream(self.stderr), leave=False)

    @staticmethod
    def owner(agency: str) -> Site | None:
        if not agency:
            return None
        sites = list(Site.objects.filter(hostname=agency.strip().lower()))
        if len(sites) != 1:
            known = ", ".join(sorted(Site.objects.values_list("hostname", flat=True)))
            said = "No" if not sites else "More than one"
            raise CommandError(f"{said} site answers on '{agency}': give one of {known}.")
        return sites[0]

    @staticmethod
    def default_area(value: str) -> str:
        value = value.strip()
        if not value or value.lower() == "national":
            return value.lower()
        try:
            return ", ".join(parse_states(value))
        except ValueError as exc:
            raise CommandError(f"--default-area: say 'national' or give states. {exc}") from None

    @staticmethod
    def verified_on(value: str) -> datetime.date | None:
        if not value:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"--verified-on: '{value}' is not a date written YYYY-MM-DD."
            ) from None
        if day > datetime.date.today():
            raise CommandError("--verified-on: this date is in the future.")
        return day


class _Stream:
    """A command's stderr as the file tqdm draws on (it writes its own line endings)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()
