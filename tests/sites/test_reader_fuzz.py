"""A bounded fuzz of what readers (and partners' front ends) can send: whatever they type or
follow, the answer is never a server error, never echoes their markup unescaped, and the
find-help page always gives the national hotline's number.

Django's test client raises a view's exception instead of answering 500
(raise_request_exception), so an exception fails the test with the input that caused it.
Requests only read: every example runs in the test's own transaction, rolled back at its end.
"""

from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django.test import Client

from wagtail.models import Site

from blocks.regions import US_STATES
from sites.help.pages import FindHelpPage
from sites.help.resources import LANGUAGES as HELP_LANGUAGES
from sites.help.resources import Service
from tests.conftest import DEMO_HOSTS

pytestmark = pytest.mark.django_db

NATIONAL_HOTLINE = "1-888-373-7888"
HOSTS = [*DEMO_HOSTS, "unknown.example.org"]
# The one script every reader page loads (base.html): not the reader's.
OWN_SCRIPTS = (  # Lantern's own, from its own site; any other script is an injection
    '<script src="/static/js/quick-exit.js" defer></script>',
    '<script src="/static/js/find-help.js" defer></script>',
)

fuzz = settings(
    max_examples=40,  # each test below takes its own share: the file runs in well under a minute
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FRAGMENTS = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "%00", "%", "%%", "%zz", "%2e%2e%2f", "%252e%252e%252f", "%c0%ae", "%ff", "%e2%80%ae",
    "../", "..\\", "/../../etc/passwd", "//evil.example/", "\\\\evil.example\\",
    "\x00", "\x01", "\x1f", "\x7f", "\r\n", "\t", "\u2028", "\u202e", "\ufeff", "\ufffd",
    "😀", "\uff21", "ñ", "ß", "İ", "e\u0301", "ﷺ", "\U0001d54f",
    "' OR '1'='1", '"', "'", "{{ 7|add:7 }}", "{% debug %}", "${7*7}",
    "?", "#", "&", "=", "+", ";", "/", "//", "\\", " ", "",
    "90012", "90012-1234", "04101", "00000", "99999", "9001", "ABCDE",
    "CA", "ca", "ME", "ZZ", "hotline", "shelter", "es", "zh", "on", "off", "true", "1", "0",
    "-1", "2", "1e9", "99999999999999999999", "NaN",
]  # fmt: skip

long_text = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(200, 2500))
part = st.one_of(st.text(max_size=20), st.sampled_from(FRAGMENTS), long_text)
nasty = st.lists(part, max_size=4).map("".join)


def client(host) -> Client:
    return Client(HTTP_HOST=host, raise_request_exception=True)


def get_raw(host, path, query=""):
    """The path and query string exactly as given: no encoding by us (the test client still
    percent-decodes the path as a server would)."""
    return client(host).get(f"{path}?{query}" if query else path)


def check(response, host, *inputs):
    """What every answer to a reader must be, whatever they sent."""
    assert response.status_code < 500, (response.status_code, inputs)
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        # Never an open redirect: onward to this site only.
        assert location.netloc in ("", host), (response["Location"], inputs)
        assert not response["Location"].startswith(("//", "/\\")), (response["Location"], inputs)
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        for script in OWN_SCRIPTS:
            html = html.replace(script, "")
        html = html.lower()
        for value in inputs:
            for tag in ("<script", "<img src=x onerror"):
                if tag in str(value).lower():
                    assert tag not in html, (tag, inputs)


# Search --------------------------------------------------------------------------------------


@settings(fuzz, max_examples=30)
@given(
    host=st.sampled_from(HOSTS),
    language=st.sampled_from(["en", "es"]),
    q=nasty,
    page=st.one_of(nasty, st.integers(-(10**20), 10**20).map(str)),
)
# Found by this fuzz (SQLite's FTS5 query syntax, through Wagtail's database search backend):
@example(host="harbor.localhost", language="en", q='"', page="1")
@example(host="harbor.localhost", language="en", q='">', page="1")
@example(host="harbor.localhost", language="es", q="x\x00y", page="1")
@example(host="pines.localhost", language="en", q='"><script>alert(1)</script>', page="")
def test_search_never_fails_whatever_is_searched(host, language, q, page):
    response = client(host).get(f"/{language}/search/", {"q": q, "page": page})
    check(response, host, q, page)


@settings(fuzz, max_examples=20)
@given(host=st.sampled_from(HOSTS), query=nasty)
@example(host="harbor.localhost", query='say "hello')
def test_search_never_fails_with_a_raw_query_string(host, query):
    response = get_raw(host, "/en/search/", f"q={query}&page={query}")
    check(response, host, query)


# Find help -----------------------------------------------------------------------------------


def find_help_addresses():
    """(host, path) of every live find-help page, in every language, on every demo site."""
    addresses = []
    for site in Site.objects.filter(hostname__in=DEMO_HOSTS).select_related("root_page"):
        for home in site.root_page.get_translations(inclusive=True).live():
            for page in FindHelpPage.objects.live().descendant_of(home):
                addresses.append((site.hostname, page.get_url_parts()[2]))
    return addresses


def answer(valid):
    """A field's answer: one it offers, nothing, or anything at all."""
    return st.one_of(st.sampled_from(valid), st.just(""), nasty)


