"""Restoring a backup: every check first, then the media, then the database, then the cache."""

import hashlib
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from sites.backups.archive import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    count_sql,
    database_facts,
    describe,
    media_storage,
    postgres_command,
    run,
    tool,
)
from sites.caching.models import PageCacheTag


@dataclass
class Archive:
    path: Path
    tar: tarfile.TarFile
    manifest: dict
    members: dict[str, tarfile.TarInfo]  # every file but the manifest, by name

    @property
    def media(self) -> list[str]:
        return [name for name in self.members if name.startswith("media/")]

    def sha256(self, name: str) -> str:
        return self.manifest["files"][name]["sha256"]


@dataclass
class Plan:
    """What a restore will do, decided before it changes anything."""

    media: list[tuple[str, Path]] = field(default_factory=list)  # (member, where it goes)
    media_in_place: int = 0  # already there, the same bytes (a restore tried before)
    tables: list[str] = field(default_factory=list)  # a fresh `migrate`'s, dropped first


def open_archive(path: str) -> Archive:
    """The archive, its member names and types checked and its manifest read: hashes later."""
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a readable tar archive ({error}).") from None
    try:
        members = checked_members(tar)
        info = members.pop(MANIFEST, None)
        if info is None:
            raise BackupError(f"{path} has no {MANIFEST}: it is not a Lantern backup.")
        archive = Archive(Path(path), tar, read_manifest(tar, info), members)
        listed, held = set(archive.manifest["files"]), set(members)
        if missing := sorted(listed - held):
            raise BackupError(f"The archive is damaged: {missing[0]} is listed but missing.")
        if unlisted := sorted(held - listed):
            raise BackupError(f"The archive holds {unlisted[0]}, which its manifest does not list.")
        if archive.manifest["database"]["file"] not in held:
            raise BackupError("The archive holds no database.")
    except BaseException:
        tar.close()
        raise
    return archive


def checked_members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    try:
        infos = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"The archive is damaged: its index cannot be read ({error}).") from None
    for info in infos:
        path = PurePosixPath(info.name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(
                f"The archive holds {info.name!r}, whose path leads outside the folder it is "
                "restored into: refused."
            )
        if info.isdir():
            continue
        name = path.as_posix()
        if not info.isreg():
            raise BackupError(f"{name} in the archive is a link or a special file: refused.")
        if name != MANIFEST and path.parts[0] not in ("database", "media"):
            raise BackupError(f"The archive holds {name}, which no Lantern backup holds.")
        if name in members:
            raise BackupError(f"The archive holds {name} twice: refused.")
        members[name] = info
    return members


def read_manifest(tar: tarfile.TarFile, info: tarfile.TarInfo) -> dict:
    if info.size > 256 * 1024 * 1024:
        raise BackupError(f"{MANIFEST} is implausibly large: not a Lantern backup.")
    try:
        manifest = json.loads(tar.extractfile(info).read())
    except (ValueError, tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{MANIFEST} cannot be read: the archive is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a Lantern backup's manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive is in format version {manifest.get('format_version')!r}; this "
            f"version of Lantern reads version {FORMAT_VERSION}: restore it with the version "
            f"that made it ({manifest.get('versions', {}).get('lantern', 'unknown')})."
        )
    try:
        database = manifest["database"]
        complete = (
            all(isinstance(entry["sha256"], str) for entry in manifest["files"].values())
            and set(manifest["counts"]) >= set(count_sql())
            and isinstance(database["vendor"], str)
            and str(database["file"]).startswith("database/")
            and isinstance(database["migrations"], dict)
            and isinstance(manifest["media"], dict)
        )
    except (KeyError, TypeError, AttributeError):
        complete = False
    if not complete:
        raise BackupError(f"{MANIFEST} is incomplete: the archive is damaged.")
    return manifest


def plan_restore(archive: Archive, say) -> Plan:
    """Every check that needs no more than the manifest and the target, cheapest first. The
    archive's hashes come after (`verify`), as they mean reading all of it."""
    manifest, plan = archive.manifest, Plan()
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {vendor} database, and the configured one (DATABASE_URL) is "
            f"{connection.vendor}: restore it into a {vendor} database."
        )
    check_migrations(manifest, say)

    storage = media_storage()
    if archive.media and storage is None:
        raise BackupError(
            f"The archive holds {len(archive.media)} media files, but media here live in a "
            "bucket (AWS_STORAGE_BUCKET_NAME). Restore into an install with media on disk, "
            "then copy its MEDIA_ROOT into the bucket."
        )
    if manifest["media"].get("storage") == "bucket":
        say(
            f"Media were in the bucket {manifest['media'].get('bucket')!r} when this backup was "
            "made, not in the archive: this install must use that bucket (or a copy of it)."
        )
    if archive.media:
        root = Path(storage.location).resolve()
        for name in archive.media:
            target = (root / PurePosixPath(name).relative_to("media")).resolve()
            if not target.is_relative_to(root):
                raise BackupError(f"{name} would be written outside MEDIA_ROOT: refused.")
            if target.exists():
                if not target.is_file() or file_sha256(target) != archive.sha256(name):
                    raise BackupError(
                        f"MEDIA_ROOT ({root}) already holds a different {target.relative_to(root)}"
                        ": restore into an empty media folder."
                    )
                plan.media_in_place += 1
            else:
                plan.media.append((name, target))

    contents, plan.tables = database_contents()
    if contents:
        raise BackupError(
            f"The configured database is not empty ({', '.join(contents)}). A restore only "
            "goes into an empty database, or one a fresh `migrate` made: create a new database "
            "(or name a new SQLite file) in DATABASE_URL."
        )
    if connection.vendor == "postgresql":
        tool("pg_restore")
        tool("psql")
    return plan


