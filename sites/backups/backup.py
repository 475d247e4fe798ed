"""Writing a backup: the database, the media folder and the manifest, in one archive."""

import datetime
import importlib.metadata
import io
import json
import os
import platform
import sqlite3
import tarfile
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, transaction

import wagtail

from sites.backups.archive import (
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    HashingReader,
    database_facts,
    media_storage,
    postgres_command,
    run,
    tool,
)
from sites.giving.secrets import SECRET_TABLES


def default_name() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("lantern-%Y%m%d-%H%M%S.tar")


def backup(output: str | None, say) -> tuple[Path, dict]:
    """Write the archive to `output` (a file, or a folder for the default name)."""
    if output is None:
        folder = Path(settings.BASE_DIR) / "var" / "backups"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = folder / default_name()
    else:
        target = Path(output)
        if target.is_dir():
            target = target / default_name()
    if target.exists():
        raise BackupError(f"{target} exists already: a backup never overwrites another.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    storage = media_storage()
    if storage is not None and target.resolve().is_relative_to(Path(storage.location).resolve()):
        # Readers are served what is in MEDIA_ROOT; an archive holds every account's password
        # hash and every draft.
        raise BackupError("Write backups outside MEDIA_ROOT: what is in it is served to anyone.")
    if connection.in_atomic_block:
        raise BackupError("Run backup outside a transaction: it copies what is committed.")

    # Everything is written in a hidden folder beside the target and renamed into place at
    # the end: a backup that fails or is killed never leaves a file that looks complete.
    with tempfile.TemporaryDirectory(prefix=".lantern-backup-", dir=target.parent) as work:
        work = Path(work)
        database_file = DATABASE_FILES.get(connection.vendor)
        if database_file is None:
            raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
        # The database first: every file its rows name was written before them, so is there.
        dump = work / Path(database_file).name
        facts = dump_database(dump)
        partial = work / target.name
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        files = {}
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            files[database_file] = add_file(tar, dump, database_file)
            dump.unlink()
            if storage is not None:
                for path, name in media_files(Path(storage.location)):
                    entry = add_file(tar, path, name)
                    if entry is not None:
                        files[name] = entry
                media = {"storage": "local", "files": len(files) - 1}
            else:
                bucket = getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")
                media = {
                    "storage": "bucket",
                    "bucket": bucket,
                    "note": "Media live in the bucket and are not in this archive: keep them "
                    "with the bucket's versioning or replication.",
                }
                say(f"Media are in the bucket {bucket!r}: not copied (docs/backup.md).")
            manifest = make_manifest(facts, media, files)
            add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    return target, manifest


def dump_database(path: Path) -> dict:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # SQLite's online backup: a consistent copy even while the site serves and writes.
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
            leave_out_secrets(copy)
            return database_facts(copy.cursor())
        finally:
            copy.close()
    pg_dump = tool("pg_dump")
    # The counts and migrations are read in the very snapshot pg_dump copies.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = database_facts(cursor)
        args, env = postgres_command(
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={path}",
            *(f"--exclude-table-data={table}" for table in SECRET_TABLES),
        )
        run(args, env)
    return facts


def leave_out_secrets(copy: sqlite3.Connection) -> None:
    """The copy without the payment processors' secrets (sites.giving): an archive is copied
    to other machines and kept for years; each agency pastes its keys again after a restore.
    secure_delete overwrites the deleted rows, which would otherwise stay in free pages."""
    copy.execute("PRAGMA secure_delete = ON")
    for table in SECRET_TABLES:
        copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our own table names
    copy.commit()
    copy.execute("VACUUM")


def media_files(root: Path):
    """(path, name in the archive) of every regular file under the media folder."""
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if not path.is_symlink() and path.is_file():
                yield path, "media/" + path.relative_to(root).as_posix()


def add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict | None:
    try:
        file = path.open("rb")
    except FileNotFoundError:  # deleted since the folder was listed
        return None
    with file:
        stat = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = HashingReader(file)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))


def make_manifest(facts: dict, media: dict, files: dict) -> dict:
    try:
        lantern = importlib.metadata.version("lantern")
    except importlib.metadata.PackageNotFoundError:
        lantern = "unknown"
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": {
            "lantern": lantern,
            "django": django.__version__,
            "wagtail": wagtail.__version__,
            "python": platform.python_version(),
        },
        "database": {
            "vendor": connection.vendor,
            "file": DATABASE_FILES[connection.vendor],
            "migrations": facts["migrations"],
        },
        "counts": facts["counts"],
        "media": media,
        "files": files,
    }
