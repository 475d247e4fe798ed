"""Translating inside the agency walls, and through review: the real admin views of wagtail-localize
as Lantern mounts them."""

import re
from html import unescape

import pytest

from django.core.management import CommandError
from django.urls import reverse

from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import translate_object

from blocks.hotline import Hotline
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR, PINES, RIDGE = "harbor.localhost", "pines.localhost", "ridge.localhost"


def spanish():
    return Locale.objects.get(language_code="es")


def english_story(hostname) -> NewsStoryPage:
    root = Site.objects.get(hostname=hostname).root_page
    return (
        NewsStoryPage.objects.live().descendant_of(root).filter(locale__language_code="en").first()
    )


def english_page(hostname) -> Page:
    """A live English page of the site other than its home."""
    root = Site.objects.get(hostname=hostname).root_page
    return Page.objects.live().child_of(root).first().specific


def refused(response) -> bool:
    """The admin refuses with 403, answers 404 for an object beyond the agency's wall (as for
    one that does not exist), or sends the user away to the dashboard."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def new_harbor_story() -> NewsStoryPage:
    """An English story with no Spanish translation yet."""
    root = Site.objects.get(hostname=HARBOR).root_page
    index = NewsIndexPage.objects.child_of(root).get()
    story = NewsStoryPage(
        title="Night outreach",
        slug="night-outreach",
        date="2026-11-20",
        summary="We met nine people.",
        body=[{"type": "text", "value": "<p>We listened first.</p>"}],
        names_changed=True,
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    return story


def test_an_editor_translates_their_own_agencys_pages_only(editor_a):
    client = logged_in(editor_a)
    own, other = new_harbor_story(), english_page(RIDGE)
    url = "wagtail_localize:submit_page_translation"
    assert client.get(reverse(url, args=[own.pk])).status_code == 200
    assert refused(client.get(reverse(url, args=[other.pk])))
    assert refused(client.post(reverse(url, args=[other.pk]), {"locales": [spanish().pk]}))
    assert other.get_translation_or_none(spanish()) is None


def test_another_agencys_snippet_translation_cannot_be_edited(editor_a):
    pines_line = Hotline.objects.filter(owner__hostname=PINES, locale__language_code="en").first()
    translate_object(pines_line, [spanish()])
    translation = Translation.objects.get(
        source__object_id=pines_line.translation_key, target_locale=spanish()
    )
    segment = translation.source.stringsegment_set.first()
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    response = logged_in(editor_a).put(
        url, "value=Mine", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (403, 404)
    assert not StringTranslation.objects.filter(translation_of=segment.string, data="Mine").exists()
    submit = reverse(
        "wagtail_localize:submit_snippet_translation", args=["blocks", "hotline", pines_line.pk]
    )
    assert refused(logged_in(editor_a).get(submit))


def test_syncing_translations_never_publishes(editor_a):
    story = english_story(HARBOR)
    source = Translation.objects.filter(source__object_id=story.translation_key).first().source
    response = logged_in(editor_a).get(
        reverse("wagtail_localize:update_translations", args=[source.pk])
    )
    assert response.status_code == 200
    assert "publish_translations" not in response.content.decode()
    pines_source = (
        Translation.objects.filter(source__object_id=english_story("localhost").translation_key)
        .first()
        .source
    )
    assert refused(
        logged_in(editor_a).get(
            reverse("wagtail_localize:update_translations", args=[pines_source.pk])
        )
    )


def translate_all(page, locale):
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
    return translation


def test_a_translation_goes_through_review_before_readers_see_it(editor_a, moderator_a):
    story = new_harbor_story()
    editor = logged_in(editor_a)
    response = editor.post(
        reverse("wagtail_localize:submit_page_translation", args=[story.pk]),
        {"locales": [spanish().pk]},
    )
    assert response.status_code == 302
    spanish_story = story.get_translation(spanish())
    assert not spanish_story.live, "a translation of a live page starts as a draft"

    submit_url = reverse("lantern_submit_translation", args=[spanish_story.pk])
    # Not yet translated: refused, so no English shows under /es/.
    response = editor.post(submit_url, follow=True)
    assert "are not translated yet" in response.content.decode()
    assert not Page.objects.get(pk=spanish_story.pk).workflow_in_progress

    translate_all(story, spanish())
    assert editor.get(submit_url).status_code == 200
    assert editor.post(submit_url).status_code == 302
    spanish_story = Page.objects.get(pk=spanish_story.pk)
    assert spanish_story.workflow_in_progress and not spanish_story.live
    path = spanish_story.get_url_parts()[2]
    assert site_client(HARBOR).get(path).status_code == 404

    task_state = spanish_story.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[spanish_story.pk, "approve", task_state.pk]
    )
    assert logged_in(moderator_a).post(url, {"comment": ""}).status_code == 302
    html = site_client(HARBOR).get(path).content.decode()
    assert "ES We listened first." in html

    # Readers find it from the English page, search engines from the sitemap, partners by API.
    english_html = site_client(HARBOR).get(story.get_url_parts()[2]).content.decode()
    spanish_url = f"http://harbor.localhost{path}"
    assert f'<link rel="alternate" hreflang="es" href="{spanish_url}">' in english_html
    assert f'<a href="{path}" hreflang="es" lang="es">Español</a>' in english_html
    assert f"<loc>{spanish_url}</loc>" in site_client(HARBOR).get("/sitemap.xml").content.decode()
    listed = site_client(HARBOR).get("/api/pages", {"locale": "es", "limit": 100}).json()
    assert path in [item["path"] for item in listed["items"]]

    # The original changes: the translation is flagged until it catches up.
    story.summary = "We met eleven people."
    story.save_revision().publish()
    rows = report_rows(logged_in(moderator_a))
    assert rows[("Night outreach", "es")][0] == "behind"


def test_the_translated_tree_is_the_agencys_own(editor_a, editor_b):
    spanish_story = english_story(HARBOR).get_translation(spanish())
    edit = reverse("wagtailadmin_pages:edit", args=[spanish_story.pk])
    assert logged_in(editor_a).get(edit).status_code == 200
    assert logged_in(editor_b).get(edit).status_code in (302, 403, 404)
    assert spanish_story.get_workflow().name == "Harbor Light Alliance review"


# --- out of date: the report and the editor's warning -------------------------------------

REPORT = "/admin/lantern/translations/"


def report_rows(client, **params) -> dict:
    """{(original, language): (state, reason)} from the report's table."""
    html = client.get(REPORT, params).content.decode()
    rows, original = {}, None
    for row in re.findall(r"<tr data-state=\"[^\"]+\">(.*?)</tr>", html, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if len(cells) == 4:
            original = cells.pop(0).split(" (")[0]
        language, state, reason = cells[-3:]
        rows[(original, language)] = (state, reason)
    return rows


def test_the_report_shows_each_translation_and_flags_one_whose_original_changed(moderator_a):
    client = logged_in(moderator_a)
    rows = report_rows(client)
    maya = "Maya's story: from a “boyfriend” to a way out"
    assert rows[(maya, "es")] == ("up to date", "up to date")
    assert rows[("Harbor Light 24-hour Response Line", "es")] == ("up to date", "up to date")
    assert rows[("Be there when the call comes at 2am", "es")] == ("up to date", "up to date")

    story = NewsStoryPage.objects.get(title=maya)
    story.summary = "A changed summary."
    story.save_revision().publish()
    state, reason = report_rows(client)[(maya, "es")]
    assert state == "behind" and "the source changed" in reason

    spanish_story = story.get_translation(spanish())
    response = logged_in(moderator_a).get(
        reverse("wagtailadmin_pages:edit", args=[spanish_story.pk])
    )
    assert "This translation is out of date" in response.content.decode()

    fresh = new_harbor_story()
    assert report_rows(client)[(fresh.title, "es")] == ("missing", "not translated")


def test_the_report_shows_an_agency_its_own_sites_only(editor_b):
    html = logged_in(editor_b).get(REPORT, {"site": HARBOR}).content.decode()
    assert "<h2>Northern Pines Ministry</h2>" in html
    assert "Harbor" not in html and "Maya" not in html


def test_a_network_admin_adds_a_language_to_a_site(django_capture_on_commit_callbacks):
    from io import StringIO

    from sites.agencies.tenancy import Agency
    from tests.conftest import member_of

    ridge_editor = member_of(Agency.objects.get(site__hostname=RIDGE).editors, "ridge_editor")

    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_site_language", "--site", RIDGE, "--locale", "es", stdout=out)
    assert "now has a 'es' home page (a draft" in out.getvalue()
    site = Site.objects.get(hostname=RIDGE)
    spanish_home = site.root_page.get_translation(spanish())
    assert not spanish_home.live
    assert site_client(RIDGE).get("/es/").status_code == 404, "not before it is published"
    # The agency works on it like on its own home page, and it goes through its review.
    response = logged_in(ridge_editor).get(
        reverse("wagtailadmin_pages:edit", args=[spanish_home.pk])
    )
    assert response.status_code == 200
    assert spanish_home.get_workflow().name == "Cardinal Ridge Coalition review"
    with pytest.raises(CommandError, match="no language 'xx'"):
        call_command("add_site_language", "--site", RIDGE, "--locale", "xx", stdout=out)


def test_a_network_snippets_translation_is_seen_but_not_edited_by_an_agency(editor_a):
    """The network's hotlines are every agency's to show, not to change: wagtail-localize checks
    only the model-wide permission, Lantern the snippet itself, on every view of a translation."""
    network_line = Hotline.objects.filter(owner=None, locale__language_code="en").first()
    own_line = Hotline.objects.filter(owner__hostname=HARBOR, locale__language_code="en").first()
    for line in (network_line, own_line):
        translate_object(line, [spanish()])
    network, own = (
        Translation.objects.get(source__object_id=line.translation_key, target_locale=spanish())
        for line in (network_line, own_line)
    )
    client = logged_in(editor_a)

    def download(translation):
        return client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))

    assert download(own).status_code == 200
    assert refused(download(network))
    segment = network.source.stringsegment_set.first()
    edit = reverse("wagtail_localize:edit_string_translation", args=[network.pk, segment.pk])
    response = client.put(edit, "value=Mine", content_type="application/x-www-form-urlencoded")
    assert refused(response)
    assert not StringTranslation.objects.filter(translation_of=segment.string, data="Mine").exists()
    stop = reverse("wagtail_localize:stop_translation", args=[network.pk])
    assert refused(client.post(stop))
    assert Translation.objects.get(pk=network.pk).enabled
