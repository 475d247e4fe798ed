"""WCAG 2.2 AA, checked by axe-core in Chromium: every page type of every demo site, in English
and Spanish, and the pages outside the tree (search, browse more safely, not found)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from django.conf import settings

from wagtail.models import Site

from tests.conftest import DEMO_HOSTS

pytestmark = pytest.mark.django_db

AXE = Path(
    os.environ.get(
        "LANTERN_AXE", Path(settings.BASE_DIR) / "var/axe/node_modules/axe-core/axe.min.js"
    )
)
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pages_to_check(hostname: str) -> list[str]:
    """One page of each type on the site, in each of its languages, and the fixed pages."""
    addresses = []
    site = Site.objects.get(hostname=hostname)
    for home in site.root_page.get_translations(inclusive=True).live():
        seen = set()
        for page in home.get_descendants(inclusive=True).live().specific():
            kind = (type(page).__name__, page.locale_id)
            if kind not in seen:
                seen.add(kind)
                addresses.append(page.get_url_parts()[2])
    addresses += ["/en/search/?q=help", "/en/browse-more-safely/", "/en/no-such-page/"]
    if hostname == "harbor.localhost":  # find help with results, and with a ZIP it cannot use
        addresses += ["/en/find-help/?zip=90012", "/es/encontrar-ayuda/?zip=9001"]
    return addresses


@pytest.fixture
def phone(browser):
    """A phone-sized browser that lets axe-core in: the site's Content-Security-Policy
    (rightly) refuses injected scripts, so this context alone bypasses it."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    yield context
    context.close()


# A site a test, so that the test processes share the sites between them.
@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_no_accessibility_violations_on_any_kind_of_page(live_demo, phone, hostname):
    assert AXE.exists(), f"axe-core is missing at {AXE}: `make test` installs it (npm)."
    port = urlsplit(live_demo.url).port
    problems = []
    checked = pages_to_check(hostname)
    page = phone.new_page()
    for path in checked:
        page.goto(f"http://{hostname}:{port}{path}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("rules => axe.run({runOnly: rules})", RULES)
        problems += [
            f"{hostname}{path}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
            for v in result["violations"]
        ]
    page.close()
    assert len(checked) >= 6, checked  # a home, a listing, a story, and the three fixed pages
    assert problems == []


def test_the_check_itself_catches_a_violation(phone):
    """So that a pass above means something: axe, run the same way, flags an image without alt."""
    page = phone.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"></main></html>')
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("rules => axe.run({runOnly: rules})", RULES)
    assert "image-alt" in {violation["id"] for violation in result["violations"]}
    page.close()
