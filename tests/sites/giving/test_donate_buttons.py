"""Every Donate button (the header's on every page, the home page's hero) leads to the site's own
donation step, in the reader's language, where the site has an open appeal on a giving page
and takes gifts online; otherwise to the branding's donate link; none if neither. Read over HTTP
on every demo site, with the page cache and each worker's chrome on, as in production: a change
shows on the next request."""

import datetime
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, Site

from sites.content.branding import SiteBranding
from sites.content.pages import DonationAppealPage
from sites.giving.donate import closes_at
from sites.giving.models import GivingSettings, ProcessorSecrets
from sites.serving.languages import home_pages
from tests.conftest import DEMO_HOSTS, site_client

from .conftest import HARBOR, HARBOR_KEY, HARBOR_WEBHOOK, give_page, use_stripe

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<a class="button(?: button--large)?" href="([^"]*)">')


def donate_buttons(host: str, path: str) -> list[str]:
    """The addresses of the header's and (on a home page) the hero's Donate buttons."""
    response = site_client(host).get(path)
    assert response.status_code == 200, (host, path)
    html = response.content.decode()
    start = html.index('<nav class="site-nav"')
    header = html[start : html.index("</nav>", start)]
    found = BUTTON.findall(header)
    if '<section class="hero' in html:
        hero = html[html.index('<section class="hero') : html.index("</section>")]
        found += [href for href in BUTTON.findall(hero) if not href.startswith("tel:")]
    return found


def languages_of(host: str) -> list[str]:
    return list(home_pages(Site.objects.get(hostname=host)))


def step_of(host: str, language: str) -> str:
    """The donation step of the appeal on the site's giving page, in `language`."""
    site = Site.objects.get(hostname=host)
    home = home_pages(site)[language]
    page = DonationAppealPage.objects.live().descendant_of(home).get()
    return f"/{language}/give/{page.appeal_id}/"


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_as_the_demo_is_loaded_donate_leads_to_the_step_only_where_giving_is_set_up(host):
    """Cardinal Ridge hands gifts to a provider's page (its [giving] in fixtures/demo): its
    buttons lead to its step. The others have set up no processor: the branding's link."""
    branding = SiteBranding.objects.get(site__hostname=host)
    for language in languages_of(host):
        expected = step_of(host, language) if host == "ridge.localhost" else branding.donate_url
        assert donate_buttons(host, f"/{language}/") == [expected, expected], (host, language)


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_with_stripe_set_up_every_donate_button_leads_to_the_sites_own_step(host):
    use_stripe(host, HARBOR_KEY, HARBOR_WEBHOOK)
    for language in languages_of(host):
        step = step_of(host, language)
        assert donate_buttons(host, f"/{language}/") == [step, step], (host, language)
        giving = (
            DonationAppealPage.objects.live()
            .descendant_of(home_pages(Site.objects.get(hostname=host))[language])
            .get()
        )
        assert donate_buttons(host, giving.url) == [step]  # the header's, on any other page
        # The step answers in that language, with the appeal's amounts to choose from.
        answer = site_client(host).get(step)
        assert answer.status_code == 200
        assert f'lang="{language}"' in answer.content.decode()
        assert 'name="amount"' in answer.content.decode()


def test_the_network_site_gives_to_the_networks_appeal_with_the_networks_processor():
    use_stripe("localhost", HARBOR_KEY, HARBOR_WEBHOOK)
    assert donate_buttons("localhost", "/en/") == [step_of("localhost", "en")] * 2
    # Harbor's own processor is not set up: the network's does not take Harbor's gifts.
    harbor_link = SiteBranding.objects.get(site__hostname=HARBOR).donate_url
    assert donate_buttons(HARBOR, "/en/") == [harbor_link] * 2


