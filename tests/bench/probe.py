"""The benchmark's look inside Django: which URLs to measure, and the queries each one makes.

Run by tests/bench/run.py as `python -m tests.bench.probe` with the same environment as the
gunicorn it measures (settings, database, cache, LANTERN_PAGE_CACHE_SECONDS). Prints one JSON
object on stdout: for each measured page its path, status and the queries of its second request
(the first warms per-process caches, as a worker's first request does), counted through the
Django test client with the site's Host. Nothing is written to the database.

`python -m tests.bench.probe --cost N` instead times each page N times in this one process and
prints the lower quartile of a request's CPU time (and of the time its queries took): what a
page costs, far less moved by other work on the machine than a rate measured over HTTP. It also
counts the Python function calls one request makes, which no other work on the machine moves at
all: the same count at 1 and at 50 sites means the same work.
"""

import cProfile
import gc
import json
import os
import pstats
import sys
import time

HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}  # what the TLS proxy in front of gunicorn sends
API_LIMITS = (1, 20, 100)


def measured_paths(site_number: int = 1) -> tuple[str, dict[str, str]]:
    """The site's host name and the paths `make bench` measures on it."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from wagtail.models import Site

    from tests.bench.synthetic import hostname_for, profile, stories_index

    hostname = hostname_for(site_number)
    site = Site.objects.select_related("root_page").get(hostname=hostname)
    # The site's reference story (tests.bench.synthetic.add_stories): first in the tree.
    story = stories_index(site).get_children().live().order_by("path").first()
    find_help = site.root_page.get_children().get(slug="find-help")
    return hostname, {
        "static": staticfiles_storage.url("css/lantern.css"),
        "home": site.root_page.get_url_parts()[2],
        "story": story.get_url_parts()[2],
        "find_help": f"{find_help.get_url_parts()[2]}?zip={profile(site_number).sample_zip}",
        "api": "/api/pages?limit=20",
    }


def count_queries(client, path: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, **HTTPS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **HTTPS)
    return response.status_code, len(queries.captured_queries)


def low_quartile(values: list[float]) -> float:
    """The time a quarter of the requests beat: what a request costs when nothing else on the
    machine gets in its way, steadier than the median when something does."""
    ordered = sorted(values)
    return ordered[len(ordered) // 4]


def calls_in(client, path: str) -> int:
    """How many Python function calls one request for `path` makes. The garbage collector waits
    meanwhile: a collection would add the finalizers of whatever it found, at no fixed point."""
    gc.collect()
    gc.disable()
    try:
        profiler = cProfile.Profile()
        profiler.runcall(client.get, path, **HTTPS)
    finally:
        gc.enable()
    return pstats.Stats(profiler).total_calls


def costs(client, paths: dict[str, str], repeat: int) -> dict:
    """CPU and query milliseconds of each page's request (the lower quartile of `repeat`),
    after one to warm up, and the Python calls of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for name, path in paths.items():
        client.get(path, **HTTPS)
        cpu, database = [], []
        for _ in range(repeat):
            began = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                client.get(path, **HTTPS)
            cpu.append((time.process_time() - began) * 1000)
            database.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        found[name] = {
            "cpu_ms": low_quartile(cpu),
            "query_ms": low_quartile(database),
            "calls": calls_in(client, path),
        }
    return found


def main() -> None:
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from wagtail.models import Page

    hostname, paths = measured_paths()
    client = Client(HTTP_HOST=hostname)
    if len(sys.argv) == 3 and sys.argv[1] == "--cost":
        del paths["static"]
        result = costs(client, paths, int(sys.argv[2]))
        print(json.dumps({"vendor": connection.vendor, "pages": result}))
        return
    pages = {}
    for name, path in paths.items():
        status, queries = count_queries(client, path)
        pages[name] = {"path": path, "status": status, "queries": queries}
    api_queries = {
        str(limit): count_queries(client, f"/api/pages?limit={limit}")[1] for limit in API_LIMITS
    }
    print(
        json.dumps(
            {
                "hostname": hostname,
                "pages": pages,
                "api_queries_by_limit": api_queries,
                "pages_in_database": Page.objects.count(),
                "page_cache_seconds": os.environ.get("LANTERN_PAGE_CACHE_SECONDS"),
            }
        )
    )


if __name__ == "__main__":
    main()