def check_migrations(manifest: dict, say) -> None:
    """Refuse an archive from a newer Lantern: this code would not know its tables."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True)
    unknown, absent = [], []
    for app, name in sorted(manifest["database"]["migrations"].items()):
        if app not in on_disk.migrated_apps:
            absent.append(app)
        elif (app, name) not in on_disk.disk_migrations:
            unknown.append(f"{app}.{name}")
    if unknown:
        made_by = manifest.get("versions", {}).get("lantern", "unknown")
        raise BackupError(
            f"The archive was made by a newer Lantern ({made_by}): this code does not have the "
            f"migrations {', '.join(unknown)}. Restore it with the version that made it."
        )
    if absent:
        say(f"Apps not installed here, whose tables are restored unused: {', '.join(absent)}.")


def database_contents() -> tuple[list[str], list[str]]:
    """(What makes the configured database not empty, in words; the tables it has.)

    Empty means no tables, or only what `migrate` makes in a new database: Wagtail's root and
    welcome pages, the default site, groups and permissions, and no users, no other pages, no
    images, documents or revisions, nothing in Lantern's own tables.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if not tables:
            return [], []
        known = set(connection.introspection.django_table_names()) | {"django_migrations"}
        # SQLite's full-text search keeps shadow tables named after the model's.
        strangers = [t for t in tables if not any(t.startswith(k) for k in known)]
        if strangers:
            return [f"tables Lantern does not know: {', '.join(strangers[:5])}"], tables

        def count(what: str, table: str, where: str = "") -> None:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} {where}")  # noqa: S608 - our own table names
                if number := cursor.fetchone()[0]:
                    found.append(f"{number} {what}")

        found = []
        count("users", apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table)
        fresh = (
            "WHERE depth > 2 OR content_type_id NOT IN (SELECT id FROM django_content_type "
            "WHERE app_label = 'wagtailcore' AND model = 'page')"
        )
        count("pages", Page._meta.db_table, fresh)
        count("revisions", Revision._meta.db_table)
        count("images", get_image_model()._meta.db_table)
        count("documents", get_document_model()._meta.db_table)
        core = len(found)
        lantern = [
            model
            for model in apps.get_models()
            if model.__module__.split(".")[0] in ("sites", "blocks")
            and not model._meta.proxy
            and model is not PageCacheTag  # the cache's bookkeeping, not content
        ]
        for model in lantern:
            count(str(model._meta.verbose_name_plural), model._meta.db_table)
        if len(found) > core + 3:
            found[core + 3 :] = [f"and {len(found) - core - 3} more of Lantern's tables"]
    return found, tables


def file_sha256(path: Path) -> str:
    sha256 = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            sha256.update(chunk)
    return sha256.hexdigest()


