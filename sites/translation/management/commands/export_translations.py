"""`manage.py export_translations --site HOST --locale es`: PO files of what needs translating."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Locale, Site

from sites.translation import po


class Command(BaseCommand):
    help = (
        "Write a PO file for every page, hotline and appeal of a site whose translation into "
        "a language is missing or behind its original, for translators who work offline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="The site's host name.")
        parser.add_argument("--locale", required=True, help="The language code, e.g. es.")
        parser.add_argument(
            "--output",
            default="translations",
            help="Directory to write to (default ./translations).",
        )
        parser.add_argument(
            "--all", action="store_true", help="Every text, not only what needs work."
        )

    def handle(self, *args, site, locale, output, all, **options):
        found = Site.objects.filter(hostname=site).first()
        if found is None:
            raise CommandError(f"No site answers on '{site}'.")
        language = Locale.objects.filter(language_code=locale).first()
        if language is None or locale == found.root_page.locale.language_code:
            raise CommandError(f"'{locale}' is not a language {site} can be translated into.")
        written = po.export(found, language, Path(output), everything=all, progress=self.progress)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(written)} PO files to {output}/")
            if written
            else f"Nothing of {site} needs translating into '{locale}'."
        )

    def progress(self, items):
        total = len(items)
        for number, status in enumerate(items, 1):
            self.stdout.write(
                f"[{number}/{total}] {status.source} ({status.state}: {status.reason})"
            )
            yield status
