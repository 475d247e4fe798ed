"""Reading HSDS records: the small helpers the import's readings share, and what a reading
finds (errors refuse the import; notes are shown)."""

from dataclasses import dataclass, field


@dataclass
class Findings:
    """What reading a record found: its problems (the import is refused) and the choices made
    reading it (shown to the person importing)."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def as_text(value) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def records_in(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def unique(records: list[dict]) -> list[dict]:
    """Records once each: a compiled service repeats a phone or a schedule under its location."""
    seen, kept = set(), []
    for record in records:
        key = record.get("id") or id(record)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def label_of(kind: str, record: dict) -> str:
    return f"{kind} {record['id']}" if record.get("id") else kind


def locations_of(service: dict) -> list[dict]:
    return [
        at["location"]
        for at in records_in(service.get("service_at_locations"))
        if isinstance(at.get("location"), dict)
    ]


def shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