def test_giving_set_up_in_the_admin_shows_at_once_and_keys_removed_take_it_away(change):
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2  # kept by the worker
    change(use_stripe, HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
    assert donate_buttons(HARBOR, "/en/") == [step_of(HARBOR, "en")] * 2
    secrets = ProcessorSecrets.objects.get(site__hostname=HARBOR)
    secrets.stripe_webhook_secret = ""  # Stripe without both keys takes no gifts (handoff.route)
    change(secrets.save)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2


def test_a_provider_address_is_giving_set_up_and_the_appeals_own_link_is_not(change):
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    giving = GivingSettings.for_site(Site.objects.get(hostname=HARBOR))
    giving.processor = GivingSettings.Processor.PROVIDER
    giving.provider_url = "https://give.example.org/harbor?amount={amount}"
    change(giving.save)
    assert donate_buttons(HARBOR, "/en/") == [step_of(HARBOR, "en")] * 2
    giving.processor = GivingSettings.Processor.LINK
    change(giving.save)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2


def test_the_giving_page_unpublished_or_made_private_and_published_again(change):
    use_stripe(HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    step = step_of(HARBOR, "en")
    page = give_page(HARBOR)
    assert donate_buttons(HARBOR, "/en/") == [step] * 2
    change(page.unpublish)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2
    change(lambda: page.save_revision().publish())
    assert donate_buttons(HARBOR, "/en/") == [step] * 2
    restriction = change(
        PageViewRestriction.objects.create,
        page=page,
        restriction_type=PageViewRestriction.PASSWORD,
        password="staff-only",
    )
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2
    change(restriction.delete)
    assert donate_buttons(HARBOR, "/en/") == [step] * 2


def test_a_giving_page_added_deeper_in_the_tree_is_found(change):
    """A site whose giving page sits under a section (About, then Give) is found too."""
    use_stripe(HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
    page = give_page(HARBOR)
    appeal = page.appeal
    change(page.unpublish)
    home = Site.objects.get(hostname=HARBOR).root_page
    about = Page.objects.live().child_of(home).get(slug="about")
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2
    deeper = DonationAppealPage(title="Winter appeal", slug="winter", appeal=appeal)
    change(about.add_child, instance=deeper)
    change(lambda: deeper.save_revision().publish())
    assert donate_buttons(HARBOR, "/en/") == [f"/en/give/{appeal.pk}/"] * 2


def test_a_closed_appeal_leads_back_to_the_branding_link(change, settings):
    use_stripe(HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    appeal = give_page(HARBOR).appeal
    appeal.end_date = timezone.localdate() - datetime.timedelta(days=1)
    change(appeal.save)
    assert donate_buttons(HARBOR, "/en/") == [branding.donate_url] * 2
    appeal.end_date = timezone.localdate() + datetime.timedelta(days=30)
    change(appeal.save)
    assert donate_buttons(HARBOR, "/en/") == [step_of(HARBOR, "en")] * 2


def test_an_appeal_ending_today_is_kept_until_midnight_and_no_longer():
    """The chrome is built again when the appeal closes, with no editor's change to purge it:
    it is kept until the start of the day after the appeal's end date."""
    appeal = give_page(HARBOR).appeal
    appeal.end_date = timezone.localdate()
    moment = closes_at(appeal)
    assert timezone.now() < moment <= timezone.now() + datetime.timedelta(days=1)
    assert timezone.localtime(moment).time() == datetime.time(0, 0)
    appeal.end_date = None
    assert closes_at(appeal) is None


def test_no_giving_and_no_donate_link_shows_no_button(change):
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.donate_url = ""
    change(branding.save)
    assert donate_buttons(HARBOR, "/en/") == []
    change(use_stripe, HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
    assert donate_buttons(HARBOR, "/en/") == [step_of(HARBOR, "en")] * 2


def test_a_worker_that_kept_the_chrome_asks_nothing_to_show_the_button(kept_by_workers):
    """The Donate button is worked out once per site and language with the chrome
    (sites.serving.chrome): a page served with the chrome kept asks nothing of giving."""
    counts = []
    for set_up in (False, True):
        if set_up:
            use_stripe(HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)
        reader = site_client(HARBOR)
        for path in ("/en/", "/es/", give_page(HARBOR).url):
            reader.get(path)
            with CaptureQueriesContext(connection) as captured:
                assert reader.get(path).status_code == 200
            # The kept chrome's tag versions are read (one query, naming its tags): nothing else.
            sql = " ".join(
                query["sql"] for query in captured if "pagecachetag" not in query["sql"].lower()
            ).lower()
            assert "donationappealpage" not in sql and "lantern_giving" not in sql, path
            counts.append(len(captured))
    assert counts[:3] == counts[3:]


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_the_site_api_gives_where_the_sites_donate_buttons_lead(host):
    """A partner's own front end (GET /api/site) sends donors where the site's buttons do: the
    donation step where giving is set up, else the branding's link, as a whole address."""
    for language in languages_of(host):
        response = site_client(host).get("/api/site", {"locale": language})
        assert response.status_code == 200, (host, language)
        given = response.json()["donate_url"]
        (button, *_) = donate_buttons(host, f"/{language}/")
        if button.startswith("/"):
            assert given == f"http://{host}{button}", (host, language)
        else:
            assert given == button, (host, language)
