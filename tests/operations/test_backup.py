"""Backups (docs/backup.md): what `manage.py backup` writes, `manage.py restore` puts into an
empty database, and a real gunicorn then serves the same pages, pictures and documents.

Runs on the database the suite runs on: SQLite by default, PostgreSQL when DATABASE_URL says
so (each restore then goes into a new database on the same server, dropped afterwards).
"""

import contextlib
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from PIL import Image as PILImage

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from sites.agencies.tenancy import Agency
from sites.caching import store
from sites.content.pages import NewsStoryPage
from tests.bench.run import free_port
from tests.conftest import DEMO_HOSTS, load_demo_network, site_client

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
HARBOR = "harbor.localhost"
REDIS_URL = os.environ.get("LANTERN_TEST_BACKUP_REDIS_URL", "redis://127.0.0.1:6379/14")
# What the subprocesses must not inherit from the test run.
NOT_INHERITED = {"LANTERN_PAGE_CACHE_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


# ---- targets, subprocesses and a server ------------------------------------------------------


class Target:
    """An empty database (and media folder) of the suite's own kind, for a restore."""

    def __init__(self, folder: Path):
        self.media = folder / "media"
        self.vendor = connection.vendor
        db = connection.settings_dict
        if self.vendor == "sqlite":
            self.path = folder / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
            return
        self.name = f"lantern_restore_{uuid.uuid4().hex[:12]}"
        self.server = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or None,
        }
        auth = quote(self.server["user"]) + (
            ":" + quote(self.server["password"]) if self.server["password"] else ""
        )
        self.url = f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.name}"
        self.admin("CREATE DATABASE {}")

    def admin(self, statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as db:
            db.execute(statement.format(self.name))

    def tables(self) -> int:
        if self.vendor == "sqlite":
            if not self.path.exists():
                return 0
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                query = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                return db.execute(query).fetchone()[0]
        with psycopg.connect(dbname=self.name, **self.server) as db:
            query = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            return db.execute(query).fetchone()[0]

    def media_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.media)) for p in self.media.rglob("*") if p.is_file())

    def drop(self) -> None:
        if self.vendor != "sqlite":
            self.admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def env(self, settings_module="cms.settings.production", **more) -> dict[str, str]:
        """Production settings for the commands, as on a server; the dev settings (DEBUG on,
        which serves /media/) for gunicorn. Each setting is given, so that none comes from the
        test run or a developer's .env."""
        env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
        return env | {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DEBUG": "true" if settings_module == "cms.settings.dev" else "false",
            "SECRET_KEY": "test-only-backup-restore",
            "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "AWS_STORAGE_BUCKET_NAME": "",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            **more,
        }


@pytest.fixture
def target(tmp_path):
    made = Target(tmp_path)
    yield made
    made.drop()


def manage(*args, env, stdin="") -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class Server:
    """A real gunicorn on 127.0.0.1, with the dev settings so that it serves /media/ too."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.log = log.open("w")
        command = [sys.executable, "-m", "gunicorn", "cms.wsgi", "--workers", "1"]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*command, "--bind", f"127.0.0.1:{self.port}"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.wait_until_ready(log)

    def wait_until_ready(self, log: Path) -> None:
        deadline = time.monotonic() + 90  # startup on a busy machine, not a timing assertion
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"gunicorn did not start:\n{log.read_text()[-3000:]}")

    def get(self, host: str, path: str) -> tuple[int, bytes]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            client.request("GET", path, headers={"Host": host})
            answer = client.getresponse()
            return answer.status, answer.read()
        finally:
            client.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@contextlib.contextmanager
def serving(env: dict, log: Path):
    server = Server(env, log)
    try:
        yield server
    finally:
        server.stop()


def source_answer(host: str, path: str) -> tuple[int, bytes]:
    """The source database's answer, through the Django test client."""
    response = site_client(host).get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


# ---- archives for the failure cases ----------------------------------------------------------


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """A backup of the suite's database (the demo network), made once for this module.

    The tests using it are marked `django_db` so that they run with the other database tests,
    before any test with real transactions empties the database."""
    path = tmp_path_factory.mktemp("backup") / "lantern.tar"
    with django_db_blocker.unblock():
        load_demo_network()  # a no-op unless a test with real transactions emptied the database
        call_command("backup", output=str(path), stdout=io.StringIO())
    return path


