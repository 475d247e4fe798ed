"""Imports started from the admin: the uploaded file, who started it for which agency, and how
far it got. A task (sites.help.tasks) runs it with the importers the commands use
(sites.help.importer for CSV, sites.help.hsds.importer for HSDS): every record checked first,
then all written in one transaction, or, with any problem, nothing.

The uploaded file is deleted once the import has run: an agency's file may hold the addresses of
confidential shelters, and media is served to anyone with its address. The row keeps its name.

A worker can die in the middle of an import (SIGKILL, out of memory, a deploy that did not wait):
nothing is written then (the records are written in one transaction), but the row would say
"Running" for ever. A running import beats (`heartbeat_at`, from a thread of its own, so the long
write transaction beats too); `stopped_without_finishing()` is the one rule that says its run is
gone (no beat for STALE_AFTER, or its task finished or forgotten), and `mark_if_interrupted()`
stores it as Interrupted, from where a moderator may start it again while its file is kept.
"""

import logging
import tempfile
import threading
import time
import uuid
import zipfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django_tasks import default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.utils import timezone

from sites.help.hsds.importer import Defaults, ImportFailed, UnreadableFile, import_hsds
from sites.help.importer import ANY_OWNER, import_resources

logger = logging.getLogger(__name__)

# A zipped datapackage is unpacked on the worker's disk: at most this much, in this many files.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_FILES_IN_ZIP = 100
# Progress is written at most this often (seconds): each write is a query.
PROGRESS_EVERY = 0.5
# A running import writes `heartbeat_at` this often; one silent for STALE_AFTER has no run left.
HEARTBEAT_EVERY = timedelta(seconds=20)
STALE_AFTER = timedelta(minutes=3)
# An interrupted import's file is kept this long so that it can be started again, then deleted.
KEEP_INTERRUPTED_FILE = timedelta(days=1)
INTERRUPTED_MESSAGE = (
    "The worker running this import stopped before it finished (it was restarted, stopped or "
    "ran out of memory): nothing was imported."
)


def upload_to(instance, filename: str) -> str:
    """An address no one can guess, for the short time the file is kept."""
    return f"help-imports/{uuid.uuid4().hex}/{PurePosixPath(filename).name}"


