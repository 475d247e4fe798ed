"""The privacy screen on its own: each kind of finding, planted and clean, in English and
Spanish, in every text field and block of a page; and its measure on a corpus of drafts."""

import pytest

from sites.content.pages import NewsStoryPage
from sites.privacy.screen import known_contact_numbers, normalised, screen, screen_text

from .corpus import CLEAN, PLANTED

pytestmark = pytest.mark.django_db

KNOWN = {normalised(n) for n in ("1-888-373-7888", "233733", "711", "1-800-799-7233", "88788")}


def kinds(text, known=KNOWN, emails=frozenset()):
    return sorted({finding.kind for finding in screen_text("Body", text, set(known), set(emails))})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call her at (562) 555-0199.", ["phone"]),
        ("Her cell is 562.555.0199 after six.", ["phone"]),
        ("Call +1 562 555 0199.", ["phone"]),
        ("Call the hotline: 1-888-373-7888, or text 233733.", []),
        ("Call 1-800-799-SAFE.", []),  # vanity form of a known line
        ("Write to maya@example.com.", ["email"]),
        ("She lived at 1423 W Maple Street.", ["address"]),
        ("It happened in the 1200 block of Oak Avenue.", ["address"]),
        ("Vivía en Calle Olivo 123.", ["address"]),
        ("Send it to P.O. Box 4471.", ["address"]),
        ("Maya, 17, was found last week.", ["name_age"]),
        ("Kayla (16) is safe.", ["name_age"]),
        ("A 15-year-old girl named Destiny was found.", ["name_age"]),
        ("Jordan Lee, a sophomore at Westfield High School, spoke up.", ["name_age"]),
        ("Sofía, de 16 años, vivía con su tío.", ["name_age"]),
        ("Brianna tiene 14 años.", ["name_age"]),
        ("Eight young people aged 13 to 17 were freed.", []),
        ("Ocho jóvenes de 13 a 17 años escaparon.", []),
        ("See instagram.com/destiny.r.2009 for photos.", ["social"]),
        ("Her page: https://www.facebook.com/tyler.marsh.77", ["social"]),
        ("Share: https://www.facebook.com/sharer/sharer.php?u=x", []),
        ("We raised $21,500 of our $40,000 goal; 216 children were helped.", []),
    ],
)
def test_each_kind_is_found_and_ordinary_story_details_are_not(text, expected):
    assert kinds(text) == expected


def test_a_known_services_email_is_not_flagged():
    assert kinds("Write to legal@harbor.example.org.", emails={"legal@harbor.example.org"}) == []


def test_the_whole_page_is_read_every_field_and_nested_block():
    story = NewsStoryPage(
        title="Night report",
        slug="x",
        date="2026-11-20",
        summary="Volunteers met Kayla (16) downtown.",
        kind="news",
        names_changed=True,
        body=[
            {
                "type": "text",
                "value": '<p>Ask <a href="https://instagram.com/kaylee_22">her</a>.</p>',
            },
            {
                "type": "quote",
                "value": {"quote": "Call me at 207.555.0123", "attribution": "A mother"},
            },
            {"type": "tips", "value": {"heading": "Tips", "items": ["Go to 77 Elm Street."]}},
        ],
    )
    found = {(f.kind, f.where) for f in screen(story, KNOWN, set())}
    assert found == {
        ("name_age", "Summary"),
        ("social", "Body > block 1 (Text)"),
        ("phone", "Body > block 2 (Pull quote) > Quote"),
        ("address", "Body > block 3 (Tips list) > Items > 1"),
    }


def test_a_survivor_story_must_say_names_were_changed():
    story = NewsStoryPage(title="Freed", slug="x", date="2026-11-20", summary="A survivor is safe.")
    story.kind, story.names_changed = "news", False
    story.consent_given_by, story.consent_given_on = "The survivor, in writing", "2026-11-01"
    story.consent_expires_on = "2028-11-01"
    assert [f.kind for f in screen(story, KNOWN, set())] == ["names_changed"]
    story.names_changed = True
    assert screen(story, KNOWN, set()) == []


def test_the_corpus_planted_details_are_found_and_clean_drafts_left_alone():
    """The measure reported in the issue's note: recall on planted details, false flags on clean drafts."""
    known = known_contact_numbers()  # the demo network's hotlines and services

    def found_in(text):
        return kinds(text, known=known)

    planted = sum(len(expected) for _, expected in PLANTED)
    found = sum(len(expected & set(found_in(text))) for text, expected in PLANTED)
    false_flags = [(text, found_in(text)) for text in CLEAN if found_in(text)]
    print(
        f"privacy screen: recall {found}/{planted}; false flags on {len(false_flags)}/{len(CLEAN)} clean drafts"
    )
    assert found == planted
    # The one accepted false flag: an organisation's own Instagram page looks like a profile.
    assert [flags for _, flags in false_flags] == [["social"]]
