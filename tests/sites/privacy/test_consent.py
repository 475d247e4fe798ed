"""Consent behind a story about a survivor, through the real admin views and commands: the record
is checked where an editor writes it, its end unpublishes the story (with its translation, and
from the partner site that shows it), a withdrawal takes it down at once and stays, and the
agency's moderators are told."""

import datetime
from io import StringIO

import pytest

from django.core.management import CommandError, call_command

from wagtail.models import Locale, PageLogEntry

from sites.content.pages import NewsStoryPage
from sites.privacy import consent
from sites.privacy.gate import PrivacyHeld, record_override
from sites.privacy.screen import screen
from sites.privacy.workflow import PrivacyScreenState, PrivacyScreenTask
from tests.admin_forms import story_form
from tests.conftest import logged_in, site_client
from tests.sites.agencies.test_workflow import (
    HARBOR,
    add_story,
    admin_datetime,
    edit_page,
    move_clock_forward,
    news_index,
    path_of,
    read,
    refused,
    run_publish_scheduled,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

PARTNER = "localhost"  # the network's site, which shows Harbor's shared story
SHARED_SLUG = "eight-children-safe-in-two-weeks"
DAY = datetime.timedelta(days=1)


def today():
    return consent.today()


def consent_fields(
    given_by="The survivor, in writing", given_on=None, expires_on=None, withdrawn_on=""
) -> dict[str, str]:
    """The consent panel as the admin's form posts it ("" leaves a field empty): consent given a
    month ago by default, ending a year from now."""
    given_on = today() - 30 * DAY if given_on is None else given_on
    expires_on = today() + 365 * DAY if expires_on is None else expires_on
    return {
        "consent_given_by": given_by,
        "consent_given_on": str(given_on),
        "consent_expires_on": str(expires_on),
        "consent_withdrawn_on": str(withdrawn_on),
    }


def demo_story(slug) -> NewsStoryPage:
    return NewsStoryPage.objects.descendant_of(news_index(HARBOR)).get(slug=slug)


def spanish(story) -> NewsStoryPage:
    return story.get_translation(Locale.objects.get(language_code="es"))


def partner_listing() -> str:
    index = news_index(PARTNER)
    return site_client(PARTNER).get(path_of(index)).content.decode()


def publish_edit(moderator, story, *, kind="rescue_update", text="We listened first.", **fields):
    """The moderator publishes the story through the admin's edit form, with `fields`."""
    if story.share_with_network:
        fields.setdefault("share_with_network", "on")  # a checkbox: posted only when ticked
    response = edit_page(
        logged_in(moderator),
        story,
        story_form(
            story.title, story.slug, text, kind=kind, **{"action-publish": "Publish"}, **fields
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NewsStoryPage.objects.get(pk=story.pk)


# --- the record, checked where an editor writes it ------------------------------------------


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        # More than three years: the same day three years later is the last allowed.
        ({"given_on": datetime.date(2026, 1, 10), "expires_on": datetime.date(2029, 1, 11)},
         "consent_expires_on"),
        ({"given_on": datetime.date(2026, 5, 1), "expires_on": datetime.date(2026, 4, 30)},
         "consent_expires_on"),
        ({"given_on": datetime.date(2026, 5, 1), "expires_on": datetime.date(2026, 5, 1)},
         "consent_expires_on"),
        ({"expires_on": ""}, "consent_expires_on"),
        ({"withdrawn_on": "tomorrow"}, "consent_withdrawn_on"),
        ({"given_on": datetime.date(2026, 5, 1), "expires_on": datetime.date(2027, 5, 1),
          "withdrawn_on": datetime.date(2026, 4, 30)}, "consent_withdrawn_on"),
        ({"given_by": ""}, "consent_given_by"),
        ({"given_by": "   "}, "consent_given_by"),
        ({"given_on": ""}, "consent_given_on"),
        ({"given_on": "tomorrow"}, "consent_given_on"),
    ],
)  # fmt: skip
def test_a_wrong_consent_record_is_refused_on_the_field_that_is_wrong(editor_a, fields, wrong):
    fields = {k: today() + DAY if v == "tomorrow" else v for k, v in fields.items()}
    response = add_story(
        logged_in(editor_a),
        HARBOR,
        story_form("Her story", "her-story", kind="community_story", **consent_fields(**fields)),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert wrong in errors, errors
    assert set(errors) <= {*consent.FIELDS}, errors
    assert not NewsStoryPage.objects.filter(slug="her-story").exists()


def test_three_years_is_the_same_day_three_years_later_and_29_february_ends_on_the_28th():
    story = NewsStoryPage(title="x", slug="x", consent_given_by="The survivor, in writing")
    story.consent_given_on = datetime.date(2024, 2, 29)
    story.consent_expires_on = datetime.date(2027, 2, 28)
    assert consent.errors(story) == {}
    story.consent_expires_on = datetime.date(2027, 3, 1)
    assert "2027-02-28" in consent.errors(story)["consent_expires_on"]

    story.consent_given_on = datetime.date(2025, 6, 15)
    story.consent_expires_on = datetime.date(2028, 6, 15)
    assert consent.errors(story) == {}
    story.consent_expires_on = datetime.date(2028, 6, 16)
    assert "consent_expires_on" in consent.errors(story)


def test_a_recorded_consent_sets_the_stories_expiry_and_follows_the_record(moderator_a):
    response = add_story(
        logged_in(moderator_a),
        HARBOR,
        story_form(
            "Her story",
            "her-story",
            kind="community_story",
            **{"action-publish": "Publish"},
            **consent_fields(expires_on=today() + 100 * DAY),
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    story = NewsStoryPage.objects.get(slug="her-story")
    assert story.live
    # Unpublished at the start of the day after consent ends, in Lantern's time zone.
    assert story.expire_at == consent.start_of(today() + 101 * DAY)
    assert story.get_latest_revision().content["expire_at"] is not None

    # Consent renewed for longer: the expiry it set moves with it (the form posts the old one).
    story = publish_edit(
        moderator_a,
        story,
        kind="community_story",
        expire_at=admin_datetime(story.expire_at),
        **consent_fields(expires_on=today() + 200 * DAY),
    )
    assert story.expire_at == consent.start_of(today() + 201 * DAY)

    # An earlier expiry a moderator chooses stays.
    earlier = (consent.start_of(today() + 10 * DAY)).replace(hour=9)
    story = publish_edit(
        moderator_a,
        story,
        kind="community_story",
        expire_at=admin_datetime(earlier),
        **consent_fields(expires_on=today() + 200 * DAY),
    )
    assert story.expire_at == earlier


def test_the_demo_survivor_stories_record_consent_and_their_translations_share_it():
    for slug in (SHARED_SLUG, "mayas-story"):
        story = demo_story(slug)
        assert story.consent_given_by and story.consent_given_on, slug
        assert consent.errors(story) == {}, slug
        assert story.expire_at == consent.start_of(story.consent_expires_on + DAY), slug
        translation = spanish(story)
        assert translation.live
        assert [getattr(translation, name) for name in consent.FIELDS] == [
            getattr(story, name) for name in consent.FIELDS
        ]
        assert translation.expire_at == story.expire_at


# --- consent ends: the story comes down everywhere, moderators are told ----------------------


def test_when_consent_ends_the_story_is_unpublished_everywhere_and_moderators_are_told(
    moderator_a, editor_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    story = demo_story(SHARED_SLUG)
    translation = spanish(story)
    # Consent recorded as ending today: the story may be read until midnight.
    story = publish_edit(
        moderator_a, story, **consent_fields(given_on=today() - 60 * DAY, expires_on=today())
    )
    assert story.live
    assert story.expire_at == consent.start_of(today() + DAY)
    assert read(HARBOR, path_of(story)).status_code == 200
    assert read(HARBOR, path_of(translation)).status_code == 200
    link = f'href="http://{HARBOR}{path_of(story)}"'
    assert link in partner_listing()

    with django_capture_on_commit_callbacks(execute=True):
        run_publish_scheduled()  # not yet
    assert NewsStoryPage.objects.get(pk=story.pk).live
    assert mailoutbox == []

    move_clock_forward(monkeypatch, DAY + datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        run_publish_scheduled()

    story.refresh_from_db()
    translation.refresh_from_db()
    assert not story.live and story.expired
    assert not translation.live
    assert read(HARBOR, path_of(story)).status_code == 404
    assert read(HARBOR, path_of(translation)).status_code == 404
    assert link not in partner_listing()
    assert story.title not in partner_listing()

    # The agency's moderators are told (and only they), and the page's history says so.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [moderator_a.email]
    assert editor_a.email not in mail.to
    assert (
        f"Consent for '{story.title}' ended on {story.consent_expires_on.isoformat()}: the story "
        "has been unpublished from Harbor Light Alliance and from partner sites." in mail.body
    )
    assert f"/admin/pages/{story.pk}/edit/" in mail.body
    entry = PageLogEntry.objects.get(page=story, action=consent.ENDED_LOG_ACTION)
    assert entry.data == {"ended_on": story.consent_expires_on.isoformat(), "moderators_told": 1}
    history = logged_in(moderator_a).get(f"/admin/pages/{story.pk}/history/").content.decode()
    assert "Consent ended: moderators told" in history


def test_a_story_without_a_consent_record_expires_without_telling_anyone(
    moderator_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    story = demo_story("how-first-response-works")
    story.expire_at = consent.start_of(today() + DAY)
    revision = story.save_revision()
    # The demo explainer has no consent record: the privacy gate holds it without an override.
    record_override(revision, moderator_a, "An explainer of first response: no survivor in it.")
    revision.publish()
    move_clock_forward(monkeypatch, DAY + datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        run_publish_scheduled()
    assert not NewsStoryPage.objects.get(pk=story.pk).live
    assert mailoutbox == []
    assert not PageLogEntry.objects.filter(page=story, action=consent.ENDED_LOG_ACTION).exists()


# --- withdrawal: at once, and for good ------------------------------------------------------


def withdraw(page, *args):
    out = StringIO()
    call_command("withdraw_consent", str(page.pk), *args, stdout=out)
    return out.getvalue()


def test_a_withdrawal_takes_the_story_down_at_once_and_an_old_draft_does_not_bring_it_back(
    moderator_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    story = demo_story("mayas-story")
    translation = spanish(story)
    path, spanish_path = path_of(story), path_of(translation)
    # A moderator has a draft of new words waiting, written before the withdrawal.
    response = edit_page(
        logged_in(moderator_a),
        story,
        story_form(
            story.title,
            story.slug,
            "Words of an old draft.",
            kind="community_story",
            **consent_fields(given_on=story.consent_given_on, expires_on=story.consent_expires_on),
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert read(HARBOR, path).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        output = withdraw(story)

    assert "Unpublished" in output
    story = NewsStoryPage.objects.get(pk=story.pk)
    translation.refresh_from_db()
    assert not story.live and not translation.live
    assert read(HARBOR, path).status_code == 404
    assert read(HARBOR, spanish_path).status_code == 404
    for page in (story, translation):
        assert page.consent_withdrawn_on == today()
        assert page.expire_at == consent.start_of(today())
        draft = page.get_latest_revision().content
        assert draft["consent_withdrawn_on"] == today().isoformat()
        assert page.get_latest_revision().as_object().expire_at == consent.start_of(today())
        assert PageLogEntry.objects.filter(page=page, action=consent.WITHDRAWN_LOG_ACTION).exists()
        assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").exists()
        assert PageLogEntry.objects.filter(page=page, action=consent.ENDED_LOG_ACTION).exists()
    # One e-mail per language's page taken down, to Harbor's moderators.
    assert {tuple(mail.to) for mail in mailoutbox} == {(moderator_a.email,)}
    assert any(f"Consent for '{story.title}' ended on {today()}" in m.body for m in mailoutbox)
    assert any(translation.title in m.body for m in mailoutbox)
    history = logged_in(moderator_a).get(f"/admin/pages/{story.pk}/history/").content.decode()
    assert "Consent withdrawn" in history

    # The old draft, published as it stands (its revision): the privacy gate refuses it, since
    # its consent has ended (sites.privacy.gate); it never goes live, so no one is told again...
    mailoutbox.clear()
    with (
        pytest.raises(PrivacyHeld, match="Consent ended"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        story.get_latest_revision().publish()
    story = NewsStoryPage.objects.get(pk=story.pk)
    assert not story.live
    assert story.consent_withdrawn_on == today()
    assert story.expire_at == consent.start_of(today())

    assert mailoutbox == []

    # ...or from an edit form opened before the withdrawal (no withdrawal in it): the admin
    # refuses to publish it, and saves the draft with the withdrawal and its expiry kept.
    mailoutbox.clear()
    moderator = logged_in(moderator_a)
    response = edit_page(
        moderator,
        story,
        story_form(
            story.title,
            story.slug,
            "Words of an old draft.",
            kind="community_story",
            **{"action-publish": "Publish"},
            **consent_fields(given_on=story.consent_given_on, expires_on=story.consent_expires_on),
        ),
    )
    assert response.status_code == 302
    assert response.url == f"/admin/pages/{story.pk}/edit/"
    page = moderator.get(response.url)
    assert any(
        f"Consent for this story ended on {today()}: it cannot be published" in str(m)
        for m in page.context["messages"]
    )
    story = NewsStoryPage.objects.get(pk=story.pk)
    assert not story.live
    assert story.consent_withdrawn_on == today()
    assert story.expire_at == consent.start_of(today())
    draft = story.get_latest_revision().as_object()
    assert "Words of an old draft." in str(draft.body)
    assert (draft.consent_withdrawn_on, draft.expire_at) == (today(), consent.start_of(today()))
    assert read(HARBOR, path).status_code == 404
    assert mailoutbox == []

    # Nor does anything later: the scheduler finds nothing live to expire.
    move_clock_forward(monkeypatch, DAY)
    run_publish_scheduled()
    assert not NewsStoryPage.objects.get(pk=story.pk).live

    # Consent given again, after the withdrawal, is the way back.
    later = today()
    story = publish_edit(
        moderator_a,
        story,
        kind="community_story",
        **consent_fields(given_on=later, expires_on=later + 365 * DAY, withdrawn_on=""),
    )
    assert story.live
    assert story.consent_withdrawn_on is None
    assert story.expire_at == consent.start_of(later + 366 * DAY)


def test_a_withdrawal_on_a_past_day_and_the_days_it_cannot_be(mailoutbox):
    story = demo_story("mayas-story")
    with pytest.raises(CommandError, match="still to come"):
        withdraw(story, "--on", str(today() + DAY))
    with pytest.raises(CommandError, match="cannot be withdrawn before"):
        withdraw(story, "--on", str(story.consent_given_on - DAY))
    assert NewsStoryPage.objects.get(pk=story.pk).live

    withdraw(story, "--on", str(today() - 2 * DAY))
    story.refresh_from_db()
    assert not story.live
    assert story.consent_withdrawn_on == today() - 2 * DAY
    assert story.expire_at == consent.start_of(today() - 2 * DAY)


def test_a_story_withdrawn_while_unpublished_stays_down_when_published(moderator_a):
    story = demo_story("mayas-story")
    story.unpublish()
    spanish(story).unpublish()
    assert "Nothing was live" in withdraw(story)
    with pytest.raises(PrivacyHeld, match="Consent ended"):  # the privacy gate
        story.get_latest_revision().publish()
    assert not NewsStoryPage.objects.get(pk=story.pk).live


def test_consent_that_ends_while_in_review_is_found_and_an_approval_does_not_publish_it(
    editor_a, moderator_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    story, state = submit(editor_a, "ends-in-review", **consent_fields(expires_on=today()))
    assert state.findings == []  # consent still runs today
    move_clock_forward(monkeypatch, DAY + datetime.timedelta(minutes=1))

    # Screened again now (as a resubmission would be), the draft is held: consent has ended.
    found = screen(story.get_latest_revision().as_object(), set(), set())
    assert [(f.kind, f.excerpt) for f in found] == [
        ("consent_ended", str(story.consent_expires_on))
    ]

    # The moderator approves anyway: the privacy gate refuses the approval (it would publish a
    # revision whose consent has ended), and the story never goes live, not even for a moment.
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(moderator_a).post(
            workflow_action_url(story, "approve"), {"comment": ""}
        )
    assert refused(response)
    story = NewsStoryPage.objects.get(pk=story.pk)
    assert story.first_published_at is None and not story.live
    assert story.current_workflow_state.status == "in_progress"
    assert read(HARBOR, path_of(story)).status_code == 404
    assert not [mail for mail in mailoutbox if "Consent for 'Night report' ended" in mail.body]
    assert "wagtail.publish" not in PageLogEntry.objects.filter(page=story).values_list(
        "action", flat=True
    )


# --- the privacy screen --------------------------------------------------------------------


def survivor_story(**fields) -> NewsStoryPage:
    defaults = {
        "title": "Safe now",
        "slug": "safe-now",
        "date": "2026-11-20",
        "summary": "A young woman is safe now.",
        "kind": "rescue_update",
        "names_changed": True,
    }
    return NewsStoryPage(**(defaults | fields))


def test_the_screen_asks_for_consent_on_a_survivor_story_only():
    assert [f.kind for f in screen(survivor_story(), set(), set())] == ["consent"]
    recorded = survivor_story(
        consent_given_by="Her guardian, in writing",
        consent_given_on=today() - 10 * DAY,
        consent_expires_on=today() + 300 * DAY,
    )
    assert screen(recorded, set(), set()) == []
    # Not about a survivor: no consent asked for.
    news = survivor_story(kind="news", summary="Volunteers met at the library.")
    assert screen(news, set(), set()) == []
    # Survivor words make it one.
    news.summary = "She was rescued last week."
    assert [f.kind for f in screen(news, set(), set())] == ["consent"]


def test_the_screen_finds_consent_that_has_ended():
    expired = survivor_story(
        consent_given_by="The survivor, in writing",
        consent_given_on=today() - 400 * DAY,
        consent_expires_on=today() - DAY,
    )
    found = screen(expired, set(), set())
    assert [(f.kind, f.excerpt) for f in found] == [("consent_ended", str(today() - DAY))]
    withdrawn = survivor_story(
        consent_given_by="The survivor, in writing",
        consent_given_on=today() - 400 * DAY,
        consent_expires_on=today() + 300 * DAY,
        consent_withdrawn_on=today(),
    )
    assert [f.kind for f in screen(withdrawn, set(), set())] == ["consent_ended"]


def submit(editor, slug, **fields):
    response = add_story(
        logged_in(editor),
        HARBOR,
        story_form(
            "Night report",
            slug,
            "She is safe now.",
            kind="rescue_update",
            **{"action-submit": "Submit"},
            **fields,
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    story = NewsStoryPage.objects.get(slug=slug)
    return story, PrivacyScreenState.objects.get(workflow_state__object_id=str(story.pk))


def test_a_survivor_story_submitted_without_consent_is_held_and_with_it_passes(editor_a):
    story, state = submit(editor_a, "without-consent")
    assert [f["kind"] for f in state.findings] == ["consent"]
    assert isinstance(story.current_workflow_task.specific, PrivacyScreenTask)
    assert "Consent not recorded" in [f["label"] for f in state.findings_for_display()]

    story, state = submit(editor_a, "with-consent", **consent_fields())
    assert state.findings == [] and state.status == "approved"
