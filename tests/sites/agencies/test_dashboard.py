"""Each agency's dashboard is its own: its page count, its pages in review and its stories
whose consent ends soon; never a partner's, never the network's."""

import datetime
import re
from html import unescape

import pytest

from django.urls import reverse

from wagtail.models import Page, Site

from sites.agencies.tenancy import Agency
from sites.content.pages import NewsStoryPage
from sites.privacy.consent import today
from tests.conftest import logged_in, member_of
from tests.sites.agencies.test_workflow import HARBOR, PINES, submitted_story

pytestmark = pytest.mark.django_db


def dashboard(user) -> str:
    response = logged_in(user).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def page_count(html: str) -> tuple[int, str]:
    found = re.search(r"([\d,]+) Pages? <span class=\"w-sr-only\">created in ([^<]*)</span>", html)
    assert found, "no page count on the dashboard"
    return int(found.group(1).replace(",", "")), found.group(2)


def pages_of(hostname: str) -> int:
    """Every page of the site's trees, in every language."""
    home = Site.objects.get(hostname=hostname).root_page
    return sum(
        root.get_descendants(inclusive=True).count()
        for root in home.get_translations(inclusive=True)
    )


def panel(html: str, panel_id: str) -> str:
    """The text of a dashboard panel (Wagtail's `{% panel %}`), or "" where there is none."""
    found = re.search(rf'id="{panel_id}-section"[^>]*>(.*?)</section>', html, re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())) if found else ""


def test_the_page_count_is_the_agencys_own(editor_a, editor_b, network_admin):
    harbor, pines = pages_of(HARBOR), pages_of(PINES)
    assert harbor != pines
    # Harbor is published in English and Spanish: two trees, counted both.
    assert len(Site.objects.get(hostname=HARBOR).root_page.get_translations()) == 1
    assert page_count(dashboard(editor_a)) == (harbor, "Harbor Light Alliance")
    assert page_count(dashboard(editor_b)) == (pines, "Northern Pines Ministry")
    network = Page.objects.filter(depth__gt=1).count()
    assert page_count(dashboard(network_admin))[0] == network > harbor + pines


def test_the_agencys_pages_in_review_whoever_submitted_them(editor_a, editor_b, moderator_b):
    story = submitted_story(editor_a, title="Night outreach report")
    colleague = member_of(Agency.objects.get(site__hostname=HARBOR).editors, "colleague_a")

    shown = panel(dashboard(colleague), "agency-awaiting-review")
    assert shown.startswith("1 page awaiting review")
    assert "Night outreach report" in shown and "Editor_A Staff" in shown
    assert f'href="/admin/pages/{story.pk}/edit/"' in dashboard(colleague)

    for partner in (editor_b, moderator_b):
        html = dashboard(partner)
        assert panel(html, "agency-awaiting-review") == ""
        assert "Night outreach report" not in html


def test_stories_whose_consent_ends_soon(moderator_a, editor_a, moderator_b):
    soon = NewsStoryPage.objects.get(slug="mayas-story")
    later = NewsStoryPage.objects.get(slug="eight-children-safe-in-two-weeks")
    soon_day = today() + datetime.timedelta(days=20)
    NewsStoryPage.objects.filter(pk=soon.pk).update(consent_expires_on=soon_day)
    NewsStoryPage.objects.filter(pk=later.pk).update(
        consent_expires_on=today() + datetime.timedelta(days=90)
    )

    shown = panel(dashboard(moderator_a), "agency-consent-ending")
    assert shown.startswith("Consent ends soon for 1 story")
    assert soon.title in shown and later.title not in shown
    assert f'datetime="{soon_day.isoformat()}"' in dashboard(moderator_a)
    assert panel(dashboard(editor_a), "agency-consent-ending") == shown
    assert panel(dashboard(moderator_b), "agency-consent-ending") == ""


def test_nothing_to_show_shows_no_panel(editor_b):
    html = dashboard(editor_b)
    assert panel(html, "agency-awaiting-review") == ""
    assert panel(html, "agency-consent-ending") == ""
