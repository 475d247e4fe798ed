"""`manage.py restore ARCHIVE [--yes]`: a backup into an empty database and media folder."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sites.backups.archive import BackupError, describe, media_storage
from sites.backups.restore import (
    clear_caches,
    migrate_if_older,
    open_archive,
    plan_restore,
    restore,
    verify,
)


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into the configured database, which must "
        "be empty (or fresh from `migrate`), and MEDIA_ROOT. Everything is checked first (the "
        "archive's sha256s, its database vendor, the target): if anything is wrong, nothing "
        "changes. Then migrations the archive lacks are applied and the cache is cleared."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive's path.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, archive, interactive, **options):
        say = self.stdout.write
        try:
            archive = open_archive(archive)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        with archive.tar:
            try:
                plan = self.checked(archive, say)
            except BackupError as error:
                raise CommandError(f"{error} Nothing was changed.") from None
            if interactive and not self.confirmed():
                raise CommandError("Restore cancelled. Nothing was changed.")
            try:
                counts = restore(archive, plan, say)
            except BackupError as error:
                raise CommandError(str(error)) from None
        try:
            if not migrate_if_older(self.stdout):
                say("The archive's migrations match this code: no migration to apply.")
            clear_caches()
        except BackupError as error:
            raise CommandError(str(error)) from None
        kept = f" ({plan.media_in_place} were there already)" if plan.media_in_place else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {describe(counts)}, and {len(plan.media)} media files{kept}. "
                "Restart the web and scheduler processes before serving (docs/backup.md)."
            )
        )

    def checked(self, archive, say):
        """Every check, before anything changes; what the restore will do."""
        manifest, made = archive.manifest, archive.manifest.get("versions", {})
        say(
            f"{archive.path.name}: made {manifest.get('created_at', '?')} by Lantern "
            f"{made.get('lantern', '?')} (Django {made.get('django', '?')}, Wagtail "
            f"{made.get('wagtail', '?')}); {describe(manifest['counts'])}; "
            f"{len(archive.media)} media files."
        )
        plan = plan_restore(archive, say)
        say(f"Checking its {len(archive.members)} files against their sha256s…")
        verify(archive)
        database = connection.settings_dict
        host = f" on {database['HOST']}" if database.get("HOST") else ""
        say(f"It goes into the {connection.vendor} database {database['NAME']}{host}.")
        if archive.media:
            say(f"Its media files go into {media_storage().location}.")
        return plan

    def confirmed(self) -> bool:
        try:
            answer = input("Type 'yes' to restore, or 'no' to cancel: ")
        except EOFError:  # no one to ask
            return False
        return answer.strip().lower() == "yes"