def verify(archive: Archive) -> None:
    """Every file in the archive against its sha256 in the manifest."""
    for name in archive.members:
        if member_sha256(archive, name) != archive.sha256(name):
            raise BackupError(
                f"The archive is damaged: {name} does not match its sha256 in the manifest."
            )


def member_sha256(archive: Archive, name: str, copy_to=None) -> str:
    sha256 = hashlib.sha256()
    try:
        source = archive.tar.extractfile(archive.members[name])
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            if copy_to is not None:
                copy_to.write(chunk)
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"The archive is damaged: {name} cannot be read.") from None
    return sha256.hexdigest()


def extract(archive: Archive, name: str, target: Path) -> Path:
    """One file, written beside `target` and renamed into place once its hash is checked again
    (the archive may have changed since `verify`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".restoring-", delete=False) as f:
        partial = Path(f.name)
        try:
            matches = member_sha256(archive, name, copy_to=f) == archive.sha256(name)
        except BackupError:
            partial.unlink()
            raise
    if not matches:
        partial.unlink()
        raise BackupError(f"The archive changed while it was restored: {name} no longer matches.")
    partial.chmod(settings.FILE_UPLOAD_PERMISSIONS or 0o644)
    os.replace(partial, target)
    return target


def restore(archive: Archive, plan: Plan, say) -> dict:
    """Media first, then the database: the database is the commit point. A restore that
    stops in between leaves the database empty, and the same files are skipped next time."""
    for name, target in plan.media:
        extract(archive, name, target)
    with tempfile.TemporaryDirectory(prefix="lantern-restore-") as work:
        copy = extract(archive, archive.manifest["database"]["file"], Path(work) / "database")
        if connection.vendor == "sqlite":
            restore_sqlite(copy)
        else:
            restore_postgresql(copy, Path(work), plan.tables)
    with connection.cursor() as cursor:
        counts = database_facts(cursor)["counts"]
    expected = {name: archive.manifest["counts"][name] for name in counts}
    if counts != expected:
        raise BackupError(
            f"The restored database holds {describe(counts)}, but the archive recorded "
            f"{describe(expected)}: do not serve it; restore again into a new database."
        )
    return counts


def restore_sqlite(copy: Path) -> None:
    # SQLite's online backup, the other way: the whole file replaced under SQLite's own locks,
    # with no stale journal left beside it.
    source = sqlite3.connect(copy)
    connection.ensure_connection()
    try:
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def restore_postgresql(dump: Path, work: Path, tables: list[str]) -> None:
    """pg_restore writes the SQL, and psql runs it with the drop of a fresh `migrate`'s tables
    in one transaction: the database is either restored whole or left as it was."""
    script = work / "restore.sql"
    pg_restore, psql = tool("pg_restore"), tool("psql")
    run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--file={script}", str(dump)])  # fmt: skip
    options = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
    if tables:
        quote = connection.ops.quote_name
        options += ["-c", f"DROP TABLE IF EXISTS {', '.join(map(quote, tables))} CASCADE"]
    args, env = postgres_command(psql, *options, "-f", str(script))
    connection.close()
    run(args, env)


def migrate_if_older(stdout) -> int:
    """Bring a database from an older Lantern up to this code; the number of migrations run."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        stdout.write(f"The archive is older than this code: applying {len(plan)} migration(s).")
        call_command("migrate", interactive=False, verbosity=0, stdout=stdout)
    return len(plan)


def clear_caches() -> None:
    """No page cached before the restore may be served after it.

    Redis (REDIS_URL) is shared, so its pages and tag versions are emptied here (FLUSHDB of
    its database). A local-memory cache lives in each running process: those processes must be
    restarted (docs/backup.md). Versions kept in the database (PageCacheTag) came back with it,
    and match only pages that show what the archive holds.
    """
    for alias in settings.CACHES:
        try:
            caches[alias].clear()
        except Exception as error:  # a cache server that does not answer
            raise BackupError(
                f"The database and media are restored, but the cache {alias!r} could not be "
                f"cleared ({type(error).__name__}): clear it (with Redis, FLUSHDB on its "
                "database) before the site serves again, or readers may see pages from before."
            ) from None