help_params = st.fixed_dictionaries(
    {},
    optional={
        "zip": answer(["90012", "90012-1234", "04101", "59801", "96799", "00000", "123"]),
        "state": answer([*US_STATES, "ca"]),
        "service": answer(list(Service.values)),
        "language": answer([code for code, _ in HELP_LANGUAGES]),
        "open_now": answer(["on", "true", "1", "off", "false", "0"]),
    },
)


def test_every_demo_site_has_a_find_help_page_in_each_language():
    hosts = {host for host, _ in find_help_addresses()}
    assert hosts == set(DEMO_HOSTS)


@fuzz
@given(data=st.data(), params=help_params)
def test_find_help_never_fails_and_always_gives_the_national_hotline(data, params):
    host, path = data.draw(st.sampled_from(find_help_addresses()), label="address")
    response = client(host).get(path, params)
    check(response, host, *params.values())
    if response.status_code == 200:
        assert NATIONAL_HOTLINE in response.content.decode(), (host, path, params)


@fuzz
@given(data=st.data(), query=nasty)
def test_find_help_never_fails_with_a_raw_query_string(data, query):
    host, path = data.draw(st.sampled_from(find_help_addresses()), label="address")
    response = get_raw(
        host, path, f"zip={query}&state={query}&service={query}&language={query}&open_now={query}"
    )
    check(response, host, query)
    if response.status_code == 200:
        assert NATIONAL_HOTLINE in response.content.decode(), (host, path, query)


def test_find_help_with_an_unknown_host_is_refused_or_answered():
    response = client("unknown.example.org").get("/en/find-help/", {"zip": "90012"})
    check(response, "unknown.example.org")


# Any address ---------------------------------------------------------------------------------


@settings(fuzz, max_examples=100)
@given(
    host=st.sampled_from(HOSTS),
    prefix=st.sampled_from(["/", "/en/", "/es/", "/en/stories/", "/es/historias/", "/api/"]),
    rest=nasty,
    encode=st.booleans(),
)
def test_any_address_never_fails(host, prefix, rest, encode):
    path = prefix + (quote(rest, safe="/") if encode else rest)
    response = as_a_server_passes_it(host, path)
    check(response, host, rest)


def as_a_server_passes_it(host, path):
    """`path` given to Django as a WSGI server passes on whatever request line it read: the
    test client's own parsing refuses some (`//[x` reads to it as a bad IPv6 host), which a
    server hands on. Its fragment dropped, as a browser never sends one."""
    path, _, query = path.partition("#")[0].partition("?")
    return client(host).request(
        REQUEST_METHOD="GET",
        PATH_INFO=unquote_to_bytes(path).decode("iso-8859-1"),
        QUERY_STRING=query,
    )


@fuzz
@given(host=st.sampled_from(HOSTS), segments=st.lists(nasty, min_size=1, max_size=4))
def test_any_nested_address_with_a_trailing_slash_never_fails(host, segments):
    """Addresses ending in / reach Wagtail's page tree (or the redirect to /en/…)."""
    rest = "/".join(quote(segment, safe="") for segment in segments)
    for path in (f"/{rest}/", f"/en/{rest}/", f"/es/{rest}/"):
        check(client(host).get(path), host, *segments)


# API -----------------------------------------------------------------------------------------

API_PARAMS = {
    "/api/pages": {
        "limit": ["1", "20", "100", "0", "101"],
        "offset": ["0", "2", "1000000"],
        "locale": ["en", "es", "vi"],
        "type": ["news_story", "home", "find_help", "user"],
        "tag": ["rescue", "los-angeles"],
        "parent": ["1", "3", "-1"],
        "order": ["title", "-first_published_at", "path", "password"],
        "site": ["harbor.localhost", "pines.localhost", "nowhere.example.org"],
    },
    "/api/help": {
        "zip": ["90012", "04101", "00000"],
        "state": ["CA", "ME", "ZZ"],
        "service": list(Service.values),
        "language": [code for code, _ in HELP_LANGUAGES],
        "open_now": ["true", "false", "on", "yes"],
        "locale": ["en", "es"],
    },
    "/api/pages/find": {
        "path": ["/", "/stories/", "/es/historias/", "/en/stories/mayas-story/", "../"],
        "site": ["harbor.localhost", "pines.localhost"],
    },
}


@settings(fuzz, max_examples=100)
@given(
    data=st.data(),
    host=st.sampled_from(HOSTS),
    url=st.sampled_from(list(API_PARAMS)),
    extra=st.dictionaries(nasty, nasty, max_size=2),
)
def test_the_api_never_fails_whatever_it_is_asked(data, host, url, extra):
    known = API_PARAMS[url]
    params = data.draw(
        st.fixed_dictionaries({}, optional={name: answer(known[name]) for name in known}),
        label="params",
    )
    if data.draw(st.booleans(), label="with unknown parameters"):
        params = {**extra, **params}
    response = client(host).get(url, params)
    check(response, host, *params, *params.values())
    if response.status_code != 304:
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        response.json()


@settings(fuzz, max_examples=60)
@given(host=st.sampled_from(HOSTS), url=st.sampled_from(list(API_PARAMS)), query=nasty)
def test_the_api_never_fails_with_a_raw_query_string(host, url, query):
    names = "&".join(f"{name}={query}" for name in API_PARAMS[url])
    check(get_raw(host, url, names), host, query)
