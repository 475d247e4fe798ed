"""The HSDS API's query parameters, as its OpenAPI document lists them (sites.help.hsds.api).

HSDS's own (`page`, `per_page`, `search`, `taxonomy_term_id`, `postcode`, `proximity`, …), each
with the bounds that keep a request to what it can mean: a bad one is a 422 naming it.
"""

import datetime
import re
import uuid
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

MAX_PER_PAGE = 100
TEXT = r"^[^\x00-\x1f\x7f]*$"  # no control characters (a NUL byte would reach the database)
ZIP = r"^[0-9]{5}(-?[0-9]{4})?$"  # a ZIP code, or ZIP+4
# An RFC 3339 date-time, with its offset: pydantic alone would also take a number of seconds.
RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def rfc_3339(value):
    if isinstance(value, str) and not RFC_3339.fullmatch(value):
        raise ValueError("Give a date and time with its offset, e.g. 2026-01-31T00:00:00Z.")
    return value


DateTime = Annotated[datetime.datetime, BeforeValidator(rfc_3339)]


class Paging(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1.")
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE, description="How many on a page.")
    format: Literal["json"] = Field("json", description="Only `json` (no `ndjson` stream).")


class Searching(Paging):
    search: str | None = Field(
        None,
        max_length=200,
        pattern=TEXT,
        description="Only those whose name or description holds these words (any case).",
    )


class ByTaxonomy(Schema):
    taxonomy_term_id: uuid.UUID | None = Field(
        None, description="Only services of this kind of help (a term of `/taxonomy_terms`)."
    )
    taxonomy_id: uuid.UUID | None = Field(
        None, description="Only services with a term of this taxonomy (Lantern has one)."
    )


class ServiceFilters(ByTaxonomy, Searching):
    organization_id: uuid.UUID | None = Field(None, description="Only this organisation's.")
    modified_after: DateTime | None = Field(
        None,
        description="Only those changed at or after this moment: an RFC 3339 date-time with "
        "its offset, e.g. 2026-01-31T00:00:00Z.",
    )
    full: bool = Field(False, description="Each service with all its records, as `/services/{id}`.")


class PlaceFilters(ServiceFilters):
    postcode: str | None = Field(
        None,
        pattern=ZIP,
        description="A US ZIP code (or ZIP+4): only services whose area covers it; with "
        "`proximity`, "
        "only those within that distance of its centre instead, nearest first.",
    )
    proximity: float | None = Field(
        None,
        gt=0,
        le=20_000_000,
        description="Metres from the centre of `postcode` (which it needs).",
    )


class OrganizationFilters(ByTaxonomy, Searching):
    full: bool = Field(False, description="Each organisation with its services' own fields.")
    full_service: bool = Field(False, description="Each organisation with its full services.")


class OneOrganization(Schema):
    full_service: bool = Field(False, description="Its services with all their records.")


class TermFilters(Searching):
    taxonomy_id: uuid.UUID | None = Field(None, description="Only terms of this taxonomy.")
    top_only: bool = Field(False, description="Only top-level terms (Lantern's all are).")
    parent_id: uuid.UUID | None = Field(None, description="Only children of this term (none).")
