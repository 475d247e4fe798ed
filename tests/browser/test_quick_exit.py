"""Exit this page: first on the keyboard, by click or Shift three times (bare presses only, never
the Shift of typed capitals), leaving no back-button way to the page; a plain link without
JavaScript. The skip link after it is never hidden under its bar, and its hint names the Shift
key only where there is a keyboard."""

from urllib.parse import urlsplit

import pytest

from django.conf import settings

pytestmark = pytest.mark.django_db

NEUTRAL = settings.QUICK_EXIT_URL


def open_reader(context):
    """A page whose requests to the neutral site are answered locally (no network here)."""
    page = context.new_page()
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(body="<title>Weather</title>neutral"))
    return page


@pytest.fixture
def reader(phone):
    page = open_reader(phone)
    yield page
    page.close()


@pytest.fixture
def desktop(browser):
    """A laptop-sized browser with a mouse and a keyboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def typist(desktop):
    page = open_reader(desktop)
    yield page
    page.close()


def story_url(live_demo, hostname="harbor.localhost", path="/en/stories/mayas-story/"):
    return f"http://{hostname}:{urlsplit(live_demo.url).port}{path}"


def test_the_exit_is_the_first_thing_the_keyboard_reaches(live_demo, reader):
    reader.goto(story_url(live_demo))
    reader.keyboard.press("Tab")
    focused = reader.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
    assert focused


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
    assert page.locator("[data-quick-exit-hint]:visible").count() == 0
    assert "Shift" not in page.locator(".safety-message").inner_text()
    context.close()


def type_like_a_person(page, text):
    """Type with Shift held down for each capital, as a keyboard does (keyboard.type does not)."""
    for character in text:
        if character.isupper():
            page.keyboard.down("Shift")
            page.keyboard.press(character)
            page.keyboard.up("Shift")
        else:
            page.keyboard.press(character)


def press_shift(page, times):
    for _ in range(times):
        page.keyboard.press("Shift")


def still_here(page, url):
    """Leaving is synchronous on the key's release; give a navigation time to show anyway."""
    page.wait_for_timeout(300)
    return page.url == url and page.locator("[data-quick-exit]").count() == 1


def test_typing_capitals_in_the_search_box_does_not_leave(live_demo, typist):
    search = story_url(live_demo, path="/en/search/")
    typist.goto(search)
    typist.get_by_label("Search for").click()
    type_like_a_person(typist, "Los Angeles CA")
    assert still_here(typist, search)
    assert typist.get_by_label("Search for").input_value() == "Los Angeles CA"
    # The count was not left half-way: three bare presses still leave.
    press_shift(typist, 3)
    typist.wait_for_url(f"{NEUTRAL}**")


def test_another_key_between_the_presses_starts_the_count_again(live_demo, typist):
    story = story_url(live_demo)
    typist.goto(story)
    press_shift(typist, 2)
    typist.keyboard.press("ArrowDown")
    press_shift(typist, 1)
    assert still_here(typist, story)
    press_shift(typist, 2)
    typist.wait_for_url(f"{NEUTRAL}**")


def test_the_three_presses_must_come_within_five_seconds(live_demo, typist):
    typist.clock.install()
    story = story_url(live_demo)
    typist.goto(story)
    press_shift(typist, 2)
    typist.clock.fast_forward(5001)
    press_shift(typist, 1)
    assert still_here(typist, story)
    press_shift(typist, 2)
    typist.wait_for_url(f"{NEUTRAL}**")


def test_the_page_is_blanked_at_once_and_asks_nothing_more_of_the_site(live_demo, reader):
    reader.goto(story_url(live_demo))
    reader.wait_for_load_state("networkidle")
    # Runs after the exit's own listener, in the same key event: what the page shows by then.
    reader.evaluate(
        """window.addEventListener("keyup", () => console.log(
            JSON.stringify([document.title, document.body.innerHTML])))"""
    )
    shown = []
    reader.on("console", lambda message: shown.append(message.text))
    asked = []
    reader.on("request", lambda request: asked.append(request.url))
    press_shift(reader, 3)
    reader.wait_for_url(f"{NEUTRAL}**")
    assert shown[-1] == '["",""]'
    assert len(shown) == 3 and shown[0] != '["",""]'
    assert asked and all(url.startswith(NEUTRAL) for url in asked)


def overlap(one, other):
    """Whether two of Playwright's bounding boxes share any area."""
    return (
        one["x"] < other["x"] + other["width"]
        and other["x"] < one["x"] + one["width"]
        and one["y"] < other["y"] + other["height"]
        and other["y"] < one["y"] + one["height"]
    )


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_focused_skip_link_is_not_under_the_exit_bar(live_demo, request, screen):
    page = open_reader(request.getfixturevalue(screen))
    page.goto(story_url(live_demo))
    viewport = page.viewport_size
    bar = page.locator(".quick-exit")
    skip = page.get_by_role("link", name="Skip to content")

    def assert_in_sight():
        assert page.evaluate("document.activeElement.classList.contains('skip-link')")
        assert skip.is_visible()
        box = skip.bounding_box()
        assert not overlap(box, bar.bounding_box())
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert_in_sight()
    # Reached again by Shift+Tab with the page scrolled far down.
    page.keyboard.press("Tab")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0
    page.keyboard.press("Shift+Tab")
    assert_in_sight()
    # Following it brings the content's top into sight below the bar, not beneath it.
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'main'")
    main, covered = page.locator("#main").bounding_box(), bar.bounding_box()
    assert main["y"] >= covered["y"] + covered["height"]
    page.close()


def test_the_shift_hint_shows_only_where_there_is_a_keyboard(live_demo, reader, typist):
    reader.goto(story_url(live_demo))
    assert reader.locator("[data-quick-exit]").is_visible()
    assert reader.locator("[data-quick-exit-hint]:visible").count() == 0
    # Nor does the safety message under the bar name a key the phone does not have.
    assert "Exit this page" in reader.locator(".safety-message").inner_text()
    assert "Shift" not in reader.locator(".safety-message").inner_text()
    typist.goto(story_url(live_demo))
    assert typist.locator(".quick-exit [data-quick-exit-hint]").is_visible()
    assert (
        typist.locator(".quick-exit [data-quick-exit-hint]").inner_text()
        == "or press Shift 3 times"
    )
    assert "pressing Shift 3 times" in typist.locator(".safety-message").inner_text()
