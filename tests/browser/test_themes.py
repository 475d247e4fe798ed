"""The five themes in Chromium, on a desktop: each demo site (one theme each) passes axe-core,
its header and hero look as its theme says, its pictures load from its own host; and a page
printed keeps the help and drops the chrome (#26)."""

from urllib.parse import urlsplit

import pytest

from sites.content.branding import SiteBranding
from tests.browser.test_accessibility import AXE, RULES
from tests.conftest import DEMO_HOSTS

pytestmark = pytest.mark.django_db

LIGHT_HEADER = {"gentle", "editorial"}


@pytest.fixture
def desktop(browser):
    """A desktop-sized browser that lets axe-core in (as `phone` does in test_accessibility)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    yield context
    context.close()


def test_every_theme_on_a_desktop_is_accessible_distinct_and_self_hosted(live_demo, desktop):
    port = urlsplit(live_demo.url).port
    problems, looks = [], {}
    for hostname in DEMO_HOSTS:
        theme = SiteBranding.objects.get(site__hostname=hostname).theme
        page = desktop.new_page()
        hosts = set()
        page.on("request", lambda request, seen=hosts: seen.add(urlsplit(request.url).hostname))
        page.goto(f"http://{hostname}:{port}/en/", wait_until="networkidle")

        assert f"theme-{theme}" in page.locator("body").get_attribute("class")
        header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
        assert (header == "rgb(255, 255, 255)") == (theme in LIGHT_HEADER), (hostname, header)
        hero = page.locator(".hero__image")
        assert hero.is_visible() and hero.evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.locator(".site-brand__logo").evaluate("img => img.naturalWidth > 0")
        # The help bar and the exit stay first, above the header, whatever the theme.
        order = page.evaluate(
            "() => ['.quick-exit', '.help-bar', '.site-header', '.hero']"
            ".map(s => document.querySelector(s).getBoundingClientRect().top)"
        )
        assert order == sorted(order), (hostname, order)
        looks[hostname] = page.evaluate(
            "() => ['.site-header', '.hero', '.hero__heading', '.card'].map(s => {"
            " const c = getComputedStyle(document.querySelector(s));"
            " return [c.backgroundColor, c.fontFamily, c.fontSize, c.borderRadius,"
            " c.gridTemplateColumns, c.textAlign].join('|') }).join(';')"
        )
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("rules => axe.run({runOnly: rules})", RULES)
        problems += [
            f"{hostname}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
            for v in result["violations"]
        ]
        assert hosts == {hostname}, (hostname, hosts)
        page.close()
    assert problems == []
    assert len(set(looks.values())) == len(DEMO_HOSTS)  # no two sites look alike


def test_a_printed_page_keeps_the_help_and_drops_the_chrome(live_demo, desktop):
    port = urlsplit(live_demo.url).port
    page = desktop.new_page()
    page.emulate_media(media="print")
    page.goto(f"http://harbor.localhost:{port}/en/find-help/?zip=90012")

    for hidden in (".quick-exit", ".site-nav", ".find-help__form"):
        assert page.locator(hidden).first.evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".help-bar").is_visible()
    assert page.locator(".help-bar__call").first.inner_text().startswith("Call (213) 555-0142")
    website = page.locator('.help-resource__links a[href^="http"]').first
    after = website.evaluate("a => getComputedStyle(a, '::after').content")
    assert website.get_attribute("href") in after
    assert page.pdf(format="Letter")[:4] == b"%PDF"  # and Chromium prints it
