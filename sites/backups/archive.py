"""What writing and restoring a backup share: the archive's layout, counts and tools."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

FORMAT = "lantern-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database/lantern.dump", "sqlite": "database/lantern.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the person running the command must fix; said in words, never a traceback."""


def count_sql() -> dict[str, str]:
    """Plain SQL, so it runs on SQLite's own copy of the database as well as through Django."""

    def count(model, where=""):
        return f'SELECT COUNT(*) FROM "{model._meta.db_table}" {where}'.strip()  # noqa: S608 - a model's table

    return {
        "pages": count(Page, "WHERE depth > 1"),  # all but Wagtail's root
        "live_pages": count(Page, "WHERE depth > 1 AND live"),
        "images": count(get_image_model()),
        "documents": count(get_document_model()),
        "sites": count(Site),
    }


def database_facts(cursor) -> dict:
    """What the manifest says of a database: how much it holds, and how far it is migrated."""
    counts = {}
    for name, sql in count_sql().items():
        cursor.execute(sql)
        counts[name] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations")
    return {"counts": counts, "migrations": latest_migrations(cursor.fetchall())}


def latest_migrations(applied) -> dict[str, str]:
    """Each app's latest applied migration: the one no other applied one follows. (Not the
    last row: a squashed migration is recorded after all it replaces are.)"""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    applied = {tuple(key) for key in applied if tuple(key) in graph.nodes}
    latest = {}
    for key in sorted(applied):
        children = graph.node_map[key].children
        if not any(child in applied and child[0] == key[0] for child in children):
            latest[key[0]] = key[1]
    return latest


def describe(counts: dict) -> str:
    return (
        f"{counts['pages']} pages ({counts['live_pages']} live), {counts['images']} images, "
        f"{counts['documents']} documents, {counts['sites']} sites"
    )


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. It comes with PostgreSQL's client tools: install "
            "the package postgresql-client (its major version no older than the server's)."
        )
    return found


def postgres_command(executable: str, *options: str) -> tuple[list[str], dict]:
    """A PostgreSQL client command for the configured database, as Django's `dbshell` builds
    it: the password (and TLS files) go in the environment, never on the command line."""
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    return [executable, "--no-password", *options, *args[1:]], {**os.environ, **(env or {})}


def run(args: list[str], env: dict | None = None) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own arguments, no shell
    except OSError as error:
        raise BackupError(f"{Path(args[0]).name} could not run: {error}") from None
    if result.returncode:
        said = "\n".join(result.stderr.strip().splitlines()[-15:]) or "(nothing on stderr)"
        raise BackupError(f"{Path(args[0]).name} failed (exit {result.returncode}):\n{said}")


def media_storage() -> FileSystemStorage | None:
    """The media folder, or None when media live elsewhere (an S3 bucket)."""
    storage = storages["default"]
    return storage if isinstance(storage, FileSystemStorage) else None


class HashingReader:
    """Hashes what tarfile reads, so the sha256 is of exactly the bytes in the archive."""

    def __init__(self, file):
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data
