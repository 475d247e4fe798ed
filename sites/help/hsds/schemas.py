"""The HSDS API's answers, as its OpenAPI document describes them.

HSDS 3.1's records with the fields Lantern fills typed, and every other field allowed through
(`extra="allow"`): a compiled service carries its phones, schedules and places as HSDS nests
them. A field that has no value is left out, never null, as HSDS's schemas ask. These are
plain pydantic models, not ninja's `Schema`, which would drop the nested fields.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sites.help.resources import HelpResource

Status = Literal[tuple(HelpResource.Status.values)]  # type: ignore[valid-type]


def optional(description: str):
    """A field that is left out when it has no value (so never null)."""
    return Field(None, description=description)


class Record(BaseModel):
    model_config = ConfigDict(extra="allow")


class About(BaseModel):
    version: str = Field(description="The HSDS version of this API.")
    profile: str = Field(description="The HSDS profile this API follows.")
    openapi_url: str = Field(description="This API's OpenAPI document.")


class Organization(Record):
    id: str = Field(description="Its HSDS id (a UUID), the same in every export.")
    name: str
    description: str = Field(description="Empty when it has none: HSDS requires the field.")
    email: str = optional("Its e-mail address.")
    website: str = optional("Its website.")


class Service(Record):
    id: str = Field(description="Its HSDS id (a UUID), the same in every language and export.")
    name: str = Field(description="The name readers know it by.")
    status: Status = Field(description="Only active services are shown to Lantern's readers.")
    organization_id: str = optional("The organisation that runs it.")
    description: str = optional("Who it is for and what happens when you get in touch.")
    url: str = optional("Its website.")
    email: str = optional("Its e-mail address.")
    interpretation_services: str = optional("Other languages, and languages by channel.")
    assured_date: str = optional("The day its details were last checked with it.")
    last_modified: str = optional("When its details last changed in Lantern.")
    organization: Organization = optional("The organisation that runs it.")


class Location(Record):
    id: str
    location_type: Literal["physical", "postal", "virtual"]
    name: str = optional("The name of the service at this place.")
    latitude: float = optional("Rounded to about 1 km when its address is confidential.")
    longitude: float = optional("Rounded to about 1 km when its address is confidential.")


class ServiceAtLocation(Record):
    id: str
    service_id: str
    location_id: str
    location: Location
    service: Service


class Taxonomy(Record):
    id: str
    name: str
    description: str


class TaxonomyTerm(Record):
    id: str
    name: str
    description: str
    code: str = optional("Lantern's code for the kind of help, as its API filters by.")
    taxonomy_id: str = optional("The taxonomy it belongs to.")


class Page(BaseModel):
    """HSDS's paging fields, on every list."""

    total_items: int = Field(description="How many there are in all, on every page.")
    total_pages: int = Field(description="How many pages of `per_page` they make.")
    page_number: int = Field(description="This page's number, from 1.")
    size: int = Field(description="How many are on this page.")
    first_page: bool
    last_page: bool
    empty: bool = Field(description="True when this page has none.")


class ServicePage(Page):
    contents: list[Service]


class OrganizationPage(Page):
    contents: list[Organization]


class ServiceAtLocationPage(Page):
    contents: list[ServiceAtLocation]


class TaxonomyPage(Page):
    contents: list[Taxonomy]


class TaxonomyTermPage(Page):
    contents: list[TaxonomyTerm]
