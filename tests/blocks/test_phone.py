"""Tests for blocks.phone: the tel: and sms: links readers tap, and which numbers editors may enter."""

import pytest

from django.core.exceptions import ValidationError

from blocks.phone import digits, sms_href, tel_href, validate_phone


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("1-888-373-7888", "tel:+18883737888"),
        ("(213) 555-0142", "tel:+12135550142"),
        ("213.555.0142", "tel:+12135550142"),
        ("1-800-FYI-CALL", "tel:+18003942255"),
        ("1-800-fyi-call", "tel:+18003942255"),
        ("711", "tel:711"),
        ("988", "tel:988"),
        ("+44 20 7946 0000", "tel:+442079460000"),
        (" +1 (888) 373-7888 ", "tel:+18883737888"),
    ],
)
def test_call_link_dials_the_number_with_its_country_code(number, href):
    assert tel_href(number) == href


def test_vanity_letters_dial_the_keypad_digits():
    assert digits("1-800-799-SAFE") == "18007997233"
    assert digits("PQRS TUV WXYZ") == "77778889999"


def test_text_link_types_the_keyword_in_for_the_reader():
    assert sms_href("233733", "BEFREE") == "sms:233733?&body=BEFREE"


def test_text_link_without_keyword_opens_a_blank_message():
    assert sms_href("88788") == "sms:88788"
    assert sms_href("(888) 788-0000", "") == "sms:8887880000"


@pytest.mark.parametrize(
    "number", ["1-888-373-7888", "(213) 555-0142", "1-800-FYI-CALL", "711", "+44 20 7946 0000"]
)
def test_numbers_readers_can_dial_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize(
    "number", ["N/A", "call us!", "1-888-373-7888 #2", "555_0142", "1+888-373-7888", ""]
)
def test_odd_characters_are_refused(number):
    with pytest.raises(ValidationError) as exc:
        validate_phone(number)
    assert exc.value.messages == [
        "Use only digits, letters, spaces, brackets, dots, dashes and a leading +."
    ]
    assert exc.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("number", "count"),
    [
        ("91", 2),
        ("()-.", 0),
        ("   ", 0),
        ("OK", 2),
        ("+1 234 567 890 123 456", 16),
        ("1-888-373-7888-1-888-373", 18),
    ],
)
def test_too_few_or_too_many_digits_are_refused(number, count):
    with pytest.raises(ValidationError) as exc:
        validate_phone(number)
    assert exc.value.messages == [f"A phone number has 3 to 15 digits; this one has {count}."]
    assert exc.value.code == "invalid_phone"


def test_shortest_and_longest_numbers_are_accepted():
    validate_phone("211")
    validate_phone("+123 456 789 012 345")


def test_a_keyword_with_spaces_or_symbols_is_encoded_in_the_text_link():
    assert sms_href("233733", "HELP ME") == "sms:233733?&body=HELP%20ME"
    assert sms_href("233733", "A&B#") == "sms:233733?&body=A%26B%23"


@pytest.mark.parametrize("number", ["TBD", "NONE", "Ask us"])
def test_words_without_digits_are_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_phone(number)
    assert error.value.messages == [
        "Letters alone cannot be dialled: give the number's digits too, e.g. 1-800-FYI-CALL."
    ]


@pytest.mark.parametrize(
    "number", ["(202) 555-0100 ext. 12", "202-555-0100 x12", "202 555 0100 ext 7"]
)
def test_extensions_are_refused_because_a_link_cannot_dial_them(number):
    with pytest.raises(ValidationError) as error:
        validate_phone(number)
    assert error.value.messages == [
        "A link cannot dial an extension: give the line's direct number."
    ]