class HelpImport(models.Model):
    class Kind(models.TextChoices):
        CSV = "csv", "Spreadsheet (CSV)"
        HSDS_JSON = "hsds_json", "HSDS JSON"
        HSDS_ZIP = "hsds_zip", "HSDS datapackage (zip)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        REFUSED = "refused", "Not imported: the file has problems"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted: the worker stopped before it finished"

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED, Status.INTERRUPTED)

    site = models.ForeignKey(
        "wagtailcore.Site",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The agency whose resources they become. Empty: the network's.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=upload_to, max_length=255, blank=True)
    file_name = models.CharField(max_length=255)
    # HSDS only: what the person importing says for records the file leaves open.
    default_area = models.CharField(max_length=255, blank=True)
    default_kind = models.CharField(max_length=32, blank=True)
    verified_on = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The queued task that runs it (django-tasks' result id).",
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When its run last said it was alive."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "help directory import"

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def owner_name(self) -> str:
        return self.site.hostname if self.site_id else "the network"

    @property
    def may_start_again(self) -> bool:
        return self.status == self.Status.INTERRUPTED and bool(self.file)

    def summary(self) -> str:
        """The counts in one line, as the commands say them."""
        c = self.counts
        if not c:
            return ""
        line = f"{c.get('created', 0)} new, {c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged"
        if self.kind != self.Kind.CSV:
            line += (
                f"; organisations: {c.get('organizations_created', 0)} new, "
                f"{c.get('organizations_updated', 0)} updated, "
                f"{c.get('organizations_unchanged', 0)} unchanged"
            )
        return line + "."

    # --- A run that is gone ------------------------------------------------------------------

    def stopped_without_finishing(self, now=None) -> bool:
        """Whether no run of this import is alive though it says it is waiting or running: running
        with no beat for STALE_AFTER (its process was killed), or its task finished or forgotten
        by the task backend (the worker was stopped in the middle, or the task failed first)."""
        if self.status == self.Status.RUNNING:
            beat = self.heartbeat_at or self.created_at
            if beat < (now or timezone.now()) - STALE_AFTER:
                return True
        if self.status in (self.Status.QUEUED, self.Status.RUNNING) and self.task_id:
            return self.task_is_over()
        return False

    def task_is_over(self) -> bool:
        """Whether the task backend knows the task running this import as finished, or no longer
        knows it at all (pruned). False where it cannot say (tasks run in process)."""
        if not default_task_backend.supports_get_result:
            return False
        try:
            return default_task_backend.get_result(self.task_id).is_finished
        except TaskResultDoesNotExist:
            return True

    def mark_if_interrupted(self, now=None) -> bool:
        """Stores this import as Interrupted if its run is gone (`stopped_without_finishing`);
        whether it did. Unless a beat or the run's own end came meanwhile."""
        now = now or timezone.now()
        if not self.stopped_without_finishing(now):
            return False
        marked = HelpImport.objects.filter(
            pk=self.pk, status=self.status, heartbeat_at=self.heartbeat_at
        ).update(status=self.Status.INTERRUPTED, errors=[INTERRUPTED_MESSAGE], finished_at=now)
        self.refresh_from_db()
        if marked:
            logger.warning("Help directory import %s was interrupted: its run is gone.", self.pk)
        return bool(marked)

    def start_again(self) -> bool:
        """Queues an interrupted import again, from the start (its file is still kept); whether
        it did. Its task is asked for by the caller, once this commits."""
        queued = HelpImport.objects.filter(
            pk=self.pk, status=self.Status.INTERRUPTED, file__gt=""
        ).update(
            status=self.Status.QUEUED,
            done=0,
            total=0,
            errors=[],
            notes=[],
            counts={},
            finished_at=None,
            heartbeat_at=None,
            task_id="",
        )
        self.refresh_from_db()
        return bool(queued)

    # --- Running it (the task's body) ---------------------------------------------------------

    def run(self) -> None:
        """Check and write the file's records, recording progress, problems and counts."""
        HelpImport.objects.filter(pk=self.pk).update(
            status=self.Status.RUNNING, heartbeat_at=timezone.now()
        )
        try:
            with self.beating(), tempfile.TemporaryDirectory(prefix="lantern-import-") as folder:
                path = self.unpack(Path(folder))
                result = self.import_from(path)
        except (UnreadableFile, ImportFailed) as problem:
            self.finish(self.Status.REFUSED, errors=[str(problem)])
            return
        except Exception:
            logger.exception("Help directory import %s failed.", self.pk)
            self.finish(
                self.Status.FAILED,
                errors=[
                    "The import failed unexpectedly: nothing was imported. The error is in the server's log."
                ],
            )
            raise
        finally:
            self.forget_file()
        if result.errors:
            self.finish(
                self.Status.REFUSED,
                errors=[str(e) for e in result.errors],
                notes=getattr(result, "notes", []),
            )
            return
        counts = {
            name: len(getattr(result, name))
            for name in (
                "created",
                "updated",
                "unchanged",
                "organizations_created",
                "organizations_updated",
                "organizations_unchanged",
            )
            if hasattr(result, name)
        }
        self.finish(self.Status.DONE, counts=counts, notes=getattr(result, "notes", []))

    def unpack(self, folder: Path) -> Path:
        """The uploaded file on local disk (a zip unpacked into `folder`), whatever the storage."""
        name = PurePosixPath(self.file_name).name or "upload"
        target = folder / name
        with self.file.open("rb") as source, target.open("wb") as copy:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                copy.write(chunk)
        if self.kind != self.Kind.HSDS_ZIP:
            return target
        return unzip_datapackage(target, folder / "package")

    def import_from(self, path: Path):
        if self.kind == self.Kind.CSV:
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise UnreadableFile(
                    f"{self.file_name} is not UTF-8 text (line {line} has a byte UTF-8 doesn't "
                    "use). Save it from your spreadsheet as 'CSV UTF-8' and upload it again."
                ) from None
            # The agency's own file; for the network, each row says whose it is (as the command).
            agency = self.site if self.site_id else ANY_OWNER
            return import_resources(text, progress=self.progress_callback(), agency=agency)
        defaults = Defaults(
            area=self.default_area, kind=self.default_kind, verified_on=self.verified_on
        )
        return import_hsds(
            path, owner=self.site, defaults=defaults, progress=self.progress_iterable()
        )

    def record_progress(self, done: int, total: int, force: bool = False) -> None:
        now = time.monotonic()
        if force or done >= total or now - getattr(self, "_written_at", 0) >= PROGRESS_EVERY:
            self._written_at = now
            HelpImport.objects.filter(pk=self.pk).update(
                done=done, total=total, heartbeat_at=timezone.now()
            )

    def progress_callback(self):
        """For the CSV importer: progress(done, total) as rows are checked."""
        return lambda done, total: self.record_progress(done, total, force=done == 0)

    def progress_iterable(self):
        """For the HSDS importer: an iterable over the records, recording each step."""

        def progress(items, total, description):
            if description != "Checking":
                yield from items  # writing: inside the transaction, unseen until it commits
                return
            self.record_progress(0, total, force=True)
            for done, item in enumerate(items, start=1):
                yield item
                self.record_progress(done, total)

        return progress

    def finish(self, status, *, errors=(), notes=(), counts=None) -> None:
        self.status = status
        self.errors = list(errors)
        self.notes = list(notes)
        self.counts = counts or {}
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "errors", "notes", "counts", "finished_at"])

    @contextmanager
    def beating(self):
        """While the block runs, a thread with its own connection writes `heartbeat_at` every
        HEARTBEAT_EVERY: the import's own connection is inside one transaction while it writes
        the records, where a beat would be seen by no one until the end."""
        stop = threading.Event()

        def beat():
            try:
                while not stop.wait(HEARTBEAT_EVERY.total_seconds()):
                    try:
                        HelpImport.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(
                            heartbeat_at=timezone.now()
                        )
                    except DatabaseError as error:
                        logger.warning("Import %s: heartbeat not written (%s).", self.pk, error)
            finally:
                connections.close_all()  # this thread's own

        beating = threading.Thread(target=beat, name=f"lantern-import-{self.pk}", daemon=True)
        beating.start()
        try:
            yield
        finally:
            stop.set()
            beating.join(timeout=HEARTBEAT_EVERY.total_seconds())

    def forget_file(self) -> None:
        if self.file:
            self.file.delete(save=False)
            HelpImport.objects.filter(pk=self.pk).update(file="")


