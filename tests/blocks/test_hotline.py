"""Tests for blocks.hotline: what a hotline needs to be valid, its admin form, and the panel readers see."""

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from wagtail.models import Locale, Site

from blocks.hotline import Hotline, HotlinePanelBlock
from tests.admin_forms import hotline_form
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_blocks_hotline:add")


def errors_of(hotline: Hotline) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        hotline.full_clean()
    return exc.value.message_dict


def test_a_line_with_no_way_to_reach_it_is_refused():
    errors = errors_of(Hotline(name="Silent line", tty="711", hours="Always"))
    assert errors == {
        "phone": [
            "Give at least one way to reach this line: a phone number, a text number or a chat link."
        ]
    }


@pytest.mark.parametrize(
    "channel",
    [
        {"phone": "1-888-373-7888"},
        {"sms_number": "233733"},
        {"chat_url": "https://chat.example.org/"},
    ],
)
def test_any_one_channel_is_enough(channel):
    Hotline(name="Reachable line", **channel).full_clean()


def test_a_keyword_needs_a_number_to_text_it_to():
    errors = errors_of(Hotline(name="Text line", phone="1-888-373-7888", sms_keyword="BEFREE"))
    assert errors == {"sms_number": ["A text keyword needs the number to text it to."]}


def test_state_coverage_must_name_the_states():
    hotline = Hotline(name="State line", phone="1-888-373-7888", coverage="state", states=" , ")
    assert errors_of(hotline) == {"states": ["Name the state(s) this line covers, e.g. CA."]}


def test_unknown_state_codes_are_named_in_the_error():
    hotline = Hotline(
        name="State line", phone="1-888-373-7888", coverage="state", states="CA, XX, Maine"
    )
    assert errors_of(hotline) == {
        "states": ["Unknown state code(s): XX, MAINE. Use two-letter codes such as CA, ME."]
    }


def test_a_nationwide_line_takes_no_states():
    hotline = Hotline(name="National line", phone="1-888-373-7888", states="CA")
    assert errors_of(hotline) == {
        "states": ["A nationwide line covers every state: leave this empty."]
    }


def test_state_codes_are_normalised_as_editors_type_them():
    hotline = Hotline(name="West line", phone="(213) 555-0142", coverage="state", states="ca, nv")
    hotline.full_clean()
    assert hotline.states == "CA, NV"
    assert hotline.coverage_label == "California, Nevada"


def test_a_nationwide_line_says_so_in_the_readers_language(national_hotline):
    assert national_hotline.coverage_label == "Nationwide"
    with translation.override("es"):
        assert national_hotline.coverage_label == "En todo el país"
    reader = site_client("harbor.localhost")
    assert (
        "<dd>En todo el país</dd>"
        in reader.get("/es/encontrar-ayuda/", {"zip": "90012"}).content.decode()
    )


def test_semicolons_between_states_are_accepted():
    hotline = Hotline(name="East line", phone="(207) 555-0100", coverage="state", states="me;nh")
    hotline.full_clean()
    assert hotline.states == "ME, NH"


def test_a_bad_phone_number_is_refused_on_its_field():
    errors = errors_of(Hotline(name="Junk line", phone="call us!", tty="12"))
    assert errors == {
        "phone": ["Use only digits, letters, spaces, brackets, dots, dashes and a leading +."],
        "tty": ["A phone number has 3 to 15 digits; this one has 2."],
    }


def test_admin_shows_the_error_and_saves_nothing_for_a_line_without_channels(admin_client):
    count = Hotline.objects.count()
    response = admin_client.post(ADD_URL, hotline_form())
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": [
            "Give at least one way to reach this line: a phone number, a text number or a chat link."
        ]
    }
    assert (
        "Give at least one way to reach this line: a phone number, a text number or a chat link."
        in response.text
    )
    assert Hotline.objects.count() == count
    assert not Hotline.objects.filter(name="Coast Youth Line").exists()


def test_admin_shows_unknown_state_codes_and_saves_nothing(admin_client):
    response = admin_client.post(
        ADD_URL, hotline_form(phone="(213) 555-0142", coverage="state", states="ca, zz")
    )
    assert response.status_code == 200
    message = "Unknown state code(s): ZZ. Use two-letter codes such as CA, ME."
    assert response.context["form"].errors == {"states": [message]}
    assert message in response.text
    assert not Hotline.objects.filter(name="Coast Youth Line").exists()


