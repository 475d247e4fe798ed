"""`manage.py backup [--output PATH]`: the database and the media files, in one archive."""

from django.core.management.base import BaseCommand, CommandError

from sites.backups.archive import BackupError, describe
from sites.backups.backup import backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database (pg_dump, or a copy of the SQLite file), every "
        "media file and a manifest with a sha256 of each. Safe while the site serves. "
        "Restore it with `manage.py restore`; docs/backup.md says what it leaves out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="The archive to write, or a folder for the default name "
            "(default: var/backups/lantern-YYYYmmdd-HHMMSS.tar, the time in UTC).",
        )

    def handle(self, *args, output, **options):
        try:
            path, manifest = backup(output, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size / 1024 / 1024
        media = manifest["media"]
        where = f"{media['files']} media files" if "files" in media else "media in the bucket"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {path} ({size:.1f} MB): {describe(manifest['counts'])}; {where}."
            )
        )