def tidy_imports(now=None) -> tuple[int, int]:
    """Stores as Interrupted each import whose run is gone, though no one looks at it, and
    deletes the files of those interrupted more than KEEP_INTERRUPTED_FILE ago (no longer to be
    started again); how many of each. The rows stay: they are the record of who imported what
    into the directory, a few a week, with no file."""
    now = now or timezone.now()
    waiting = HelpImport.objects.filter(
        status__in=[HelpImport.Status.QUEUED, HelpImport.Status.RUNNING]
    )
    marked = sum(help_import.mark_if_interrupted(now) for help_import in waiting)
    forgotten = 0
    for help_import in HelpImport.objects.filter(
        status=HelpImport.Status.INTERRUPTED,
        finished_at__lt=now - KEEP_INTERRUPTED_FILE,
        file__gt="",
    ):
        help_import.forget_file()
        forgotten += 1
    return marked, forgotten


def unzip_datapackage(archive: Path, folder: Path) -> Path:
    """The folder of the datapackage in a zip (at its top, or in its one top folder). Refuses
    what is not a zip, names that would land outside the folder, and too much data."""
    try:
        with zipfile.ZipFile(archive) as package:
            members = [m for m in package.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES_IN_ZIP:
                raise UnreadableFile(
                    f"{archive.name} holds {len(members)} files: a datapackage has at most "
                    f"{MAX_FILES_IN_ZIP} (datapackage.json and its tables)."
                )
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(
                    f"{archive.name} unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB."
                )
            for member in members:
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise UnreadableFile(
                        f"{archive.name}: '{member.filename}' would be written outside the package."
                    )
            folder.mkdir()
            package.extractall(folder, members)
    except zipfile.BadZipFile:
        raise UnreadableFile(f"{archive.name} is not a zip file we can read.") from None
    for candidate in (folder, *sorted(p for p in folder.iterdir() if p.is_dir())):
        if (candidate / "datapackage.json").is_file() or (candidate / "services.csv").is_file():
            return candidate
    raise UnreadableFile(
        f"{archive.name} has no datapackage.json or services.csv at its top or in its top folder."
    )
