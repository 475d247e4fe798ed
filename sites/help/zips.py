"""Map a US ZIP code to its state, so the help directory can show a reader the resources near them.

The table is `zip_prefixes.csv`, next to this module: one row per 3-digit ZIP prefix (`prefix,state`),
transcribed from USPS's 3-digit ZIP Code prefix assignments (the Domestic Mail Manual's Labeling
List L002, "3-Digit ZIP Code Prefix Matrix"). It was written out by hand, not downloaded: check
it against the current L002 when updating it.

The rules it follows:

- A prefix belongs to one state, the state of the post offices it serves; a few border ZIPs
  deliver across a state line (42223 Fort Campbell, KY/TN; 73949 Texhoma, OK/TX) and follow their
  prefix.
- Unassigned prefixes (000-004, 213, 269, 694-699, ...) and military ones (AA 340, AE 090-099,
  AP 962-966) are left out, so a reader who types one hears "we don't recognise this ZIP" and gets
  the national hotlines.
- Prefixes that serve more than one place go to the main one: 969 is Guam (it also serves the
  Northern Mariana Islands and the freely associated states) and 967 is Hawaii (American Samoa's
  96799 shares it). So no ZIP maps to AS or MP.
- State codes are keys of `blocks.regions.US_STATES`; the loader refuses anything else.
"""

import csv
import functools
import re
from pathlib import Path

from django.utils.translation import gettext, gettext_noop

from blocks.regions import US_STATES

ZIP_PREFIXES_CSV = Path(__file__).with_name("zip_prefixes.csv")

# ASCII digits only: `\d` would also accept other scripts' digits, which no ZIP contains.
_ZIP_RE = re.compile(r"([0-9]{5})(?:-?[0-9]{4})?")
_PREFIX_RE = re.compile(r"[0-9]{3,5}")

# Readers see these in their language (gettext when raised). The example is a ZIP code of the
# reader's site's own state (`example_zip`): a Maine one means nothing to a reader in California.
MALFORMED_ZIP = gettext_noop("Enter a 5-digit ZIP code.")
MALFORMED_ZIP_LIKE = gettext_noop("Enter a 5-digit ZIP code, like %(example)s.")
MALFORMED_PREFIX = "Enter the first 3, 4 or 5 digits of a ZIP code, like 041 or 04101."


# One ZIP code a state's readers recognise, for examples in hints and messages: the state
# capital's main post office (a test checks each against the prefix table). American Samoa and
# the Northern Mariana Islands have no prefix of their own (see above), so no example.
EXAMPLE_ZIPS = {
    "AL": "36104", "AK": "99801", "AZ": "85003", "AR": "72201", "CA": "95814", "CO": "80202",
    "CT": "06103", "DE": "19901", "DC": "20001", "FL": "32301", "GA": "30303", "HI": "96813",
    "ID": "83702", "IL": "62701", "IN": "46204", "IA": "50309", "KS": "66603", "KY": "40601",
    "LA": "70802", "ME": "04330", "MD": "21401", "MA": "02108", "MI": "48933", "MN": "55102",
    "MS": "39201", "MO": "65101", "MT": "59601", "NE": "68508", "NV": "89701", "NH": "03301",
    "NJ": "08608", "NM": "87501", "NY": "12207", "NC": "27601", "ND": "58501", "OH": "43215",
    "OK": "73102", "OR": "97301", "PA": "17101", "RI": "02903", "SC": "29201", "SD": "57501",
    "TN": "37219", "TX": "78701", "UT": "84111", "VT": "05602", "VA": "23219", "WA": "98501",
    "WV": "25301", "WI": "53703", "WY": "82001", "PR": "00901", "GU": "96910", "VI": "00802",
}  # fmt: skip


def example_zip(state: str) -> str:
    """A ZIP code in `state` (a two-letter code) to show as an example; '' for none."""
    return EXAMPLE_ZIPS.get((state or "").strip().upper(), "")


def malformed_zip_message(example: str = "") -> str:
    """What a reader who typed something that is not a ZIP code is told, in their language."""
    if example:
        return gettext(MALFORMED_ZIP_LIKE) % {"example": example}
    return gettext(MALFORMED_ZIP)


class ZipError(ValueError):
    """A ZIP code we can't use; `str()` is a message to show the reader or editor as it is.
    `malformed`: not shaped like a ZIP code at all, where a reader's site may say instead
    `malformed_zip_message` with an example of its own."""

    def __init__(self, message: str, *, malformed: bool = False):
        super().__init__(message)
        self.message = message
        self.malformed = malformed

    def __str__(self) -> str:
        return self.message


def normalise_zip(value: str) -> str:
    """Return the 5-digit ZIP in '04101', ' 04101 ', '04101-1234' or '041011234'."""
    match = _ZIP_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ZipError(malformed_zip_message(), malformed=True)
    return match.group(1)


def zip_prefix(zip5: str) -> str:
    """The 3-digit prefix of a 5-digit ZIP: '04101' -> '041'."""
    return zip5[:3]


@functools.cache
def prefix_table() -> dict[str, str]:
    """{prefix: state code} from the CSV, read on first use; raises ValueError on a bad row."""
    table: dict[str, str] = {}
    with ZIP_PREFIXES_CSV.open(newline="", encoding="utf-8") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            prefix, state = row["prefix"], row["state"]
            if not re.fullmatch(r"[0-9]{3}", prefix or ""):
                raise ValueError(f"{ZIP_PREFIXES_CSV.name}:{line}: bad prefix {prefix!r}")
            if state not in US_STATES:
                raise ValueError(f"{ZIP_PREFIXES_CSV.name}:{line}: unknown state {state!r}")
            if prefix in table:
                raise ValueError(f"{ZIP_PREFIXES_CSV.name}:{line}: prefix {prefix} listed twice")
            table[prefix] = state
    return table


def state_for_zip(value: str) -> str:
    """The two-letter state code for a ZIP code ('04101-1234' -> 'ME'); raises ZipError."""
    zip5 = normalise_zip(value)
    try:
        return prefix_table()[zip_prefix(zip5)]
    except KeyError:
        message = gettext("We don't recognise the ZIP code %(zip)s.") % {"zip": zip5}
        raise ZipError(message) from None


@functools.cache
def prefixes_in_state(code: str) -> frozenset[str]:
    """Every 3-digit prefix of a state ('me' or 'ME'); empty for a code with none."""
    code = code.strip().upper()
    return frozenset(prefix for prefix, state in prefix_table().items() if state == code)


def validate_zip_prefix(value: str) -> str:
    """Check a service-area ZIP prefix (3, 4 or 5 digits) an editor entered; return it stripped."""
    prefix = value.strip() if isinstance(value, str) else ""
    if not _PREFIX_RE.fullmatch(prefix):
        raise ZipError(MALFORMED_PREFIX)
    if zip_prefix(prefix) not in prefix_table():
        raise ZipError(f"No US ZIP codes start with {zip_prefix(prefix)}.")
    return prefix
