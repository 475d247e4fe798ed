"""The bench harness's pure parts: reading wrk's output and judging results (no timing here)."""

import os

import pytest

from tests.bench.run import (
    Options,
    cpu_ms,
    cpu_ticks,
    duration_ms,
    evaluate_targets,
    parse_wrk,
    render_markdown,
    replace_section,
)

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:40123/en/news/story-1/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms    9.31ms   1.02s    91.02%
    Req/Sec    97.51     12.40   130.00     70.50%
  Latency Distribution
     50%   39.87ms
     75%   44.02ms
     90%   50.11ms
     99%  812.00us
  1946 requests in 10.01s, 25.30MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 2
Requests/sec:    194.41
Transfer/sec:      2.53MB
"""


def test_wrk_output_is_read():
    result = parse_wrk(WRK_OUTPUT)
    assert result["requests_per_second"] == 194.41
    assert result["requests"] == 1946
    assert result["seconds"] == pytest.approx(10.01)
    assert result["average_ms"] == pytest.approx(41.2)
    assert result["max_ms"] == pytest.approx(1020)
    assert result["percentiles_ms"] == {"50": 39.87, "75": 44.02, "90": 50.11, "99": 0.812}
    assert result["errors"] == {"connect": 0, "read": 3, "write": 0, "timeout": 1}
    assert result["non_2xx_3xx"] == 2


def test_a_clean_run_has_no_errors():
    clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 3, write 0, timeout 1\n", "")
    clean = clean.replace("  Non-2xx or 3xx responses: 2\n", "")
    result = parse_wrk(clean)
    assert result["errors"] == {}
    assert result["non_2xx_3xx"] == 0


def test_durations_in_every_unit():
    assert duration_ms("812.00us") == pytest.approx(0.812)
    assert duration_ms("2.5ms") == 2.5
    assert duration_ms("1.02s") == pytest.approx(1020)
    assert duration_ms("1.50m") == pytest.approx(90_000)
    with pytest.raises(ValueError):
        duration_ms("fast")


def test_output_without_a_rate_is_an_error():
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_options_from_the_environment():
    full = Options.from_env({})
    assert (full.databases, full.sites, full.pages, full.seconds) == (
        ["sqlite", "postgresql"],
        [1, 10, 50],
        1000,
        10,
    )
    quick = Options.from_env({"BENCH_QUICK": "1"})
    assert (quick.databases, quick.sites, quick.pages, quick.seconds) == (["sqlite"], [1], 50, 2)
    chosen = Options.from_env(
        {"BENCH_DATABASES": "postgresql", "BENCH_SITES": "50, 1", "BENCH_SECONDS": "5"}
    )
    assert (chosen.databases, chosen.sites, chosen.seconds) == (["postgresql"], [1, 50], 5)
    with pytest.raises(SystemExit):
        Options.from_env({"BENCH_DATABASES": "mysql"})


def measure(rate, p50=5.0, p99=20.0, static=1000.0):
    return {
        "requests_per_second": rate,
        "percentiles_ms": {"50": p50, "99": p99},
        "ratio": rate / static,
        "status": 200,
        "non_2xx_3xx": 0,
    }


def sample_run():
    pages = {"static": 1000.0, "home": 60.0, "story": 120.0, "find_help": 90.0, "api": 160.0}
    cold = {page: measure(rate) for page, rate in pages.items()}
    warm = {page: measure(rate * 8, p99=30.0) for page, rate in pages.items()}
    warm["static"] = measure(1000.0)
    queries = {page: {"path": "/", "status": 200, "queries": 9} for page in pages}
    return {
        "title": "SQLite",
        "cold": cold,
        "warm": warm,
        "queries": {"cold": queries, "warm": queries, "api_by_limit": {"1": 6, "20": 6}},
        "scale": {
            "1": {"story": measure(120.0), "static": measure(1000.0), "queries": {}},
            "50": {"story": measure(100.0), "static": measure(1000.0), "queries": {}},
        },
        "memory": {"cold": {"workers": [{"vm_hwm_mb": 120.0}, {"vm_hwm_mb": 160.0}]}},
        "generation": [{"sites": 1, "stories_written": 1000, "seconds": 4.0}],
        "migrate_seconds": 30,
    }


def test_targets_are_judged():
    targets = {t["target"]: t for t in evaluate_targets(sample_run())}
    assert targets["warm cached page ≥ 0.7x static"]["met"] is False  # home 0.48x
    assert targets["uncached story ≥ 0.10x static, ≤ 10 queries"]["met"] is True
    assert targets["uncached home ≥ 0.05x static"]["met"] is True
    api = targets["API listing of 20 ≥ 0.15x static, queries independent of limit"]
    assert api["met"] is True
    assert targets["p99 < 50 ms for warm pages"]["met"] is True
    assert targets["cost at 50 sites within 1.1x of 1"]["value"] == pytest.approx(1.2)
    assert targets["cost at 50 sites within 1.1x of 1"]["met"] is False
    assert targets["worker memory < 150 MB"]["met"] is False


def test_the_report_renders_and_replaces_its_section():
    run = sample_run()
    run["targets"] = evaluate_targets(run)
    result = {
        "options": Options.from_env({}).__dict__,
        "finished": "2026-11-26T10:00:00+00:00",
        "machine": {
            "cpu": "Some CPU",
            "nproc": "2",
            "memory": "23 GB RAM",
            "python": "3.11.7",
            "django": "5.2",
            "wagtail": "8.0.1",
            "gunicorn": "27",
            "wrk": "wrk 4.1.0",
            "sqlite": "3.40",
            "loadavg": "0.1 0.1 0.1",
        },
        "databases": {"sqlite": run},
    }
    markdown = render_markdown(result)
    assert "| story page | 120 |" in markdown
    assert "**not met**" in markdown
    document = "# Performance\n<!-- bench:start -->\nPREVIOUS RESULTS\n<!-- bench:end -->\nrest\n"
    assert replace_section(document, markdown).count("PREVIOUS RESULTS") == 0
    assert replace_section(document, markdown).endswith("<!-- bench:end -->\nrest\n")


def test_a_run_where_nothing_finished_counts_as_zero():
    run = sample_run()
    run["cold"]["story"] = measure(0.0) | {"requests": 0, "ratio": 0.0}
    targets = {t["target"]: t for t in evaluate_targets(run)}
    assert targets["uncached story ≥ 0.10x static, ≤ 10 queries"]["met"] is False


def test_cost_is_judged_on_cpu_per_request_when_measured():
    run = sample_run()
    run["scale"]["1"]["story"]["cpu_ms_per_request"] = 20.0
    run["scale"]["50"]["story"]["cpu_ms_per_request"] = 21.0
    target = {t["target"]: t for t in evaluate_targets(run)}["cost at 50 sites within 1.1x of 1"]
    assert target["value"] == pytest.approx(1.05)
    assert target["met"] is True
    assert target["shown"].startswith("story: 1.05x CPU per request under wrk, 1.20x relative")


def test_cost_timed_in_turns_comes_first_and_is_shown():
    run = sample_run()
    run["scale"]["1"]["story"]["cpu_ms_per_request"] = 20.0
    run["scale"]["50"]["story"]["cpu_ms_per_request"] = 40.0
    run["cost"] = {"1": {"story": 50.0, "home": 70.0}, "50": {"story": 52.5, "home": 140.0}}
    run["calls"] = {"1": {"story": 11_021, "home": 9_000}, "50": {"story": 11_070}}
    run["targets"] = evaluate_targets(run)
    target = {t["target"]: t for t in run["targets"]}["cost at 50 sites within 1.1x of 1"]
    assert target["value"] == pytest.approx(1.05)
    assert target["met"] is True
    assert "2.00x CPU per request under wrk" in target["shown"]
    assert target["shown"].endswith("11,021 → 11,070 Python calls a request")
    result = {
        "options": Options.from_env({}).__dict__,
        "finished": "2026-11-26T10:00:00+00:00",
        "machine": {"cpu": "", "nproc": "2", "memory": "", "python": "", "django": "",
                    "wagtail": "", "gunicorn": "", "wrk": "", "sqlite": "", "loadavg": ""},
        "databases": {"sqlite": run},
    }  # fmt: skip
    markdown = render_markdown(result)
    assert "| story page | 50.00 ms | 52.50 ms | 1.05x | 11,021 / 11,070 |" in markdown
    assert "| home page | 70.00 ms | 140.00 ms | 2.00x | 9,000 / - |" in markdown


def test_cpu_time_is_read_for_each_process():
    pid = os.getpid()
    before = cpu_ticks([pid, 999_999_999])
    assert set(before) == {pid}  # a process that is gone is left out
    after = cpu_ticks([pid])
    assert cpu_ms(before, after) >= 0
    assert cpu_ms({}, {pid: os.sysconf("SC_CLK_TCK")}) == pytest.approx(1000)
