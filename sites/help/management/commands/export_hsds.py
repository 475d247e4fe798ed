"""`manage.py export_hsds DIR`: the help directory as Open Referral HSDS 3.1, for 211 lines and
referral networks (JSON as the HSDS API answers, and a tabular datapackage)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.help.hsds.export import UnknownAgency, export


class Command(BaseCommand):
    help = (
        "Write the help directory into DIR as Open Referral HSDS 3.1: services.json (a page of "
        "compiled services, as /api/hsds/services?full=true answers) and a tabular "
        "datapackage (datapackage.json and one CSV file a table). Every status is written: "
        "inactive services are data. Confidential addresses are never written. Files of an "
        "earlier export in DIR are replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="The folder to write into (made if missing).")
        parser.add_argument(
            "--agency",
            metavar="HOST",
            default="",
            help="Only this agency's services: its site's host name, as in the CSV import's "
            "owner column (e.g. harbor.example.org).",
        )
        parser.add_argument(
            "--network",
            action="store_true",
            help="With --agency: the network's own services (no owner) too.",
        )

    def handle(self, *args, dir, agency, network, **options):
        if network and not agency:
            raise CommandError("--network goes with --agency: without it, everything is written.")
        folder = Path(dir)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file: give a folder to write into.")
        try:
            result = export(folder, agency=agency, network=network)
        except UnknownAgency as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Could not write into {folder}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote {result.services} service(s) of {result.organizations} organisation(s) to "
            f"{folder}: services.json, datapackage.json and {len(result.tables)} tables."
        )
