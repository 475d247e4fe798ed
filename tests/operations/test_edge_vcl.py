"""varnish.vcl's rules, with a real varnishd in front of a small stub origin (issue #27).

The stub answers each path as the test tells it (status, headers), counts the requests that
reached it and remembers the cookies they carried, so each rule is checked on its own: what is
kept and what never is, what is passed through, who may purge, and what is served while the
origin fails. tests/reliability/test_edge.py runs the same VCL in front of Lantern itself.
Skipped where Varnish is not installed (CI installs it: .ci/run).
"""

import shutil
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.skipif(
    shutil.which("varnishd") is None and not Path("/usr/sbin/varnishd").exists(),
    reason="varnishd is not installed (apt-get install varnish varnish-modules)",
)

READERS_PAGE = {"Cache-Control": "public, max-age=0, s-maxage=600", "xkey": "lpage1 lsite1"}


class Origin(ThreadingHTTPServer):
    """Answers `answers[path]` = (status, headers); /healthz always 200."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), OriginHandler)
        self.answers: dict[str, tuple[int, dict]] = {}
        self.asked: Counter = Counter()
        self.cookies: dict[str, str | None] = {}
        self.down = False  # every answer but /healthz a 503

    @property
    def port(self) -> int:
        return self.server_address[1]


class OriginHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        origin: Origin = self.server
        path = self.path.split("?")[0]
        status, headers = 200, {}
        if path != "/healthz":
            origin.asked[path] += 1
            origin.cookies[path] = self.headers.get("Cookie")
            status, headers = origin.answers.get(path, (200, READERS_PAGE))
            if origin.down:
                status, headers = 503, {"Retry-After": "60"}
        body = f"{path} #{origin.asked[path]}\n".encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Request-ID", f"origin-{origin.asked[path]}")
        self.send_header("X-Lantern-Cache", "miss")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    server = Origin()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def edge(origin):
    from tests.reliability.edge import Varnish

    work = Path(tempfile.mkdtemp(prefix="lantern-vcl-"))
    varnish = Varnish(work)
    varnish.start(origin.port)
    yield varnish
    varnish.stop()
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def path(request, origin):
    """A path of this test's own, answered as a reader's page unless the test says otherwise."""
    name = f"/{request.node.name.replace('[', '-').replace(']', '')}"
    origin.down = False
    return name


def get(edge, path, **headers) -> requests.Response:
    return edge.get("localhost", path, headers=headers)


def purge(edge, keys: str, socket: str = "purges") -> requests.Response:
    url = edge.purge_url if socket == "purges" else edge.url
    return requests.request("PURGE", url + "/", headers={"xkey-purge": keys}, timeout=10)


def test_a_readers_page_is_kept_and_its_keys_stay_inside(edge, origin, path):
    first, second = get(edge, path), get(edge, path)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert origin.asked[path] == 1
    assert "xkey" not in first.headers and "xkey" not in second.headers
    # A hit never reached Lantern: the first reader's request id and cache status are not shown.
    assert first.headers["X-Request-ID"] == "origin-1" and "X-Request-ID" not in second.headers
    assert first.headers["X-Lantern-Cache"] == "miss" and "X-Lantern-Cache" not in second.headers


@pytest.mark.parametrize(
    "status, headers",
    [
        (200, {**READERS_PAGE, "Set-Cookie": "csrftoken=abc; Path=/"}),
        (200, {"Cache-Control": "private, s-maxage=600"}),
        (200, {"Cache-Control": "no-store"}),
        (200, {}),  # no lifetime for a shared cache: Lantern without LANTERN_CDN_SECONDS
        (404, {}),
        (301, {"Location": "https://localhost/en/"}),
    ],
    ids=["set-cookie", "private", "no-store", "no-lifetime", "not-found", "redirect"],
)
def test_answers_lantern_does_not_mark_for_a_shared_cache_are_never_kept(
    edge, origin, path, status, headers
):
    origin.answers[path] = (status, headers)
    answers = [get(edge, path) for _ in range(3)]
    assert [a.status_code for a in answers] == [status] * 3
    assert "HIT" not in {a.headers["X-Cache"] for a in answers}
    assert origin.asked[path] == 3


@pytest.mark.parametrize(
    "where, headers",
    [
        ("", {"Cookie": "sessionid=s1"}),
        ("", {"Cookie": "_ga=1; csrftoken=c1"}),
        ("", {"Authorization": "Bearer t"}),
        ("/admin", {}),
        ("/api/manage", {}),
        ("/api/preview", {}),
    ],
    ids=["session", "csrf", "authorization", "admin", "management-api", "preview"],
)
def test_editors_credentials_the_admin_and_previews_are_passed_through(
    edge, origin, path, where, headers
):
    path = f"{where}{path}"
    answers = [get(edge, path, **headers) for _ in range(2)]
    assert [a.headers["X-Cache"] for a in answers] == ["PASS", "PASS"]
    assert origin.asked[path] == 2
    if "Cookie" in headers:  # Lantern's own cookies reach it
        assert "sessionid=s1" in origin.cookies[path] or "csrftoken=c1" in origin.cookies[path]
    # The next anonymous reader is fetched a page of their own, and it is kept.
    assert [get(edge, path).headers["X-Cache"] for _ in range(2)] in (
        ["MISS", "HIT"],
        ["PASS", "PASS"],  # the admin and the APIs are never kept, for anyone
    )


def test_other_cookies_are_dropped_and_the_page_is_kept(edge, origin, path):
    first = get(edge, path, Cookie="_ga=GA1.2.3; theme=dark")
    second = get(edge, path, Cookie="_ga=GA9.9.9")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert origin.cookies[path] is None


def test_a_post_is_passed_through(edge, origin, path):
    for _ in range(2):
        response = requests.post(edge.url + path, headers={"Host": "localhost"}, timeout=10)
        assert response.headers["X-Cache"] == "PASS"
    assert origin.asked[path] == 2


def test_a_purge_drops_every_page_with_its_keys_and_only_from_inside(edge, origin, path):
    origin.answers[path + "-a"] = (200, {**READERS_PAGE, "xkey": "lpurgeme lother"})
    origin.answers[path + "-b"] = (200, {**READERS_PAGE, "xkey": "lpurgeme"})
    origin.answers[path + "-c"] = (200, {**READERS_PAGE, "xkey": "lkeepme"})
    pages = [path + "-a", path + "-b", path + "-c"]
    for page in pages:
        get(edge, page)
    assert purge(edge, "lpurgeme", socket="readers").status_code == 403
    assert [get(edge, page).headers["X-Cache"] for page in pages] == ["HIT"] * 3
    purged = purge(edge, "lunknown lpurgeme")
    assert purged.status_code == 200 and purged.text.strip() == "Purged 2"
    assert [get(edge, page).headers["X-Cache"] for page in pages] == ["MISS", "MISS", "HIT"]
    assert requests.request("PURGE", edge.purge_url + "/", timeout=10).status_code == 400


def test_an_origin_error_never_replaces_a_kept_page(edge, origin, path):
    """Within grace (10 s after it expires, the origin answering), a page is served while it is
    fetched again; an error from that fetch is dropped and the page stays."""
    origin.answers[path] = (200, {"Cache-Control": "public, s-maxage=1"})
    assert get(edge, path).text == f"{path} #1\n"
    time.sleep(1.5)
    origin.down = True
    answers = [get(edge, path) for _ in range(3)]
    assert [a.status_code for a in answers] == [200] * 3
    assert {a.text for a in answers} == {f"{path} #1\n"}


def test_while_the_origin_fails_readers_get_the_last_copy_or_a_503_to_come_back(edge, origin, path):
    """Past its 10 s of grace a page is fetched before it is served; if the origin fails, the
    last copy is served (up to 6 hours), and a page never kept is a 503 with Retry-After."""
    origin.answers[path] = (200, {"Cache-Control": "public, s-maxage=1"})
    get(edge, path)
    time.sleep(11.5)
    origin.down = True
    stale = get(edge, path)
    assert (stale.status_code, stale.text) == (200, f"{path} #1\n")
    never_kept = get(edge, path + "-new")
    assert never_kept.status_code == 503
    assert never_kept.headers["Retry-After"] == "60"
