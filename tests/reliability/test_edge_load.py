"""Issue #27, the edge under load: the readers' mix through Varnish (varnish.vcl) in front of
gunicorn. The share of hits (asserted: a property of the VCL and of Lantern's headers), the
requests that reached gunicorn, and the edge's rate beside gunicorn's rate for a static file in
the same run (printed and recorded in var/reliability/result.json, never asserted).
"""

import json

import pytest

from tests.bench.run import parse_wrk
from tests.reliability.load import scenario
from tests.reliability.stack import SITES, access, run, server_faults

pytestmark = pytest.mark.reliability

MIN_HIT_RATIO = 0.95
WRK_SECONDS = 5  # each side of the rate comparison; wrk as `make bench` runs it
WRK_CONNECTIONS, WRK_THREADS = 8, 2
NEVER_KEPT = ("search",)  # sites.content.search: a reader's query is stored nowhere


def wrk_script(stack) -> str:
    """A wrk script that asks in turn for the readers' targets the edge keeps (all but site
    search, which is never kept and goes to gunicorn at gunicorn's pace), as the proxy passes
    them on, with gzip as browsers ask."""
    rows = ",\n".join(
        f"  {{{json.dumps(t['host'])}, {json.dumps(t['path'])}}}"
        for t in stack.targets
        if t["kind"] not in NEVER_KEPT
    )
    script = stack.work / "readers.lua"
    script.write_text(
        "local targets = {\n" + rows + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #targets + 1\n"
        "  local t = targets[i]\n"
        '  return wrk.format("GET", t[2], {["Host"] = t[1], ["X-Forwarded-Proto"] = "https",'
        ' ["Accept-Encoding"] = "gzip"})\n'
        "end\n"
    )
    return str(script)


def wrk(url: str, *options: str) -> dict:
    done = run(
        [
            "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s",
            "--timeout", "10s", "--latency", *options, url,
        ],
        timeout=WRK_SECONDS + 30,
        what="wrk",
    )  # fmt: skip
    return parse_wrk(done)


def origin_requests(stack, since: int) -> int:
    """Requests gunicorn answered since the log offset, the edge's health probes aside."""
    return sum(
        1
        for line in stack.gunicorn.log_text(since).splitlines()
        if (answer := access(line)) is not None and answer[1] not in ("/healthz", "/readyz")
    )


def test_readers_through_the_edge_are_served_from_it(healthy, load, report):
    stack = healthy
    edge = stack.varnish
    for target in stack.targets:  # each kept once, as on any day after the first readers
        edge.get(target["host"], target["path"])
    before, log_from = edge.stats(), stack.gunicorn.log_size()
    result = load("edge_readers", base_url=edge.url).finish()
    after = edge.stats()
    origin = origin_requests(stack, log_from)
    hits = after["cache_hit"] - before["cache_hit"]
    # Varnish counts a request for an answer it may not keep (hit-for-miss: searches) as a
    # miss too: those are passes here, and misses are answers fetched to be kept.
    passes = after["cache_hitmiss"] - before["cache_hitmiss"] + after["s_pass"] - before["s_pass"]
    misses = (
        after["cache_miss"]
        - before["cache_miss"]
        - (after["cache_hitmiss"] - before["cache_hitmiss"])
    )
    # Site search is never kept (what a reader searched for is stored nowhere, edge included):
    # the edge passes it to gunicorn. The hit ratio is over the answers the edge may keep; the
    # share of all the readers' requests is recorded beside it.
    hit_ratio = hits / (hits + misses) if hits + misses else 0.0
    hit_share = hits / result.requests if result.requests else 0.0

    # The rates, side by side in this run: gunicorn's static file (whitenoise) directly, then
    # the readers' mix through the edge (what it keeps), each with wrk as `make bench` runs it.
    css = next(t for t in stack.targets if t["kind"] == "static css")
    https = ["-H", "X-Forwarded-Proto: https", "-H", "Accept-Encoding: gzip"]
    static = wrk(stack.base_url + css["path"], "-H", "Host: localhost", *https)
    wrk_log_from = stack.gunicorn.log_size()
    readers = wrk(edge.url, "-s", wrk_script(stack))
    wrk_origin = origin_requests(stack, wrk_log_from)
    times = readers["requests_per_second"] / static["requests_per_second"]

    entry = scenario(
        report,
        "edge_readers",
        result,
        edge_hits=hits,
        edge_misses=misses,
        edge_passes=passes,
        hit_ratio=round(hit_ratio, 4),
        hit_share_of_all_requests=round(hit_share, 4),
        origin_requests=origin,
        wrk_seconds=WRK_SECONDS,
        wrk_connections=WRK_CONNECTIONS,
        origin_static_rps=round(static["requests_per_second"]),
        edge_readers_rps=round(readers["requests_per_second"]),
        edge_over_static=round(times, 1),
        edge_wrk_requests=readers.get("requests"),
        edge_wrk_origin_requests=wrk_origin,
        edge_wrk_non_2xx=readers["non_2xx_3xx"],
    )
    print(
        f"[reliability] edge: {hits} hits, {misses} misses ({hit_ratio:.1%} hits), {passes} "
        f"passed (searches, hit-for-miss); {hit_share:.1%} of {result.requests} readers' requests were hits, "
        f"{origin} reached gunicorn; wrk: the edge's readers' mix "
        f"{readers['requests_per_second']:,.0f}/s, gunicorn's static file "
        f"{static['requests_per_second']:,.0f}/s ({times:.1f}x); {wrk_origin} of "
        f"{readers.get('requests')} wrk requests reached gunicorn"
    )
    assert result.statuses() == {200: result.requests}, result.summary()
    assert readers["non_2xx_3xx"] == 0 and not any(readers["errors"].values()), readers
    assert hit_ratio >= MIN_HIT_RATIO, entry
    assert server_faults(stack.gunicorn.log_text(log_from)) == []
    entry["held"] = True


def test_every_site_answers_through_the_edge(healthy):
    """After the edge's tests, every reader URL still answers 200 through it (the load after
    this one asks for all of them)."""
    assert {
        t["name"]: s
        for t in healthy.targets
        if (s := healthy.varnish.get(t["host"], t["path"]).status_code) != 200
    } == {}
    assert set(SITES) <= {t["host"] for t in healthy.targets}
