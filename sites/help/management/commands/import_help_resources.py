"""`manage.py import_help_resources FILE.csv`: the help directory's resources from a spreadsheet."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.help.importer import import_resources

BAR_WIDTH = 20


class Command(BaseCommand):
    help = (
        "Import help resources from a CSV file (UTF-8), as documented in docs/help-directory.md. "
        "Every row is checked first; if any has a problem, each problem is listed with its line "
        "and nothing is imported. A row whose reference exists updates that resource."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file, or - to read it from standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Don't draw a progress bar on stderr."
        )

    def handle(self, *args, file, dry_run, no_progress, **options):
        text = self.read(file)
        drawn = False

        def progress(done: int, total: int) -> None:
            nonlocal drawn
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            width = len(str(total))
            self.stderr.write(
                f"\rChecking  [{bar}]  {done:>{width}}/{total}", ending="", style_func=str
            )
            self.stderr.flush()
            drawn = True

        result = import_resources(text, dry_run=dry_run, progress=None if no_progress else progress)
        if drawn:
            self.stderr.write("", style_func=str)  # ends the bar's line

        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            rows = len({error.line for error in result.errors})
            raise CommandError(
                f"{len(result.errors)} problem(s) in {rows} row(s): nothing was imported."
            )
        if options["verbosity"] >= 2:
            for status in ("created", "updated", "unchanged"):
                for reference in getattr(result, status):
                    self.stdout.write(f"  {status}: {reference}")
        summary = (
            f"Created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}."
        )
        if dry_run:
            summary += " (--dry-run: nothing written)"
        self.stdout.write(self.style.SUCCESS(summary))

    def read(self, name: str) -> str:
        """The file's text; CommandError when it can't be read or isn't UTF-8."""
        if name == "-":
            stdin = sys.stdin
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
            name = "standard input"
        else:
            path = Path(name)
            if not path.exists():
                raise CommandError(f"{name}: no such file.")
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{name}: cannot be read ({exc.strerror}).") from exc
        if isinstance(data, str):
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CommandError(
                f"{name} is not UTF-8 text (line {line} has a byte UTF-8 doesn't use). "
                "Save it from your spreadsheet as 'CSV UTF-8' and import it again."
            ) from None