def rewritten(archive: Path, to: Path, *, manifest=None, extra=None) -> Path:
    """A copy of `archive` with its manifest changed and files added, each listed with its
    right sha256: only what a test means to break is broken."""
    with tarfile.open(archive) as source, tarfile.open(to, "w") as copy:
        listed = json.loads(source.extractfile("manifest.json").read())
        for info in source.getmembers():
            if info.name != "manifest.json":
                copy.addfile(info, source.extractfile(info))
        for name, data in (extra or {}).items():
            add(copy, name, data)
            listed["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        add(copy, "manifest.json", json.dumps((manifest or (lambda m: m))(listed)).encode())
    return to


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def media_now() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# ---- the round trip ----------------------------------------------------------------------------


def a_photo():
    picture = PILImage.new("RGB", (1600, 1000), (29, 53, 87))
    for x in range(0, 1600, 160):
        picture.paste((255, 209, 102), (x, 300, x + 80, 700))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    return get_image_model().objects.create(
        title="Harbor at dusk",
        file=ImageFile(buffer, name="harbor-at-dusk.jpg"),
        collection=Agency.objects.get(site__hostname=HARBOR).collection,
    )


def media_urls(html: bytes) -> set[bytes]:
    return set(re.findall(rb'(/media/[^"\s,]+)', html))


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_serves_the_same_pages_pictures_and_documents(tmp_path, target):
    load_demo_network()  # a no-op unless a test with real transactions emptied the database
    photo = a_photo()
    story = NewsStoryPage.objects.get(
        slug="eight-children-safe-in-two-weeks", locale__language_code="en"
    )
    story.hero_image = photo
    story.save_revision().publish()
    document = get_document_model().objects.create(
        title="Safety plan",
        file=ContentFile(b"Keep a charged phone and a spare key.\n", name="safety-plan.txt"),
        collection=Agency.objects.get(site__hostname=HARBOR).collection,
    )
    story_path = story.get_url_parts()[2]
    served = [(host, "/en/") for host in DEMO_HOSTS] + [
        (HARBOR, story_path),
        (HARBOR, "/en/find-help/"),
        (HARBOR, "/en/find-help/?zip=90012"),
        (HARBOR, "/api/pages?type=news_story&limit=20"),
        (HARBOR, "/api/site"),
        (HARBOR, f"/documents/{document.pk}/{Path(document.file.name).name}"),
    ]
    spanish = [(host, "/es/") for host in DEMO_HOSTS]  # not every site has it: 404 there
    # Read before the backup, as readers had: the pictures' renditions are made, as on any site.
    expected = {page: source_answer(*page) for page in served + spanish}
    assert all(expected[page][0] == 200 for page in served), {p: expected[p][0] for p in served}
    pictures = media_urls(expected[HARBOR, story_path][1])
    assert any(url.startswith(b"/media/images/harbor-at-dusk") for url in pictures), pictures
    pictures.add(photo.file.url.encode())  # the original, as uploaded

    archive = tmp_path / "site.tar"
    said = io.StringIO()
    call_command("backup", output=str(archive), stdout=said)
    assert f"Backed up to {archive}" in said.getvalue()
    counts = {
        "pages": Page.objects.filter(depth__gt=1).count(),
        "live_pages": Page.objects.filter(depth__gt=1, live=True).count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "sites": Site.objects.count(),
    }
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["counts"] == counts
    assert manifest["database"]["vendor"] == connection.vendor
    assert photo.file.name in {name.removeprefix("media/") for name in manifest["files"]}

    # Asked to confirm, and told no: nothing happens.
    cancelled = manage("restore", str(archive), env=target.env(), stdin="no\n")
    assert cancelled.returncode != 0 and "cancelled" in cancelled.stderr
    assert target.tables() == 0 and not target.media.exists()

    restored = manage("restore", str(archive), "--yes", env=target.env())
    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stderr
    assert f"Restored {counts['pages']} pages" in restored.stdout

    with serving(target.env("cms.settings.dev"), tmp_path / "gunicorn.log") as server:
        for (host, path), (status, body) in expected.items():
            got_status, got_body = server.get(host, path)
            assert got_status == status, f"{host}{path}"
            # Not-found pages differ by DEBUG (on in the dev settings, to serve /media/).
            assert status != 200 or got_body == body, f"{host}{path}"
        for url in sorted(pictures):
            status, body = server.get(HARBOR, url.decode())
            source_file = Path(settings.MEDIA_ROOT) / url.decode().removeprefix("/media/")
            assert (status, body) == (200, source_file.read_bytes()), url


@pytest.mark.django_db
def test_a_database_with_lantern_tables_and_no_content_is_restored_into(archive, target):
    """As a compose `run` leaves it (its `migrate` service runs first): the restore replaces
    those tables, in the same transaction on PostgreSQL."""
    first = manage("restore", str(archive), "--yes", env=target.env())
    assert first.returncode == 0, first.stderr
    emptied = manage("flush", "--no-input", env=target.env())
    assert emptied.returncode == 0, emptied.stderr
    tables = target.tables()
    assert tables > 50

    again = manage("restore", str(archive), "--yes", env=target.env())

    assert again.returncode == 0, again.stderr
    with tarfile.open(archive) as tar:
        counts = json.loads(tar.extractfile("manifest.json").read())["counts"]
    assert f"Restored {counts['pages']} pages ({counts['live_pages']} live)" in again.stdout
    assert target.tables() == tables


# ---- what is refused, and changes nothing ----------------------------------------------------


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_naming_the_file_and_changes_nothing(
    archive, target, tmp_path
):
    damaged = tmp_path / "damaged.tar"
    shutil.copy(archive, damaged)
    with tarfile.open(damaged) as tar:
        database = next(info for info in tar.getmembers() if info.name.startswith("database/"))
    with damaged.open("r+b") as file:
        file.seek(database.offset_data + database.size // 2)
        byte = file.read(1)[0]
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte ^ 0xFF]))

    refused = manage("restore", str(damaged), "--yes", env=target.env())

    assert refused.returncode != 0
    assert f"{database.name} does not match its sha256" in refused.stderr
    assert "Nothing was changed" in refused.stderr and "Traceback" not in refused.stderr
    assert target.tables() == 0
    assert not target.media.exists() or target.media_files() == []