def test_admin_creates_a_valid_hotline_with_normalised_states(admin_client):
    response = admin_client.post(
        ADD_URL,
        hotline_form(
            phone="(213) 555-0142",
            sms_number="555-0142",
            sms_keyword="SAFE",
            coverage="state",
            states="ca, nv",
            is_24_7="on",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("wagtailsnippets_blocks_hotline:list") + "?locale=en"
    hotline = Hotline.objects.get(name="Coast Youth Line")
    assert (hotline.phone, hotline.sms_number, hotline.sms_keyword) == (
        "(213) 555-0142",
        "555-0142",
        "SAFE",
    )
    assert hotline.states == "CA, NV"
    assert hotline.is_24_7 is True
    assert hotline.pinned is False
    assert hotline.locale.language_code == "en"


def render_panel(*hotlines: Hotline, heading: str = "") -> str:
    block = HotlinePanelBlock()
    return block.render(
        block.to_python({"heading": heading, "hotlines": [hotline.pk for hotline in hotlines]})
    )


def test_panel_links_call_text_and_tty_for_the_national_hotline(national_hotline):
    html = render_panel(national_hotline, heading="Need help now?")
    assert '<h2 class="hotline-panel__heading">Need help now?</h2>' in html
    assert '<a class="button" href="tel:+18883737888">Call 1-888-373-7888</a>' in html
    assert (
        '<a class="button button--secondary" href="sms:233733?&amp;body=BEFREE">'
        "Text BEFREE to 233733</a>"
    ) in html
    assert '<a class="button button--secondary" href="tel:711">TTY 711</a>' in html
    assert "<dt>Hours</dt><dd>Open 24 hours, every day</dd>" in html
    # Each channel with its own languages, as the line offers them.
    assert (
        "<dt>Languages</dt><dd>Calls: more than 200 languages, through interpreters. "
        "Text (BEFREE or HELP to 233733) and chat: English and Spanish.</dd>"
    ) in html
    assert "<dt>Covers</dt><dd>Nationwide</dd>" in html


def test_panel_shows_written_hours_languages_and_states_for_a_daytime_line():
    hotline = Hotline.objects.create(
        name="Valley Legal Line",
        phone="1-800-FYI-CALL",
        chat_url="https://chat.example.org/valley",
        hours="Monday to Friday, 9am to 5pm Pacific",
        languages="Calls: 200+ languages. Texts: English, Spanish",
        coverage="state",
        states="CA, NV",
    )
    html = render_panel(hotline)
    assert '<a class="button" href="tel:+18003942255">Call 1-800-FYI-CALL</a>' in html
    assert (
        '<a class="button button--secondary" href="https://chat.example.org/valley" '
        'rel="noreferrer">Chat online</a>' in html
    )
    assert "sms:" not in html
    assert "TTY" not in html
    assert "Open 24 hours" not in html
    assert "<dt>Hours</dt><dd>Monday to Friday, 9am to 5pm Pacific</dd>" in html
    assert "<dt>Languages</dt><dd>Calls: 200+ languages. Texts: English, Spanish</dd>" in html
    assert "<dt>Covers</dt><dd>California, Nevada</dd>" in html
    assert "hotline-panel__heading" not in html


def test_panel_without_written_hours_asks_readers_to_call_for_them():
    hotline = Hotline.objects.create(name="Quiet line", sms_number="88788")
    html = render_panel(hotline)
    assert "<dt>Hours</dt><dd>Call for hours</dd>" in html
    assert '<a class="button button--secondary" href="sms:88788">Text 88788</a>' in html
    assert "<dt>Languages</dt>" not in html


def test_panel_lists_hotlines_in_the_editors_order(national_hotline):
    other = Hotline.objects.get(name="National Domestic Violence Hotline")
    html = render_panel(other, national_hotline)
    assert html.index("National Domestic Violence Hotline") < html.index(
        "National Human Trafficking Hotline"
    )
    html = render_panel(national_hotline, other)
    assert html.index("National Human Trafficking Hotline") < html.index(
        "National Domestic Violence Hotline"
    )


def test_panel_skips_a_hotline_deleted_after_it_was_chosen(national_hotline):
    gone = Hotline.objects.create(name="Closed line", phone="555-0100")
    raw = {"heading": "", "hotlines": [gone.pk, national_hotline.pk]}
    gone.delete()
    block = HotlinePanelBlock()
    html = block.render(block.to_python(raw))
    assert "Closed line" not in html
    # No heading on the panel: its lines are the body's sections (blocks.headings).
    assert '<h2 class="hotline__name">National Human Trafficking Hotline</h2>' in html


def test_hotlines_are_in_the_shared_content_admin_menu(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Shared content" in response.text
    assert reverse("wagtailsnippets_blocks_hotline:list") in response.text
    assert reverse("wagtailsnippets_blocks_donationappeal:list") in response.text


def test_only_the_networks_hotlines_may_show_on_every_site():
    harbor = Site.objects.get(hostname="harbor.localhost")
    line = Hotline(name="Harbor pinned", phone="(213) 555-0199", pinned=True, owner=harbor)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["pinned"] == [
        "Only the network's hotlines show on every site: leave the owner empty, or untick this."
    ]
    # Even saved past the form, an agency's line never reaches another site's help bar.
    line.save()
    help_bar = site_client("pines.localhost").get("/en/").content.decode().split("</aside>")[0]
    assert "Harbor pinned" not in help_bar


def test_a_changed_number_reaches_every_translation_at_once(national_hotline):
    """Synchronised fields (numbers, links) are copied on save, not left for a later sync."""
    spanish = national_hotline.get_translation(Locale.objects.get(language_code="es"))
    national_hotline.phone = "1-888-373-0000"
    national_hotline.name = "Renamed line"
    national_hotline.save()
    spanish.refresh_from_db()
    assert spanish.phone == "1-888-373-0000"
    assert spanish.name == "Línea Nacional contra la Trata de Personas", "translated text stays"
    html = site_client("harbor.localhost").get("/es/").content.decode().split("</aside>")[0]
    assert 'href="tel:+18883730000"' in html
    # Saving the Spanish translation again (as its editor does) keeps the new number.
    from wagtail_localize.models import Translation

    translation = Translation.objects.get(
        source__object_id=national_hotline.translation_key, target_locale=spanish.locale
    )
    translation.save_target(publish=True)
    spanish.refresh_from_db()
    assert spanish.phone == "1-888-373-0000"
