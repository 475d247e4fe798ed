"""The privacy gate in wagtail-localize's translation editor: its Publish saves the translated
draft and publishes it when the transaction commits, so this runs with real transactions."""

import pytest

from django.urls import reverse

from wagtail.models import Locale, PageLogEntry
from wagtail_localize.models import StringTranslation, Translation

from sites.agencies.tenancy import Agency
from sites.content.pages import NewsStoryPage
from sites.privacy.gate import OVERRIDE_LOG_ACTION
from tests.admin_forms import story_form
from tests.conftest import load_demo_network, logged_in, member_of
from tests.sites.agencies.test_workflow import HARBOR, add_story, path_of, read

EXPOSING = "Maria, 15, who attends Lincoln High, called 207-555-0142 from the bus station."
REASON = "Maria is a changed name and the number is the shelter's public intake line."


def translate_all(page, locale):
    """Every text of `page` translated, as a translator would in the editor."""
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale
    )
    for segment in translation.source.stringsegment_set.select_related("string", "context"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": f"ES {segment.string.data}"},
        )


@pytest.fixture
def moderator_a(transactional_db):
    """Harbor's moderator, on the demo network (a test before this one, with real transactions
    too, may have emptied the database)."""
    load_demo_network()
    agency = Agency.objects.get(site__hostname=HARBOR)
    return member_of(agency.moderators, "moderator_a")


def test_publishing_a_held_translation_from_the_translation_editor_is_refused(moderator_a):
    moderator = logged_in(moderator_a)
    spanish = Locale.objects.get(language_code="es")
    response = add_story(moderator, HARBOR, story_form("Maria's story", "maria-story", EXPOSING))
    assert response.status_code == 302
    story = NewsStoryPage.objects.get(slug="maria-story")
    revision = story.get_latest_revision()
    response = moderator.post(
        reverse("lantern_privacy_override", args=[story.pk]),
        {"reason": REASON, "revision": revision.pk},
    )
    assert response.status_code == 302
    assert NewsStoryPage.objects.get(pk=story.pk).live

    response = moderator.post(
        reverse("wagtail_localize:submit_page_translation", args=[story.pk]),
        {"locales": [spanish.pk]},
    )
    assert response.status_code == 302
    translated = story.get_translation(spanish)
    assert not translated.live
    translate_all(story, spanish)

    edit_url = reverse("wagtailadmin_pages:edit", args=[translated.pk])
    response = moderator.post(edit_url, {"action": "publish"})
    assert response.status_code == 302 and response.url == edit_url
    messages = [str(m) for m in moderator.get(edit_url).context["messages"]]
    assert any(
        "Not published: the privacy screen found" in m and "207-555-0142" in m for m in messages
    ), messages
    translated = NewsStoryPage.objects.get(pk=translated.pk)
    assert not translated.live
    assert read(HARBOR, path_of(translated)).status_code == 404
    assert "ES Maria, 15," in str(translated.get_latest_revision().as_object().body)

    # The Spanish draft is a new revision: it needs its own override, and then it is published.
    response = moderator.post(
        reverse("lantern_privacy_override", args=[translated.pk]),
        {"reason": REASON, "revision": translated.get_latest_revision().pk},
    )
    assert response.status_code == 302
    assert NewsStoryPage.objects.get(pk=translated.pk).live
    assert read(HARBOR, path_of(translated)).status_code == 200
    assert PageLogEntry.objects.filter(page=translated, action=OVERRIDE_LOG_ACTION).exists()
