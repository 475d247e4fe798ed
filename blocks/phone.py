"""Phone numbers as readers dial them: `tel:` and `sms:` links from what editors type."""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError

# Vanity numbers such as 1-800-FYI-CALL are dialled by the letters on a phone keypad.
KEYPAD = {
    **dict.fromkeys("ABC", "2"),
    **dict.fromkeys("DEF", "3"),
    **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"),
    **dict.fromkeys("MNO", "6"),
    **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"),
    **dict.fromkeys("WXYZ", "9"),
}
ALLOWED = re.compile(r"^\+?[0-9A-Za-z ().\-]+$")
EXTENSION = re.compile(r"(\bext\b|\bx)\.?\s*\d+\s*$", re.IGNORECASE)
# 3 digits covers short codes such as 711 (TTY relay) and 988; 15 is the E.164 maximum.
MIN_DIGITS, MAX_DIGITS = 3, 15


def digits(number: str) -> str:
    """The digits a phone dials for `number`, with keypad letters turned into digits."""
    return "".join(KEYPAD.get(ch, ch) for ch in number.upper() if ch.isdigit() or ch in KEYPAD)


def validate_phone(number: str) -> None:
    """Raise ValidationError unless `number` is something a reader's phone can dial."""
    if not ALLOWED.match(number):
        raise ValidationError(
            "Use only digits, letters, spaces, brackets, dots, dashes and a leading +.",
            code="invalid_phone",
        )
    if EXTENSION.search(number):
        raise ValidationError(
            "A link cannot dial an extension: give the line's direct number.", code="invalid_phone"
        )
    count = len(digits(number))
    if not MIN_DIGITS <= count <= MAX_DIGITS:
        raise ValidationError(
            f"A phone number has {MIN_DIGITS} to {MAX_DIGITS} digits; this one has {count}.",
            code="invalid_phone",
        )
    if len(re.sub(r"\D", "", number)) < MIN_DIGITS:
        raise ValidationError(
            "Letters alone cannot be dialled: give the number's digits too, e.g. 1-800-FYI-CALL.",
            code="invalid_phone",
        )


def tel_href(number: str) -> str:
    """A `tel:` link. North American 10- and 11-digit numbers get their +1 country code."""
    dialled = digits(number)
    if number.strip().startswith("+"):
        return f"tel:+{dialled}"
    if len(dialled) == 10:
        return f"tel:+1{dialled}"
    if len(dialled) == 11 and dialled.startswith("1"):
        return f"tel:+{dialled}"
    return f"tel:{dialled}"


def sms_href(number: str, keyword: str = "") -> str:
    """An `sms:` link that opens the messaging app, with the keyword typed in when there is one.

    `?&body=` is the form both iOS and Android messaging apps understand.
    """
    href = f"sms:{digits(number)}"
    return f"{href}?&body={quote(keyword)}" if keyword else href
