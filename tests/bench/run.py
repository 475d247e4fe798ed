"""`make bench`: Lantern's throughput, latency, queries and memory under gunicorn, against issue #8.

For each database (SQLite; PostgreSQL with Redis as the cache) it builds a fresh synthetic network
with `manage.py generate_content` (the bench's own command: tests.bench.settings, production's
plus the dev-only app tests.bench), starts gunicorn with the production settings (2 sync workers,
127.0.0.1 on a free port, whitenoise serving what `collectstatic` put in a temporary
STATIC_ROOT) and loads it with wrk (8 connections, 2 threads, a fixed time per URL):

- a static CSS file (the ceiling, through whitenoise), the home page, a story, a find-help search
  and an API listing of 20, with the page cache off (cold: LANTERN_PAGE_CACHE_SECONDS=0) and on
  (warm), each also as a ratio of the static file's rate in the same run;
- the story (and home, API) again after growing the network to 10 and 50 sites of 1,000 pages;
- the queries each page makes (tests/bench/probe.py, through the Django test client);
- the CPU each request took, in the workers and (PostgreSQL) the database processes serving them;
- each worker's peak memory (VmHWM in /proc/<pid>/status);
- each page's cost timed in one process against the 1-site and the 50-site network in turns,
  which the size-of-network target is judged on (rates measured minutes apart on a shared
  machine are not comparable enough for a 10% target).

Writes var/bench/result.json and var/bench/result.md and prints the tables. Options, from the
environment: BENCH_DATABASES=sqlite,postgresql  BENCH_SITES=1,10,50  BENCH_PAGES=1000
BENCH_SECONDS=10  BENCH_QUICK=1 (1 site of 50 pages, 2-second runs, SQLite unless
BENCH_DATABASES says otherwise)  BENCH_UPDATE_DOCS=1 (also put the tables in
docs/performance.md)  BENCH_KEEP=1 (keep the lantern_bench PostgreSQL database).

Everything listens on 127.0.0.1 only; every run is bounded in time; every process started here
is stopped by its PID, on errors too; a lock file keeps a second bench from running at the same
time (they would share databases). Nothing here asserts a number: the targets are reported.
"""

import contextlib
import datetime
import fcntl
import http.client
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"
DOCS = BASE_DIR / "docs" / "performance.md"
BIN = Path(sys.executable).parent
# The workers measured, and the probes, run from Lantern installed without its development
# extras, as the image installs it (`make bench` makes it: the Makefile's BENCH_VENV).
SERVER_BIN = OUT_DIR / "venv" / "bin"
HTTPS_HEADER = "X-Forwarded-Proto: https"  # as the TLS proxy in front of gunicorn sends it

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "lantern_bench"}
REDIS = {"host": "127.0.0.1", "port": 6379, "db": 15}
PAGES = ["static", "home", "story", "find_help", "api"]
SCALE_PAGES = ["static", "story", "home", "api"]
LABELS = {
    "static": "static CSS (whitenoise)",
    "home": "home page",
    "story": "story page",
    "find_help": "find-help search (?zip=)",
    "api": "API listing of 20",
}
# The anchor: bakerydemo on the same machines, SQLite, 2 sync workers, wrk 8 connections.
ANCHOR = {"static": 2950, "home": 42, "story": 82, "api": 101}
ANCHOR_LABELS = {
    "static": "static CSS",
    "home": "home",
    "story": "blog post",
    "api": "API v2 listing of 20",
}


# --- pure functions (tests/bench/test_harness.py) ------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text: str) -> float:
    """wrk's durations ('812.00us', '2.31ms', '1.02s', '1.50m') in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"Not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests/s, latency (average, max, 50/75/90/99th percentiles in ms) and errors from
    `wrk --latency` output."""
    result: dict = {"percentiles_ms": {}, "errors": {}, "non_2xx_3xx": 0}
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.MULTILINE)
    if not rate:
        raise ValueError("wrk printed no Requests/sec line:\n" + output)
    result["requests_per_second"] = float(rate.group(1))
    total = re.search(r"^\s*(\d+) requests in ([0-9.]+\w+),", output, re.MULTILINE)
    if total:
        result["requests"] = int(total.group(1))
        result["seconds"] = duration_ms(total.group(2)) / 1000
    latency = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.MULTILINE)
    if latency:
        result["average_ms"] = duration_ms(latency.group(1))
        result["max_ms"] = duration_ms(latency.group(3))
    for percent, value in re.findall(r"^\s*(\d+)%\s+(\S+)\s*$", output, re.MULTILINE):
        result["percentiles_ms"][percent] = duration_ms(value)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        result["errors"] = dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        result["non_2xx_3xx"] = int(bad.group(1))
    return result


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference


def env_list(value: str | None, default: list[str]) -> list[str]:
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    return items or default


