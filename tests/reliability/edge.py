"""The reliability stack's edge cache: varnishd with the project's varnish.vcl in front of gunicorn.

The VCL is the one compose.yaml's `edge` runs, with only its backend pointed at this stack's
gunicorn. varnishd listens on two sockets, as in compose: `readers` (what readers and the load
reach) and `purges` (where Lantern sends `PURGE` with `xkey-purge`, EDGE_CACHE_URL). It runs in
the foreground (-F) in a work directory of its own, and is stopped by its PID.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.bench.run import children_of, free_port, port_open, stop_pid
from tests.reliability.stack import BASE_DIR, HTTPS, StackError, run, wait_for

VCL = BASE_DIR / "varnish.vcl"
# compose.yaml's backend in varnish.vcl, replaced by this stack's gunicorn.
BACKEND = re.compile(r'(backend web \{\s*\.host = )"web";(\s*\.port = )"8000";')


def vcl_for(port: int) -> str:
    """varnish.vcl with its backend on 127.0.0.1:`port`; fails if the file's backend moved."""
    text, found = BACKEND.subn(rf'\1"127.0.0.1";\2"{port}";', VCL.read_text())
    if found != 1:
        raise StackError(f'{VCL}: no `backend web` with host "web" and port "8000" to point')
    return text


class Varnish:
    """varnishd 7.1 with varnish-modules (Debian's `varnish` and `varnish-modules`)."""

    def __init__(self, work: Path):
        self.dir = work / "varnish"
        self.port = free_port()  # readers
        self.purge_port = free_port()  # Lantern's purges (EDGE_CACHE_URL)
        self.backend_port = 0
        self.log = work / "varnish.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def purge_url(self) -> str:
        return f"http://127.0.0.1:{self.purge_port}"

    def start(self, backend_port: int) -> None:
        self.backend_port = backend_port
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        if not Path(varnishd).exists():
            raise StackError(
                "varnishd is not installed: apt-get install varnish varnish-modules (as root)."
            )
        self.dir.mkdir(exist_ok=True)
        vcl = self.dir / "lantern.vcl"
        vcl.write_text(vcl_for(self.backend_port))
        if os.geteuid() == 0:  # varnishd reads the VCL as its own unprivileged user
            self.dir.parent.chmod(0o711)
            self.dir.chmod(0o755)
            vcl.chmod(0o644)
        log = open(self.log, "a")  # noqa: SIM115 (varnishd's, closed by it)
        self.process = subprocess.Popen(  # noqa: S603
            [
                varnishd, "-F", "-n", str(self.dir), "-f", str(vcl),
                "-a", f"readers=127.0.0.1:{self.port}",
                "-a", f"purges=127.0.0.1:{self.purge_port}",
                "-T", "none", "-s", "malloc,64m", "-P", str(self.dir / "varnishd.pid"),
            ],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise StackError(f"varnishd exited at start:\n{self.log.read_text()[-3000:]}")
            return port_open(self.port) and port_open(self.purge_port)

        wait_for(ready, 30, "varnishd listening")
        # The probe (/healthz) says the backend is healthy: until then pages would be a 503.
        wait_for(lambda: self.get("localhost", "/healthz").status_code == 200, 30, "edge ready")

    def stop(self) -> None:
        if self.process is None:
            return
        children = children_of(self.process.pid)
        stop_pid(self.process.pid, timeout=20)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pid in children:  # normally gone with the manager
            stop_pid(pid, timeout=5)
        self.process = None

    def get(self, host: str, path: str, **kwargs) -> requests.Response:
        """A reader's request through the edge, as the TLS proxy passes it on."""
        headers = {"Host": host, **HTTPS, **kwargs.pop("headers", {})}
        return requests.get(
            self.url + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )

    def stats(self) -> dict[str, int]:
        """varnishstat's MAIN counters, by name without `MAIN.`."""
        output = run(
            ["varnishstat", "-n", str(self.dir), "-1", "-j", "-f", "MAIN.*"],
            timeout=30,
            what="varnishstat",
        )
        counters = json.loads(output)
        counters = counters.get("counters", counters)  # 7.x nests them under "counters"
        return {
            name.removeprefix("MAIN."): entry["value"]
            for name, entry in counters.items()
            if isinstance(entry, dict) and "value" in entry
        }
