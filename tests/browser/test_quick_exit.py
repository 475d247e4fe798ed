"""Exit this page: first on the keyboard, by click or Shift three times, leaving no back-button
way to the page; a plain link without JavaScript."""

from urllib.parse import urlsplit

import pytest

from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

NEUTRAL = settings.QUICK_EXIT_URL


@pytest.fixture
def reader(phone):
    """A phone whose requests to the neutral site are answered locally (no network here)."""
    page = phone.new_page()
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(body="<title>Weather</title>neutral"))
    yield page
    page.close()


def story_url(live_demo, hostname="harbor.localhost", path="/en/stories/mayas-story/"):
    return f"http://{hostname}:{urlsplit(live_demo.url).port}{path}"


def test_the_exit_is_the_first_thing_the_keyboard_reaches(live_demo, reader):
    reader.goto(story_url(live_demo))
    reader.keyboard.press("Tab")
    focused = reader.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
    assert focused
    assert reader.locator("[data-quick-exit-hint]").is_visible()


@pytest.mark.parametrize("how", ["click", "shift three times"])
def test_leaving_replaces_the_page_in_history(live_demo, reader, how):
    home = story_url(live_demo, path="/en/")
    reader.goto(home)
    reader.goto(story_url(live_demo))
    if how == "click":
        reader.locator("[data-quick-exit]").click()
    else:
        for _ in range(3):
            reader.keyboard.press("Shift")
    reader.wait_for_url(f"{NEUTRAL}**")
    assert reader.content().count("neutral") == 1
    reader.go_back()
    assert reader.url == home, "the back button skips the page the reader left"


def test_the_exit_speaks_the_readers_language(live_demo, reader):
    reader.goto(story_url(live_demo, path="/es/historias/la-historia-de-maya/"))
    assert reader.locator("[data-quick-exit]").inner_text() == "Salir de esta página"


def test_without_javascript_the_exit_is_a_plain_link(live_demo, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(story_url(live_demo))
    assert page.locator("[data-quick-exit]").get_attribute("href") == NEUTRAL
    assert not page.locator("[data-quick-exit-hint]").is_visible()
    context.close()