@dataclass
class Options:
    databases: list[str]
    sites: list[int]
    pages: int
    seconds: int
    warmup: int
    quick: bool
    connections: int = 8
    threads: int = 2
    workers: int = 2
    update_docs: bool = False
    keep: bool = False

    @classmethod
    def from_env(cls, environ) -> "Options":
        quick = environ.get("BENCH_QUICK", "") not in ("", "0")
        databases = env_list(
            environ.get("BENCH_DATABASES"), ["sqlite"] if quick else ["sqlite", "postgresql"]
        )
        unknown = set(databases) - {"sqlite", "postgresql"}
        if unknown:
            raise SystemExit(f"BENCH_DATABASES: unknown {', '.join(sorted(unknown))}")
        sites = sorted({int(n) for n in env_list(environ.get("BENCH_SITES"), [])})
        return cls(
            databases=databases,
            sites=sites or ([1] if quick else [1, 10, 50]),
            pages=int(environ.get("BENCH_PAGES") or (50 if quick else 1000)),
            seconds=int(environ.get("BENCH_SECONDS") or (2 if quick else 10)),
            warmup=1,
            quick=quick,
            update_docs=environ.get("BENCH_UPDATE_DOCS", "") not in ("", "0"),
            keep=environ.get("BENCH_KEEP", "") not in ("", "0"),
        )


def evaluate_targets(run: dict) -> list[dict]:
    """The issue's targets for one database's results: each with its measure and whether met."""
    cold, warm = run.get("cold", {}), run.get("warm", {})
    queries = run.get("queries", {}).get("cold", {})
    targets = []

    def add(name, value, met, shown):
        targets.append({"target": name, "value": value, "met": met, "shown": shown})

    warm_ratios = {p: warm.get(p, {}).get("ratio") for p in ("home", "story")}
    if all(warm_ratios.values()):
        worst = min(warm_ratios.values())
        add(
            "warm cached page ≥ 0.7x static",
            worst,
            worst >= 0.7,
            ", ".join(f"{p} {r:.2f}x" for p, r in warm_ratios.items()),
        )
    story = cold.get("story", {})
    if story.get("ratio") is not None:
        count = queries.get("story", {}).get("queries")
        add(
            "uncached story ≥ 0.10x static, ≤ 10 queries",
            story["ratio"],
            story["ratio"] >= 0.10 and count is not None and count <= 10,
            f"{story['ratio']:.3f}x, {count} queries",
        )
    home = cold.get("home", {})
    if home.get("ratio") is not None:
        add(
            "uncached home ≥ 0.05x static",
            home["ratio"],
            home["ratio"] >= 0.05,
            f"{home['ratio']:.3f}x",
        )
    api = cold.get("api", {})
    by_limit = run.get("queries", {}).get("api_by_limit", {})
    if api.get("ratio") is not None:
        flat = len(set(by_limit.values())) == 1 if by_limit else None
        add(
            "API listing of 20 ≥ 0.15x static, queries independent of limit",
            api["ratio"],
            api["ratio"] >= 0.15 and bool(flat),
            f"{api['ratio']:.3f}x, queries by limit "
            + ", ".join(f"{k}: {v}" for k, v in by_limit.items()),
        )
    p99s = {p: warm.get(p, {}).get("percentiles_ms", {}).get("99") for p in ("home", "story")}
    if all(v is not None for v in p99s.values()):
        worst = max(p99s.values())
        add(
            "p99 < 50 ms for warm pages",
            worst,
            worst < 50,
            ", ".join(f"{p} {v:.1f} ms" for p, v in p99s.items()),
        )
    scale = run.get("scale", {})
    sizes = sorted(scale, key=int)
    if len(sizes) > 1:
        first, last = scale[sizes[0]]["story"], scale[sizes[-1]]["story"]
        # Each size is its own server run, minutes apart, while the machine may be busy with
        # other work. Judged on the story's cost timed in one process at both sizes in turns
        # (`compare_costs`); else on the CPU a request took under wrk; the rates beside them.
        in_process = run.get("cost", {})
        timed = ratio(
            in_process.get(sizes[-1], {}).get("story"), in_process.get(sizes[0], {}).get("story")
        )
        cpu = ratio(last.get("cpu_ms_per_request"), first.get("cpu_ms_per_request"))
        relative = ratio(first.get("ratio"), last.get("ratio"))
        raw = ratio(first["requests_per_second"], last["requests_per_second"])
        cost = next((value for value in (timed, cpu, relative) if value is not None), None)
        if cost is not None:
            shown = [f"{timed:.2f}x timed in turns in one process"] if timed is not None else []
            if cpu is not None:
                shown.append(f"{cpu:.2f}x CPU per request under wrk")
            if relative is not None:
                shown.append(f"{relative:.2f}x relative to static")
            if raw is not None:
                shown.append(
                    f"{raw:.2f}x in req/s ({first['requests_per_second']:.0f} → "
                    f"{last['requests_per_second']:.0f})"
                )
            calls = [
                run.get("calls", {}).get(size, {}).get("story") for size in (sizes[0], sizes[-1])
            ]
            if None not in calls:
                shown.append(f"{calls[0]:,} → {calls[1]:,} Python calls a request")
            add(
                f"cost at {sizes[-1]} sites within 1.1x of {sizes[0]}",
                cost,
                cost <= 1.1,
                "story: " + ", ".join(shown),
            )
    peaks = [
        worker["vm_hwm_mb"]
        for state in run.get("memory", {}).values()
        for worker in state.get("workers", [])
    ]
    if peaks:
        add("worker memory < 150 MB", max(peaks), max(peaks) < 150, f"{max(peaks):.0f} MB peak")
    return targets


