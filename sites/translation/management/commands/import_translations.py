"""`manage.py import_translations --site HOST --locale es FILE…`: translators' PO files back in."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Locale, Site

from sites.translation import po


class Command(BaseCommand):
    help = (
        "Import PO files written by export_translations. Every file is checked first; if any "
        "has a problem, each problem is listed with its file and line and nothing is imported. "
        "Pages become drafts, reviewed like any translation."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="PO files, or directories of them.")
        parser.add_argument("--site", required=True, help="The site's host name.")
        parser.add_argument("--locale", required=True, help="The language code, e.g. es.")
        parser.add_argument(
            "--submit", action="store_true", help="Also submit each page to the site's review."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report; write nothing."
        )

    def handle(self, *args, files, site, locale, submit, dry_run, **options):
        found = Site.objects.filter(hostname=site).first()
        if found is None:
            raise CommandError(f"No site answers on '{site}'.")
        language = Locale.objects.filter(language_code=locale).first()
        if language is None:
            raise CommandError(f"This install has no language '{locale}'.")
        paths = []
        for name in files:
            path = Path(name)
            if path.is_dir():
                paths += sorted(path.glob("*.po"))
            elif path.exists():
                paths.append(path)
            else:
                raise CommandError(f"{name}: no such file.")
        checked, problems = po.check(found, language, paths)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} problem(s) in {len({p.file for p in problems})} file(s): "
                "nothing was imported."
            )
        if dry_run:
            self.stdout.write(
                f"{len(checked)} files checked; no problems. Nothing written (--dry-run)."
            )
            return
        done = po.apply(checked, submit=submit)
        for obj in done:
            self.stdout.write(f"  {obj}")
        what = "imported and submitted for review" if submit else "imported as drafts"
        self.stdout.write(self.style.SUCCESS(f"{len(done)} translations {what}."))
