"""A flow that lands on the answer (#25): a search lands on what it found (the form's #results
anchor), headed by a count that takes focus; a mistyped ZIP code is explained at the top, tied
to its field, with an example from the site's own state. The markup, as a reader's browser
gets it (tests/browser/test_find_help_flow.py drives a phone through it)."""

import re

import pytest

from django.templatetags.static import static

from tests.conftest import DEMO_HOSTS, site_client

pytestmark = pytest.mark.django_db

# The ZIP code each demo site's readers are given as an example: its state capital's, from the
# state in its branding (fixtures/demo/*.toml). The network serves no one state: no example.
EXAMPLES = {
    "localhost": "",
    "harbor.localhost": "95814",
    "pines.localhost": "04330",
    "ridge.localhost": "27601",
    "passage.localhost": "55102",
}


def get(hostname="harbor.localhost", path="/en/find-help/", **params) -> str:
    response = site_client(hostname).get(path, params, follow=True)
    assert response.status_code == 200, (hostname, path)
    return response.content.decode()


def text(fragment: str) -> str:
    """What a fragment of markup reads as: its words, tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def zip_input(html: str) -> str:
    return re.search(r'<input type="text" name="zip"[^>]*>', html).group(0)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_the_form_lands_on_its_results_with_lanterns_own_script(hostname):
    html = get(hostname)
    assert re.search(r'<form method="get" action="/en/find-help/#results"', html)
    assert f'<script src="{static("js/find-help.js")}" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), "no inline script: the CSP allows none"
    assert "data-focus-on-load" not in html, "before a search, focus stays where the reader is"
    # The hint, with an example from the site's own state, is tied to the field.
    example = EXAMPLES[hostname]
    hint = f"5 digits, like {example}." if example else "5 digits."
    assert f'<span class="find-help__hint" id="id_zip_helptext">{hint}</span>' in html
    assert 'aria-describedby="id_zip_helptext"' in zip_input(html)
    assert "aria-invalid" not in zip_input(html)
    # The field comes first, under the heading: the page's intro follows the form.
    form = html[html.index('<form method="get"') :]
    assert form.index('name="zip"') < form.index('name="state"') < form.index("<button")
    assert html.index("<h1") < html.index('name="zip"') < html.index('class="find-help__intro"')


def test_a_search_is_headed_by_a_count_that_takes_focus_and_names_the_tab():
    html = get(zip="90012")
    heading = re.search(
        r'<h2 class="find-help__heading" id="results" tabindex="-1" data-focus-on-load>'
        r"(.*?)</h2>",
        html,
        re.S,
    )
    assert heading, "the anchor the form leads to, which find-help.js focuses"
    assert text(heading.group(1)) == "Help for 90012 (California) 4 places near 90012 can help."
    assert html.count('id="results"') == 1
    assert html.index('id="results"') > html.index("</form>"), "the results, below the form"
    # The tab's title is read out first when the page loads, with or without JavaScript.
    assert (
        "<title>4 places near 90012 can help. Find help near you · Harbor Light Alliance</title>"
        in html
    )


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"zip": "90012", "service": "legal"}, "1 place near 90012 can help."),
        ({"state": "ME"}, "4 places in Maine can help."),
        ({"zip": "78701"}, "No local listings for this place yet."),  # Texas: none listed
    ],
)
def test_the_count_says_how_many_places_near_the_reader_can_help(params, count):
    html = get(**params)
    heading = re.search(r'id="results" tabindex="-1" data-focus-on-load>(.*?)</h2>', html, re.S)
    assert text(heading.group(1)).endswith(count)


def test_the_count_is_in_the_readers_language():
    html = get(path="/es/encontrar-ayuda/", zip="90012")
    heading = re.search(r'id="results" tabindex="-1" data-focus-on-load>(.*?)</h2>', html, re.S)
    assert text(heading.group(1)) == (
        "Ayuda para 90012 (California) 4 lugares cerca de 90012 pueden ayudarte."
    )
    bad = get(path="/es/encontrar-ayuda/", zip="12")
    assert '<a href="#id_zip">Escribe un código postal de 5 dígitos, como 95814.</a>' in bad
    assert "5 dígitos, como 95814." in bad


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_a_mistyped_zip_is_explained_at_the_top_with_an_example_from_the_sites_state(hostname):
    html = get(hostname, zip="9001", service="shelter")
    example = EXAMPLES[hostname]
    message = (
        f"Enter a 5-digit ZIP code, like {example}." if example else "Enter a 5-digit ZIP code."
    )
    summary = re.search(
        r'<div class="error-summary" id="results" tabindex="-1" data-focus-on-load '
        r'aria-labelledby="error-summary-title">(.*?)</div>\s*</div>',
        html,
        re.S,
    )
    assert summary, "where the form's anchor lands, and what find-help.js focuses"
    assert summary.start() < html.index("<form method="), "above the form, the field in view"
    assert '<div role="alert">' in summary.group(1)
    assert f'<li><a href="#id_zip">{message}</a></li>' in summary.group(1)
    assert "The national hotlines below can help anywhere." in summary.group(1)
    # The field says so too, and tells assistive technology.
    field = zip_input(html)
    assert 'id="id_zip"' in field and 'value="9001"' in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_zip_helptext id_zip_error"' in field
    assert f'<p class="find-help__error" id="id_zip_error">{message}</p>' in html
    assert html.count('id="results"') == 1
    assert "<title>Error: Find help near you · " in html
    others = {zip_code for host, zip_code in EXAMPLES.items() if host != hostname and zip_code}
    assert not [zip_code for zip_code in [*others, "04101"] if zip_code in html]


def test_a_search_with_no_place_says_what_is_missing_where_the_form_lands():
    html = get(service="shelter")
    notice = re.search(
        r'<p class="find-help__notice" id="results" tabindex="-1" data-focus-on-load>', html
    )
    assert notice and notice.start() < html.index("<form method=")
    assert "Enter a ZIP code or choose a state to see help near you." in html
