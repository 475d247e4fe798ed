"""A provider's giving-page address with the gift written into it: {amount}, {cents},
{frequency} and {thanks_url} where the agency's provider expects them."""

import re
from urllib.parse import quote, urlsplit

PLACEHOLDER = re.compile(r"\{(\w*)\}")
PLACEHOLDERS = ("amount", "cents", "frequency", "thanks_url")


def check_provider_url(template: str) -> None:
    """ValueError, in words, unless `template` is an https address with known placeholders."""
    unknown = sorted(set(PLACEHOLDER.findall(template)) - set(PLACEHOLDERS))
    if unknown:
        raise ValueError(
            f"Unknown placeholder {{{unknown[0]}}}: use {', '.join(f'{{{p}}}' for p in PLACEHOLDERS)}."
        )
    parts = urlsplit(PLACEHOLDER.sub("x", template))
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError("Give the whole https:// address of the giving page.")
    if "{amount}" not in template and "{cents}" not in template:
        raise ValueError("Write {amount} or {cents} where the giving page takes the amount.")


def provider_url(template: str, dollars: int, monthly: bool, thanks_url: str) -> str:
    """The address with each placeholder filled in (values URL-encoded). Placeholders are
    replaced one by one, never through str.format, which would let a template reach into
    the values' attributes."""
    values = {
        "amount": str(dollars),
        "cents": str(dollars * 100),
        "frequency": "monthly" if monthly else "once",
        "thanks_url": quote(thanks_url, safe=""),
    }
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), template)


def passes_frequency(template: str) -> bool:
    return "{frequency}" in template


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