def fmt_count(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "-"


def fmt_rate(measure: dict | None) -> str:
    if not measure:
        return "-"
    if measure.get("requests") == 0:
        return "0 (none finished)"
    flag = " (errors)" if measure.get("non_2xx_3xx") or measure.get("status") != 200 else ""
    return f"{measure['requests_per_second']:,.0f}{flag}"


def fmt_latency(measure: dict | None) -> str:
    if not measure:
        return "-"
    p = measure.get("percentiles_ms", {})
    return f"{p.get('50', 0):.1f} / {p.get('99', 0):.1f}"


def fmt_cpu(measure: dict | None) -> str:
    if not measure or measure.get("cpu_ms_per_request") is None:
        return "-"
    return f"{measure['cpu_ms_per_request']:.1f}"


def fmt_ratio(measure: dict | None) -> str:
    if not measure or measure.get("ratio") is None:
        return "-"
    return f"{measure['ratio']:.3f}x"


def render_markdown(result: dict) -> str:
    """The result as Markdown tables: per database, the scale runs, the targets, the machine."""
    lines = []
    options = result["options"]
    machine = result["machine"]
    lines.append(
        f"Measured {result['finished'][:16].replace('T', ' ')} UTC: {options['workers']} sync "
        f"workers, wrk {options['connections']} connections / {options['threads']} threads, "
        f"{options['seconds']} s per URL after a {options['warmup']} s warm-up; "
        f"{options['pages']} stories per site."
    )
    lines.append("")
    for run in result["databases"].values():
        if "error" in run:
            lines += [f"### {run['title']}", "", f"Failed: {run['error']}", ""]
            continue
        lines.append(f"### {run['title']}")
        lines.append("")
        lines.append(
            "| URL | cold req/s | cold p50 / p99 ms | cold x static | warm req/s "
            "| warm p50 / p99 ms | warm x static | queries cold / warm "
            "| CPU ms/req cold / warm |"
        )
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        queries = run.get("queries", {})
        for page in PAGES:
            cold, warm = run["cold"].get(page), run["warm"].get(page)
            q_cold = queries.get("cold", {}).get(page, {}).get("queries", "-")
            q_warm = queries.get("warm", {}).get(page, {}).get("queries", "-")
            lines.append(
                f"| {LABELS[page]} | {fmt_rate(cold)} | {fmt_latency(cold)} | {fmt_ratio(cold)} "
                f"| {fmt_rate(warm)} | {fmt_latency(warm)} | {fmt_ratio(warm)} "
                f"| {q_cold} / {q_warm} | {fmt_cpu(cold)} / {fmt_cpu(warm)} |"
            )
        by_limit = queries.get("api_by_limit", {})
        memory = run.get("memory", {})
        lines.append("")
        if by_limit:
            lines.append(
                "API queries by `limit` (cold): "
                + ", ".join(f"{k} → {v}" for k, v in by_limit.items())
                + "."
            )
        if memory:
            lines.append(
                "Peak RSS per worker (VmHWM): "
                + "; ".join(
                    f"{state} "
                    + ", ".join(f"{w['vm_hwm_mb']:.0f} MB" for w in data.get("workers", []))
                    for state, data in memory.items()
                )
                + "."
            )
        scale = run.get("scale", {})
        if scale:
            lines.append("")
            lines.append(
                "| Sites x stories | pages in DB | static req/s | story req/s | story p50 / p99 ms "
                "| story x static | story CPU ms/req | home req/s | home CPU ms/req | API req/s "
                "| API CPU ms/req | queries story / home / API |"
            )
            lines.append(
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            )
            for size in sorted(scale, key=int):
                data = scale[size]
                q = data.get("queries", {})
                lines.append(
                    f"| {size} x {options['pages']} | {fmt_count(data.get('pages_in_database'))} "
                    f"| {fmt_rate(data.get('static'))} | {fmt_rate(data.get('story'))} "
                    f"| {fmt_latency(data.get('story'))} | {fmt_ratio(data.get('story'))} "
                    f"| {fmt_cpu(data.get('story'))} | {fmt_rate(data.get('home'))} "
                    f"| {fmt_cpu(data.get('home'))} | {fmt_rate(data.get('api'))} "
                    f"| {fmt_cpu(data.get('api'))} "
                    f"| {q.get('story', '-')} / {q.get('home', '-')} / {q.get('api', '-')} |"
                )
        cost = run.get("cost", {})
        if cost:
            sizes = sorted(cost, key=int)
            calls = run.get("calls", {})
            lines.append("")
            lines.append(
                f"Cost per request timed in one process, {COST_ROUNDS} rounds in turns at "
                f"{' and '.join(sizes)} sites (each round the lower quartile of {COST_REPEAT} "
                "requests, then the median of the rounds; CPU, plus query time on PostgreSQL), "
                "and the Python function calls one request made:"
            )
            lines.append("")
            lines.append(
                "| Page | "
                + " | ".join(f"{size} site(s)" for size in sizes)
                + " | ratio | Python calls "
                + " / ".join(sizes)
                + " |"
            )
            lines.append("| --- |" + " ---: |" * (len(sizes) + 2))
            for page in ("story", "home", "find_help", "api"):
                values = [cost[size].get(page) for size in sizes]
                if None in values:
                    continue
                change = ratio(values[-1], values[0])
                counted = [calls.get(size, {}).get(page) for size in sizes]
                lines.append(
                    f"| {LABELS[page]} | "
                    + " | ".join(f"{value:.2f} ms" for value in values)
                    + f" | {change:.2f}x | "
                    + " / ".join(fmt_count(count) for count in counted)
                    + " |"
                )
        generation = run.get("generation", [])
        if generation:
            lines.append("")
            lines.append(
                "Generation (`generate_content`): "
                + "; ".join(
                    f"to {g['sites']} site(s), {g['stories_written']:,} stories in {g['seconds']:.1f} s"
                    for g in generation
                )
                + f"; migrations {run.get('migrate_seconds', 0):.0f} s."
            )
        lines.append("")
    lines.append("### Against the issue's targets")
    lines.append("")
    names = list(result["databases"])
    lines.append("| Target | " + " | ".join(result["databases"][n]["title"] for n in names) + " |")
    lines.append("| --- |" + " --- |" * len(names))
    targets = {}
    for name in names:
        for target in result["databases"][name].get("targets", []):
            targets.setdefault(target["target"], {})[name] = target
    for target, per_db in targets.items():
        cells = []
        for name in names:
            t = per_db.get(name)
            cells.append(f"{'met' if t['met'] else '**not met**'}: {t['shown']}" if t else "-")
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    lines.append("")
    anchor_static = ANCHOR["static"]
    lines.append(
        "Anchor, bakerydemo on the same machines (SQLite, 2 sync workers, wrk 8 connections): "
        + ", ".join(
            f"{ANCHOR_LABELS[p]} ≈ {v:,} req/s ({v / anchor_static:.3f}x)"
            for p, v in ANCHOR.items()
        )
        + "."
    )
    lines.append("")
    lines.append(
        f"Machine: {machine['cpu']} ({machine['nproc']} cores available), {machine['memory']}; "
        f"Python {machine['python']}, Django {machine['django']}, Wagtail {machine['wagtail']}, "
        f"gunicorn {machine['gunicorn']}, {machine['wrk']}"
        + (f", {machine['postgresql']}" if machine.get("postgresql") else "")
        + (f", Redis {machine['redis']}" if machine.get("redis") else "")
        + f", SQLite {machine['sqlite']}; load average {machine['loadavg']} at the start"
        + (f", {machine['loadavg_end']} at the end" if machine.get("loadavg_end") else "")
        + "."
    )
    return "\n".join(lines) + "\n"


def replace_section(document: str, section: str) -> str:
    """`document` with the text between the bench markers replaced by `section`."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in document or end not in document:
        raise ValueError(f"{DOCS.name} has no {start} … {end} markers.")
    before, rest = document.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{section}{end}{after}"


# --- processes -----------------------------------------------------------------------------------


class BenchError(Exception):
    pass


def say(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def run(
    cmd: list[str], env: dict | None, timeout: float, what: str, error: type = BenchError
) -> subprocess.CompletedProcess:
    """A bounded subprocess; its output is shown, in an `error`, when it fails."""
    try:
        done = subprocess.run(  # noqa: S603 (our own commands)
            cmd, env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise error(f"{what} took more than {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise error(
            f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS (kB) of a process."""
    values = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def children_of(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    return found


def stop_pid(pid: int, timeout: float = 20, sig=signal.SIGTERM) -> None:
    """Ask a process to stop, wait, then kill it; by its PID only."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class Gunicorn:
    """gunicorn with the production settings on 127.0.0.1, started and stopped by PID."""

    def __init__(self, env: dict, workers: int, log_dir: Path, name: str):
        self.env = env
        self.workers = workers
        self.log_dir = log_dir
        self.name = name
        self.process: subprocess.Popen | None = None
        self.worker_pids: set[int] = set()
        self.port = 0

    def __enter__(self) -> "Gunicorn":
        self.port = free_port()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(SERVER_BIN / "gunicorn"),
            "cms.wsgi:application",
            "--config",
            str(Path(__file__).with_name("gunicorn.conf.py")),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--threads",
            "1",
            # gunicorn.conf.py recycles workers every ~10,000 requests: at thousands of requests
            # a second that would measure worker start-up, not Lantern. Off for the bench.
            "--max-requests",
            "0",
            "--access-logfile",
            str(self.log_dir / f"{self.name}.access.log"),
            "--error-logfile",
            str(self.log_dir / f"{self.name}.error.log"),
        ]
        # Each worker touches a file named by its PID here once it has loaded the app.
        ready = self.log_dir / f"{self.name}.ready"
        shutil.rmtree(ready, ignore_errors=True)
        ready.mkdir()
        self.process = subprocess.Popen(  # noqa: S603
            cmd,
            env={**self.env, "BENCH_READY_DIR": str(ready)},
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start:\n{self.error_log()}")
            workers = set(children_of(self.process.pid))
            loaded = {int(path.name) for path in ready.iterdir()}
            if port_open(self.port) and len(workers) >= self.workers and workers <= loaded:
                self.worker_pids = workers
                return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise BenchError(f"gunicorn did not start within 90 s:\n{self.error_log()}")

    def pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def error_log(self) -> str:
        path = self.log_dir / f"{self.name}.error.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def memory(self) -> dict:
        """Each worker's peak and current RSS, in MB; a worker that was replaced is noted."""
        current = set(children_of(self.process.pid))
        workers = []
        for pid in sorted(current):
            status = proc_status(pid)
            if status:
                workers.append(
                    {
                        "pid": pid,
                        "vm_hwm_mb": status.get("VmHWM", 0) / 1024,
                        "vm_rss_mb": status.get("VmRSS", 0) / 1024,
                    }
                )
        master = proc_status(self.process.pid)
        return {
            "workers": workers,
            "master_vm_hwm_mb": master.get("VmHWM", 0) / 1024,
            "workers_replaced": sorted(self.worker_pids - current),
        }

    def __exit__(self, *exc) -> None:
        if self.process is None:
            return
        workers = set(children_of(self.process.pid)) | self.worker_pids
        stop_pid(self.process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pid in workers:  # normally gone with their master
            if proc_status(pid):
                stop_pid(pid, timeout=5)
        self.process = None


def get(port: int, host: str, path: str) -> tuple[int, int]:
    """One request as wrk sends it: status and body length."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def wrk(options: Options, port: int, host: str, path: str, seconds: int) -> dict:
    cmd = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Host: {host}",
        "-H",
        HTTPS_HEADER,
        f"http://127.0.0.1:{port}{path}",
    ]
    done = run(cmd, dict(os.environ), seconds + 30, f"wrk {path}")
    return parse_wrk(done.stdout)


def cpu_ticks(pids) -> dict[int, int]:
    """User + system CPU time of each process, in clock ticks (/proc/<pid>/stat)."""
    ticks = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def cpu_ms(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU milliseconds spent between two `cpu_ticks` readings (processes born in between count
    whole)."""
    spent = sum(value - before.get(pid, 0) for pid, value in after.items())
    return spent * 1000 / os.sysconf("SC_CLK_TCK")


class Backends:
    """The PostgreSQL server processes serving gunicorn's workers, whose CPU is part of a
    request's cost too. Nothing for SQLite, which runs inside the workers."""

    def __init__(self, database: str):
        self.connection = None
        if database == "postgresql":
            import psycopg

            self.connection = psycopg.connect(
                host=POSTGRES["host"],
                port=POSTGRES["port"],
                user=POSTGRES["user"],
                dbname="postgres",
                autocommit=True,
            )

    def pids(self) -> list[int]:
        if self.connection is None:
            return []
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [POSTGRES["database"]],
        ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def measure(
    options: Options,
    server: Gunicorn,
    host: str,
    paths: dict,
    pages: list[str],
    backends: Backends,
) -> dict:
    """Each page: one checked request, a warm-up run, then the measured run; ratios to static,
    and the CPU each request took in the workers (and their PostgreSQL backends), which other
    load on the machine changes far less than the rate."""
    results = {}
    for page in pages:
        path = paths[page]
        status, size = get(server.port, host, path)
        if status != 200:
            raise BenchError(f"{host}{path} answered {status}, not 200: not worth measuring.")
        wrk(options, server.port, host, path, options.warmup)
        workers, database = server.pids(), backends.pids()
        before = (cpu_ticks(workers), cpu_ticks(database))
        result = wrk(options, server.port, host, path, options.seconds)
        after = (cpu_ticks(server.pids()), cpu_ticks([*database, *backends.pids()]))
        result |= {"path": path, "status": status, "bytes": size}
        if result.get("requests"):
            app, db = cpu_ms(before[0], after[0]), cpu_ms(before[1], after[1])
            result |= {
                "cpu_ms_per_request": (app + db) / result["requests"],
                "app_cpu_ms_per_request": app / result["requests"],
                "db_cpu_ms_per_request": db / result["requests"],
            }
        results[page] = result
        say(
            f"    {server.name:<6} {LABELS[page]:<26} {result['requests_per_second']:8,.0f} req/s"
            f"   p50 {result['percentiles_ms'].get('50', 0):6.1f} ms"
            f"   p99 {result['percentiles_ms'].get('99', 0):6.1f} ms"
            f"   CPU {result.get('cpu_ms_per_request', 0):6.2f} ms/req"
            + (f"   {result['non_2xx_3xx']} errors" if result["non_2xx_3xx"] else "")
            + (
                "   (no request finished: lengthen BENCH_SECONDS)"
                if not result.get("requests")
                else ""
            )
        )
    static = results.get("static", {}).get("requests_per_second")
    for result in results.values():
        result["ratio"] = ratio(result["requests_per_second"], static)
    return results


# --- databases -----------------------------------------------------------------------------------


@dataclass
class Services:
    """PostgreSQL and Redis, started here only if they were down, and then stopped by PID."""

    started: list[tuple[str, int]] = field(default_factory=list)

    def postgresql(self) -> None:
        if port_open(POSTGRES["port"]):
            return
        say("  PostgreSQL is down: starting cluster 15/main")
        run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
            dict(os.environ),
            60,
            "starting PostgreSQL",
        )
        deadline = time.monotonic() + 20
        while not port_open(POSTGRES["port"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        pid_file = Path("/var/lib/postgresql/15/main/postmaster.pid")
        if pid_file.exists():
            self.started.append(("PostgreSQL", int(pid_file.read_text().split()[0])))

    def redis(self) -> None:
        if port_open(REDIS["port"]):
            return
        say("  Redis is down: starting it on 127.0.0.1:6379 (no persistence)")
        pid_file = OUT_DIR / "redis.pid"
        pid_file.unlink(missing_ok=True)
        run(
            [
                "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port",
                str(REDIS["port"]), "--save", "", "--appendonly", "no",
                "--pidfile", str(pid_file),
            ],
            dict(os.environ),
            30,
            "starting Redis",
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_file.exists():
            self.started.append(("Redis", int(pid_file.read_text().split()[0])))

    def stop(self) -> None:
        for name, pid in reversed(self.started):
            say(f"Stopping {name} (pid {pid}), which the bench started")
            # PostgreSQL: SIGINT is its fast shutdown. Redis: SIGTERM saves nothing (--save "").
            stop_pid(pid, timeout=30, sig=signal.SIGINT if name == "PostgreSQL" else signal.SIGTERM)
        self.started.clear()


def flush_redis() -> None:
    import redis

    redis.Redis(**REDIS).flushdb()


def reset_postgresql() -> None:
    import psycopg

    with psycopg.connect(
        host=POSTGRES["host"],
        port=POSTGRES["port"],
        user=POSTGRES["user"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES['database']} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {POSTGRES['database']}")


def drop_postgresql() -> None:
    """The bench's database and its snapshots (lantern_bench_<sites>)."""
    import psycopg

    with psycopg.connect(
        host=POSTGRES["host"],
        port=POSTGRES["port"],
        user=POSTGRES["user"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT datname FROM pg_database WHERE datname = %s OR datname ~ %s",
                [POSTGRES["database"], f"^{POSTGRES['database']}_[0-9]+$"],
            )
        ]
        for name in names:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def base_env(static_root: Path, media_root: Path) -> dict:
    """What production settings need, and nothing from the caller's own Lantern settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LANTERN_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "AWS_STORAGE_BUCKET_NAME": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def database_env(env: dict, database: str, work: Path) -> dict:
    if database == "sqlite":
        return env | {
            "DATABASE_URL": f"sqlite:///{work / 'sqlite' / 'lantern.sqlite3'}",
            "REDIS_URL": "",
        }
    return env | {
        "DATABASE_URL": (
            f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}"
            f"/{POSTGRES['database']}"
        ),
        "REDIS_URL": f"redis://{REDIS['host']}:{REDIS['port']}/{REDIS['db']}",
    }


def manage(env: dict, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return run([str(BIN / "python"), "manage.py", *args], env, timeout, f"manage.py {args[0]}")


# `generate_content` is the bench's, not the product's: production's settings with the bench app.
BENCH_SETTINGS = "tests.bench.settings"


COST_REPEAT, COST_ROUNDS = 40, 7


def cost_probe(env: dict) -> dict[str, dict]:
    """Each page's cost in milliseconds, timed in one process (CPU, plus on PostgreSQL the time
    its queries took in the database server; on SQLite they run inside the process's CPU), and
    the Python calls one request made. A fixed hash seed lays out every probe's sets and dicts
    alike, whichever network it reads."""
    done = run(
        [str(SERVER_BIN / "python"), "-m", "tests.bench.probe", "--cost", str(COST_REPEAT)],
        env | {"LANTERN_PAGE_CACHE_SECONDS": "0", "PYTHONHASHSEED": "0"},
        300,
        "the cost probe",
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    server = data["vendor"] != "sqlite"
    return {
        page: {
            "ms": value["cpu_ms"] + (value["query_ms"] if server else 0),
            "calls": value["calls"],
        }
        for page, value in data["pages"].items()
    }


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def compare_costs(sizes: dict[str, dict]) -> tuple[dict, dict]:
    """Cost of each page at each size, measured in turns (1, 50, 1, 50, ...) so that whatever
    else the machine is doing weighs on both alike: the median of the rounds, in ms; and the
    Python calls a request made at each size (the most a round counted)."""
    rounds: dict[str, dict[str, list[float]]] = {size: {} for size in sizes}
    calls: dict[str, dict[str, int]] = {size: {} for size in sizes}
    for number in range(COST_ROUNDS):
        for size, env in sizes.items():
            say(f"  in-process cost, {size} site(s), round {number + 1}/{COST_ROUNDS}")
            for page, value in cost_probe(env).items():
                rounds[size].setdefault(page, []).append(value["ms"])
                calls[size][page] = max(calls[size].get(page, 0), value["calls"])
    costs = {
        size: {page: median(values) for page, values in pages.items()}
        for size, pages in rounds.items()
    }
    return costs, calls


def snapshot(database: str, env: dict, work: Path, sites: int) -> dict:
    """A copy of the database as it is now (the smallest network), and the environment to use it."""
    if database == "sqlite":
        source = work / "sqlite" / "lantern.sqlite3"
        copy = work / "sqlite" / f"lantern-{sites}-sites.sqlite3"
        shutil.copyfile(source, copy)
        return env | {"DATABASE_URL": f"sqlite:///{copy}"}
    import psycopg

    name = f"{POSTGRES['database']}_{sites}"
    with psycopg.connect(
        host=POSTGRES["host"],
        port=POSTGRES["port"],
        user=POSTGRES["user"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES['database']}")
    return env | {
        "DATABASE_URL": f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
    }


def probe(env: dict, cache_seconds: int) -> dict:
    done = run(
        [str(SERVER_BIN / "python"), "-m", "tests.bench.probe"],
        env | {"LANTERN_PAGE_CACHE_SECONDS": str(cache_seconds)},
        300,
        "the query probe",
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_database(database: str, env: dict, work: Path) -> float:
    """A fresh, migrated database; the seconds migrations took."""
    began = time.perf_counter()
    if database == "sqlite":
        path = work / "sqlite" / "lantern.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        template = work / "sqlite" / "migrated.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if template.exists():
            shutil.copyfile(template, path)  # migrate below adds any newer migrations
        manage(env, "migrate", "--no-input", "-v0", timeout=600)
        shutil.copyfile(path, template)
    else:
        reset_postgresql()
        manage(env, "migrate", "--no-input", "-v0", timeout=600)
    return time.perf_counter() - began


def generate(env: dict, sites: int, pages: int) -> dict:
    began = time.perf_counter()
    done = manage(
        env | {"DJANGO_SETTINGS_MODULE": BENCH_SETTINGS},
        "generate_content",
        "--sites",
        str(sites),
        "--pages-per-site",
        str(pages),
        "--renditions",  # as the task worker makes them on publishing (docs/performance.md)
    )
    seconds = time.perf_counter() - began
    summary = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    written = re.search(r"([\d,]+) stories written", summary)
    return {
        "sites": sites,
        "seconds": seconds,
        "stories_written": int(written.group(1).replace(",", "")) if written else 0,
        "output": done.stdout.strip(),
    }


def bench_database(options: Options, database: str, static_root: Path, services: Services) -> dict:
    title = "SQLite" if database == "sqlite" else "PostgreSQL + Redis"
    work = OUT_DIR
    media = work / "media" / database
    shutil.rmtree(media, ignore_errors=True)
    env = database_env(base_env(static_root, media), database, work)
    result: dict = {"title": title, "generation": [], "scale": {}, "memory": {}, "queries": {}}
    if database == "postgresql":
        services.postgresql()
        services.redis()
    say(f"==> {title}: a fresh database, migrated")
    result["migrate_seconds"] = prepare_database(database, env, work)
    say(f"  migrated in {result['migrate_seconds']:.0f} s")
    backends = Backends(database)
    try:
        measure_sizes(options, database, title, env, work, result, backends)
    finally:
        backends.close()
    result["targets"] = evaluate_targets(result)
    return result


def measure_sizes(options, database, title, env, work, result, backends) -> None:
    """Grow the network to each size in turn and measure it (everything at the first size);
    then the cost of each page at the smallest and largest sizes, in turns."""
    first_env = None
    for position, sites in enumerate(options.sites):
        say(f"==> {title}: {sites} sites x {options.pages} stories: generating")
        generation = generate(env, sites, options.pages)
        result["generation"].append(generation)
        say(
            f"  {generation['output'].splitlines()[0]} ({generation['seconds']:.1f} s with start-up)"
        )

        cold_probe = probe(env, 0)
        host, paths = cold_probe["hostname"], {k: v["path"] for k, v in cold_probe["pages"].items()}
        for data in cold_probe["pages"].values():
            if data["status"] != 200:
                raise BenchError(f"{host}{data['path']} answers {data['status']} in the probe")
        scale = {
            "pages_in_database": cold_probe["pages_in_database"],
            "queries": {page: data["queries"] for page, data in cold_probe["pages"].items()},
        }
        if position == 0:
            first_env = snapshot(database, env, work, sites) if len(options.sites) > 1 else None
            warm_probe = probe(env, 600)
            result["queries"] = {
                "cold": cold_probe["pages"],
                "warm": warm_probe["pages"],
                "api_by_limit": cold_probe["api_queries_by_limit"],
            }
            result["paths"] = paths
            result["hostname"] = host
            for state, seconds in (("cold", 0), ("warm", 600)):
                say(f"  {title}, page cache {'off' if not seconds else f'on ({seconds} s)'}:")
                if database == "postgresql":
                    flush_redis()
                server_env = env | {"LANTERN_PAGE_CACHE_SECONDS": str(seconds)}
                with Gunicorn(
                    server_env, options.workers, work / "logs" / database, state
                ) as server:
                    result[state] = measure(options, server, host, paths, PAGES, backends)
                    result["memory"][state] = server.memory()
            scale |= {page: result["cold"][page] for page in SCALE_PAGES}
        else:
            say(f"  {title}, {sites} sites, page cache off:")
            if database == "postgresql":
                flush_redis()
            server_env = env | {"LANTERN_PAGE_CACHE_SECONDS": "0"}
            with Gunicorn(
                server_env, options.workers, work / "logs" / database, f"scale{sites}"
            ) as server:
                scale |= measure(options, server, host, paths, SCALE_PAGES, backends)
                result["memory"][f"{sites} sites"] = server.memory()
        result["scale"][str(sites)] = scale
    if first_env is not None:
        first, last = str(options.sites[0]), str(options.sites[-1])
        result["cost"], result["calls"] = compare_costs({first: first_env, last: env})


# --- the machine ---------------------------------------------------------------------------------


def machine_info() -> dict:
    def output(cmd: list[str]) -> str:
        try:
            return subprocess.run(  # noqa: S603
                cmd, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    free = output(["free", "-g"]).splitlines()
    memory = ""
    if len(free) > 1:
        parts = free[1].split()
        memory = f"{parts[1]} GB RAM ({parts[-1]} GB available)"
    import sqlite3

    info = {
        "cpu": cpu or platform.processor(),
        "nproc": output(["nproc"]),
        "memory": memory,
        "free_g": "\n".join(free),
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "python": platform.python_version(),
        "django": importlib.metadata.version("django"),
        "wagtail": importlib.metadata.version("wagtail"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "wrk": (output(["wrk", "--version"]).splitlines() or ["wrk"])[0].split(" Copyright")[0],
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
    }
    return info


def service_versions(info: dict, databases: list[str]) -> None:
    if "postgresql" not in databases:
        return
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(
            host=POSTGRES["host"], port=POSTGRES["port"], user=POSTGRES["user"], dbname="postgres"
        ) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            info["postgresql"] = f"PostgreSQL {version.split()[0]}"
    with contextlib.suppress(Exception):
        import redis

        info["redis"] = redis.Redis(**REDIS).info("server")["redis_version"]


# --- main ----------------------------------------------------------------------------------------


def print_summary(result: dict) -> None:
    print()
    print(render_markdown(result))


def main() -> int:
    options = Options.from_env(os.environ)
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: `apt-get install -y wrk` (as root), then run this again.",
            file=sys.stderr,
        )
        return 2
    if not (SERVER_BIN / "gunicorn").exists():
        print(
            f"{SERVER_BIN.parent} is missing: run the bench with `make bench`, which installs it.",
            file=sys.stderr,
        )
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    lock = open(OUT_DIR / "bench.lock", "a+")  # noqa: SIM115 (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        print(
            f"Another bench is running (pid {lock.read().strip() or '?'}): its databases and "
            "var/bench/ are in use. Wait for it to finish.",
            file=sys.stderr,
        )
        return 2
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    began = time.monotonic()
    say(
        f"Lantern bench: {', '.join(options.databases)}; sites {options.sites} x {options.pages} "
        f"stories; {options.seconds} s per URL; {options.workers} sync workers; wrk "
        f"{options.connections} connections, {options.threads} threads"
    )

    def on_term(signum, frame):  # stop what we started on `kill`, as on Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    services = Services()
    static_root = Path(tempfile.mkdtemp(prefix="lantern-bench-static-"))
    result: dict = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(),
        "options": options.__dict__,
        "machine": machine_info(),
        "anchor_bakerydemo": ANCHOR,
        "databases": {},
    }
    failed = False
    try:
        say("==> collectstatic into a temporary STATIC_ROOT")
        env = database_env(base_env(static_root, OUT_DIR / "media"), "sqlite", OUT_DIR)
        manage(env, "collectstatic", "--no-input", "-v0", timeout=300)
        for database in options.databases:
            try:
                result["databases"][database] = bench_database(
                    options, database, static_root, services
                )
            except BenchError as error:
                failed = True
                say(f"!! {database}: {error}")
                result["databases"][database] = {
                    "title": database,
                    "error": str(error).splitlines()[0],
                    "detail": str(error),
                }
        service_versions(result["machine"], options.databases)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if "postgresql" in options.databases and not options.keep:
            with contextlib.suppress(Exception):
                drop_postgresql()
        services.stop()
    result["finished"] = datetime.datetime.now(datetime.UTC).isoformat()
    result["machine"]["loadavg_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    result["seconds"] = time.monotonic() - began
    (OUT_DIR / "result.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    markdown = render_markdown(result)
    (OUT_DIR / "result.md").write_text(markdown)
    print_summary(result)
    say(f"Done in {result['seconds'] / 60:.1f} min: {OUT_DIR / 'result.json'}, result.md")
    if options.update_docs and not failed:
        DOCS.write_text(replace_section(DOCS.read_text(), markdown))
        say(f"Updated {DOCS.relative_to(BASE_DIR)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