@pytest.mark.django_db
def test_a_database_that_is_not_empty_is_refused(archive):
    pages, media = Page.objects.count(), media_now()
    with pytest.raises(CommandError, match=r"The configured database is not empty \(.*pages"):
        call_command("restore", str(archive), interactive=False, stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert media_now() == media


@pytest.mark.parametrize("name", ["media/../../escaped-{}.txt", "/tmp/escaped-{}.txt"])  # noqa: S108
@pytest.mark.django_db
def test_a_file_that_would_land_outside_the_media_folder_is_refused(archive, tmp_path, name):
    name = name.format(uuid.uuid4().hex)
    bad = rewritten(archive, tmp_path / "bad.tar", extra={name: b"not yours\n"})
    media = media_now()
    with pytest.raises(CommandError, match=re.escape(repr(name))):
        call_command("restore", str(bad), interactive=False, stdout=io.StringIO())
    landed = (Path(settings.MEDIA_ROOT) / name.removeprefix("media/")).resolve()
    assert not landed.exists()
    assert media_now() == media


@pytest.mark.django_db
def test_an_archive_of_another_database_vendor_is_refused(archive, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def other_vendor(manifest):
        manifest["database"]["vendor"] = other
        return manifest

    wrong = rewritten(archive, tmp_path / "wrong.tar", manifest=other_vendor)
    pages, media = Page.objects.count(), media_now()
    with pytest.raises(CommandError, match=f"holds a {other} database.*is {connection.vendor}"):
        call_command("restore", str(wrong), interactive=False, stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert media_now() == media


@pytest.mark.parametrize(
    "broken, message",
    [
        (lambda m: {**m, "format_version": 99}, "format version 99"),
        (lambda m: {k: v for k, v in m.items() if k != "counts"}, "manifest.json is incomplete"),
    ],
)
@pytest.mark.django_db
def test_a_manifest_this_version_cannot_read_is_refused(archive, tmp_path, broken, message):
    bad = rewritten(archive, tmp_path / "bad.tar", manifest=broken)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), interactive=False, stdout=io.StringIO())


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    not_tar = tmp_path / "notes.tar"
    not_tar.write_text("not a backup\n")
    with pytest.raises(CommandError, match="not a readable tar archive"):
        call_command("restore", str(not_tar), interactive=False)


@pytest.mark.django_db
def test_a_backup_never_overwrites_another(archive):
    before = archive.read_bytes()
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=str(archive))
    assert archive.read_bytes() == before


# ---- the shared cache ------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_page_cached_before_a_restore_is_served_after_it(archive, target, tmp_path, settings):
    """Redis is shared by every process, so a page cached there outlives a restore unless the
    restore empties it."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lantern",  # as cms.settings.base configures it
        },
    }
    settings.LANTERN_PAGE_CACHE_ALIAS = "pages"
    try:
        store.cache().clear()
    except Exception as error:  # any connection error
        message = f"Redis does not answer at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    request = RequestFactory().get("/en/", HTTP_HOST=HARBOR)
    stale = b"<p>A page from before the restore</p>"
    entry = {"status": 200, "headers": [("Content-Type", "text/html")], "content": stale}
    store.save(store.page_key(request), {**entry, "versions": {}}, timeout=600)
    assert store.load(store.page_key(request))["content"] == stale  # it would be served

    env = target.env(REDIS_URL=REDIS_URL)
    restored = manage("restore", str(archive), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr

    with serving(target.env("cms.settings.dev", REDIS_URL=REDIS_URL), tmp_path / "log") as server:
        status, body = server.get(HARBOR, "/en/")
    store.cache().clear()
    assert status == 200
    assert stale not in body
    assert b"Harbor Light Alliance" in body
