"""The ZIP-to-state table and its helpers: plain functions, no database."""

import csv

import pytest

from blocks.regions import US_STATES
from sites.help.zips import (
    MALFORMED_PREFIX,
    MALFORMED_ZIP,
    ZIP_PREFIXES_CSV,
    ZipError,
    example_zip,
    malformed_zip_message,
    normalise_zip,
    prefix_table,
    prefixes_in_state,
    state_for_zip,
    validate_zip_prefix,
    zip_prefix,
)

FIFTY_STATES_AND_DC = set(US_STATES) - {"PR", "GU", "VI", "AS", "MP"}


def csv_rows():
    with ZIP_PREFIXES_CSV.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        return header, list(reader)


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [
        ("04101", "ME"),
        ("10001", "NY"),
        ("60601", "IL"),
        ("94103", "CA"),
        ("00901", "PR"),
        ("00802", "VI"),
        ("96910", "GU"),
        ("99501", "AK"),
        ("20500", "DC"),
        ("73301", "TX"),
        ("88510", "TX"),
        ("05501", "MA"),
        ("05401", "VT"),
        ("20166", "VA"),
        ("21201", "MD"),
        ("02903", "RI"),
        ("96813", "HI"),
        ("97201", "OR"),
        ("98101", "WA"),
        ("89501", "NV"),
        ("73102", "OK"),
    ],
)
def test_known_zips_map_to_their_state(zip_code, state):
    assert state_for_zip(zip_code) == state


@pytest.mark.parametrize("value", ["04101", " 04101 ", "04101-1234", "041011234", "\t04101-1234\n"])
def test_zip_forms_normalise_to_five_digits(value):
    assert normalise_zip(value) == "04101"
    assert state_for_zip(value) == "ME"


def test_zip_prefix_is_first_three_digits():
    assert zip_prefix("04101") == "041"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "0410",
        "041010",
        "04101-123",
        "04101-12345",
        "0410112345",
        "04101 1234",
        "abcde",
        "0410a",
        "ME",
        "04-101",
        "٠٤١٠١",  # Arabic-Indic digits: not a ZIP
        None,
    ],
)
def test_malformed_zips_are_refused_with_a_message(value):
    with pytest.raises(ZipError) as excinfo:
        normalise_zip(value)
    # No site to take an example from: no example (a Maine one misleads a Californian).
    assert str(excinfo.value) == MALFORMED_ZIP == "Enter a 5-digit ZIP code."
    assert excinfo.value.malformed
    with pytest.raises(ZipError, match=r"^Enter a 5-digit ZIP code\.$"):
        state_for_zip(value)


def test_every_state_with_zip_codes_has_an_example_of_its_own():
    for state in US_STATES:
        example = example_zip(state)
        if not prefixes_in_state(state):
            assert example == "", state  # no ZIP maps there: no example rather than a wrong one
            continue
        assert state_for_zip(example) == state, (state, example)
    assert example_zip(" nc ") == "27601"
    assert example_zip("") == example_zip("ZZ") == ""
    assert malformed_zip_message("04330") == "Enter a 5-digit ZIP code, like 04330."
    assert malformed_zip_message("") == "Enter a 5-digit ZIP code."


def test_zip_error_is_a_value_error():
    assert issubclass(ZipError, ValueError)


@pytest.mark.parametrize(
    "zip_code",
    ["00012", "00401", "09001", "09801", "34001", "96201", "96601", "21301", "69401", "98701"],
)
def test_unassigned_and_military_prefixes_are_not_recognised(zip_code):
    with pytest.raises(ZipError) as excinfo:
        state_for_zip(zip_code)
    assert str(excinfo.value) == f"We don't recognise the ZIP code {zip_code}."
    assert not excinfo.value.malformed, "well formed: no example would help"


def test_unrecognised_zip_plus_four_names_the_five_digit_zip():
    with pytest.raises(ZipError, match=r"^We don't recognise the ZIP code 09001\.$"):
        state_for_zip("09001-1234")


def test_csv_header_and_prefixes_are_three_digits_and_unique():
    header, rows = csv_rows()
    assert header == ["prefix", "state"]
    prefixes = [prefix for prefix, _state in rows]
    assert all(len(prefix) == 3 and prefix.isascii() and prefix.isdigit() for prefix in prefixes)
    assert len(prefixes) == len(set(prefixes))
    assert prefixes == sorted(prefixes)
    assert len(prefix_table()) == len(rows)


def test_every_state_in_the_table_is_a_us_states_key():
    _header, rows = csv_rows()
    assert {state for _prefix, state in rows} <= set(US_STATES)


def test_military_prefixes_are_left_out():
    military = {"340"} | {f"{n:03d}" for n in range(90, 100)} | {str(n) for n in range(962, 967)}
    assert not military & set(prefix_table())


def test_every_state_and_dc_has_a_prefix():
    assert {code for code in FIFTY_STATES_AND_DC if not prefixes_in_state(code)} == set()


def test_prefixes_in_state():
    assert prefixes_in_state("RI") == frozenset({"028", "029"})
    assert prefixes_in_state(" ri ") == prefixes_in_state("RI")
    assert prefixes_in_state("DC") == frozenset({"200", "202", "203", "204", "205", "569"})
    assert "885" in prefixes_in_state("TX")
    assert prefixes_in_state("XX") == frozenset()


@pytest.mark.parametrize(
    ("value", "expected"), [("041", "041"), (" 0410 ", "0410"), ("04101", "04101")]
)
def test_validate_zip_prefix_accepts_3_to_5_digits(value, expected):
    assert validate_zip_prefix(value) == expected


@pytest.mark.parametrize("value", ["", "04", "041011", "04101-1234", "04a", "ME", None])
def test_validate_zip_prefix_refuses_malformed(value):
    with pytest.raises(ZipError) as excinfo:
        validate_zip_prefix(value)
    assert str(excinfo.value) == MALFORMED_PREFIX


@pytest.mark.parametrize(("value", "start"), [("090", "090"), ("3401", "340"), ("00012", "000")])
def test_validate_zip_prefix_refuses_unassigned_starts(value, start):
    with pytest.raises(ZipError) as excinfo:
        validate_zip_prefix(value)
    assert str(excinfo.value) == f"No US ZIP codes start with {start}."
