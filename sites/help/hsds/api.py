"""The help directory as Open Referral's HSDS 3.1 API, at /api/hsds/: public and read-only.

It follows HSDS's OpenAPI reference: `/`, `/services`, `/services/{id}`, `/organizations`,
`/organizations/{id}`, `/service_at_locations`, `/taxonomies` and `/taxonomy_terms` (Lantern's
one taxonomy: its kinds of help), with HSDS's paging fields, `search`, `page`, `per_page` and
`modified_after`. The directory is the whole network's, so the API is the same on every host.

Every service is listed whatever its status: inactive ones are data for partners (readers of
the find-help pages see only active ones). Records are in the source language (see
`compiled`); confidential places are published without address, about a kilometre out.
Each list costs the same few queries whatever `per_page` is.
"""

import functools
import uuid

from ninja import NinjaAPI, Query, Status
from ninja.errors import ValidationError

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from sites.api.api import cacheable
from sites.api.schemas import Error, InvalidInput
from sites.api.strict import refuse_unknown_parameters
from sites.caching.tags import depends_on, model
from sites.help.fields import has_choice
from sites.help.hsds import compiled, schemas, vocabulary
from sites.help.hsds.parameters import (
    OneOrganization,
    OrganizationFilters,
    Paging,
    PlaceFilters,
    Searching,
    ServiceFilters,
    TermFilters,
)
from sites.help.organizations import Organization
from sites.help.places import Place, miles_between, zip_place
from sites.help.resources import HelpResource
from sites.help.zips import ZipError, normalise_zip, state_for_zip

ERRORS = {404: Error, 422: InvalidInput}
METRES_A_MILE = 1609.344

api = NinjaAPI(
    title="Lantern help directory: HSDS API",
    version=vocabulary.HSDS_VERSION,
    description=(
        "The help directory of every Lantern site as Open Referral's Human Services Data "
        "Specification 3.1 (https://docs.openreferral.org/): services, their organisations, "
        "places and Lantern's kinds of help. Read-only; no authentication. Records are in the "
        "directory's source language. Confidential addresses (shelters) are never published: "
        "their places carry no address and coordinates rounded to about 1 km."
    ),
    urls_namespace="lantern_hsds_api",
)
api.add_decorator(refuse_unknown_parameters, mode="view")


def in_source_language(run):
    """Every answer in the directory's source language (names of languages, kinds of help,
    messages), whatever language the request would otherwise activate."""

    @functools.wraps(run)
    def answered(request, *args, **kwargs):
        with translation.override(compiled.SOURCE_LANGUAGE):
            return run(request, *args, **kwargs)

    return answered


api.add_decorator(in_source_language, mode="view")


def invalid(parameter: str, message: str) -> ValidationError:
    """A 422 naming the parameter, shaped as every other invalid parameter's."""
    return ValidationError([{"loc": ["query", parameter], "msg": message, "type": "value_error"}])


def paged(total: int, contents: list, params: Paging) -> dict:
    return compiled.page(total, contents, params.page, params.per_page)


def window(params: Paging) -> slice:
    start = (params.page - 1) * params.per_page
    return slice(start, start + params.per_page)


def page_of(rows, params: Paging, compile_one) -> dict:
    """A page of a query: two queries (its count and its rows), whatever `per_page`."""
    total = rows.count()
    part = window(params)
    found = list(rows[part]) if part.start < total else []
    return paged(total, [compile_one(row) for row in found], params)


def page_of_list(items: list, params: Paging) -> dict:
    return paged(len(items), items[window(params)], params)


def matches(record: dict, search: str | None, fields) -> bool:
    if not search or not search.strip():
        return True
    words = search.strip().lower()
    return any(words in str(record.get(field, "")).lower() for field in fields)


def services_for(filters):
    """The services `filters` asks for, in the order the API lists them (not run yet)."""
    # Any service or organisation saved may change the list: the page cache purges it.
    depends_on(model(HelpResource), model(Organization))
    found = compiled.sources()
    search = (filters.search or "").strip()
    if search:
        found = found.filter(
            Q(organisation__icontains=search)
            | Q(description__icontains=search)
            | Q(organization__name__icontains=search)
        )
    if filters.taxonomy_term_id is not None:
        kind = compiled.kind_of_term(filters.taxonomy_term_id)
        found = found.filter(has_choice("services", kind)) if kind else found.none()
    if filters.taxonomy_id is not None and str(filters.taxonomy_id) != vocabulary.TAXONOMY_ID:
        found = found.none()
    if filters.organization_id is not None:
        found = found.filter(organization__hsds_id=filters.organization_id)
    if filters.modified_after is not None:
        found = found.filter(last_modified__gte=filters.modified_after)
    return found.order_by("organisation", "pk")


def one_service(service_id: str):
    """The service with this HSDS id, or None (a malformed id finds none)."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        return None
    return compiled.sources().filter(translation_key=key).first()


def missing(kind: str, given: str) -> Status:
    return Status(404, {"detail": f"No {kind} has the id '{given[:100]}'."})


@api.get("/", response=schemas.About, tags=["about"], summary="This API and its HSDS version")
def about(request, response: HttpResponse):
    cacheable(response)
    openapi = request.build_absolute_uri(reverse(f"{api.urls_namespace}:openapi-json"))
    return {
        "version": vocabulary.HSDS_VERSION,
        "profile": vocabulary.PROFILE,
        "openapi_url": openapi,
    }


@api.get(
    "/services",
    response={200: schemas.ServicePage, **ERRORS},
    tags=["services"],
    summary="Services, a page at a time, with their own fields (all of them with `full`)",
    exclude_unset=True,
)
def list_services(request, response: HttpResponse, filters: Query[ServiceFilters]):
    build = compiled.compiled_service if filters.full else compiled.service
    cacheable(response)
    return page_of(services_for(filters), filters, build)


@api.get(
    "/services/{id}",
    response={200: schemas.Service, **ERRORS},
    tags=["services"],
    summary="One service with everything Lantern knows of it",
    exclude_unset=True,
)
def service_detail(request, response: HttpResponse, id: str):
    resource = one_service(id)
    if resource is None:
        return missing("service", id)
    cacheable(response)
    return Status(200, compiled.compiled_service(resource))


def organizations_for(filters):
    depends_on(model(HelpResource), model(Organization))
    found = Organization.objects.all()
    search = (filters.search or "").strip()
    if search:
        found = found.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if filters.taxonomy_term_id is not None:
        kind = compiled.kind_of_term(filters.taxonomy_term_id)
        if kind is None:
            found = found.none()
        else:
            runs = compiled.sources().filter(has_choice("services", kind))
            found = found.filter(pk__in=runs.values("organization_id"))
    if filters.taxonomy_id is not None and str(filters.taxonomy_id) != vocabulary.TAXONOMY_ID:
        found = found.none()
    return found.order_by("name", "pk")


def with_services(organizations, full_service: bool):
    """`organizations` with their services (source-language rows) in one more query, and a
    function making each one's HSDS record with them."""
    # A service saved or added anywhere may be one of theirs: the page cache purges them.
    depends_on(model(HelpResource), model(Organization))
    services = HelpResource.objects.filter(locale__language_code=compiled.SOURCE_LANGUAGE)
    rows = organizations.prefetch_related(
        Prefetch("services", queryset=services.order_by("organisation", "pk"))
    )

    def build(org) -> dict:
        record = compiled.organization(org)
        each = compiled.compiled_service if full_service else compiled.service
        # Its services without their organisation again: it is the record they are in.
        record["services"] = [
            {name: value for name, value in each(item).items() if name != "organization"}
            for item in org.services.all()
        ]
        return record

    return rows, build


@api.get(
    "/organizations",
    response={200: schemas.OrganizationPage, **ERRORS},
    tags=["organizations"],
    summary="Organisations, a page at a time (with their services with `full`)",
    exclude_unset=True,
)
def list_organizations(request, response: HttpResponse, filters: Query[OrganizationFilters]):
    rows = organizations_for(filters)
    build = compiled.organization
    if filters.full or filters.full_service:
        rows, build = with_services(rows, filters.full_service)
    cacheable(response)
    return page_of(rows, filters, build)


@api.get(
    "/organizations/{id}",
    response={200: schemas.Organization, **ERRORS},
    tags=["organizations"],
    summary="One organisation with its services",
    exclude_unset=True,
)
def organization_detail(request, response: HttpResponse, id: str, params: Query[OneOrganization]):
    try:
        key = uuid.UUID(id)
    except ValueError:
        return missing("organization", id)
    rows, build = with_services(Organization.objects.filter(hsds_id=key), params.full_service)
    found = rows.first()
    if found is None:
        return missing("organization", id)
    cacheable(response)
    return Status(200, build(found))


def covering(zip5: str, state: str) -> Q:
    """Services whose area covers a ZIP code: the nation, its state, or its first digits."""
    area = HelpResource.Area
    prefixes = Q()
    for length in (3, 4, 5):
        prefixes |= has_choice("zip_prefixes", zip5[:length], ", ")
    return (
        Q(area=area.NATIONAL)
        | (Q(area=area.STATES) & has_choice("states", state, ", "))
        | (Q(area=area.LOCAL) & prefixes)
    )


def within(rows, centre: Place, metres: float) -> list[int]:
    """The ids of `rows` whose published place is within `metres` of `centre`, nearest
    first. Confidential places are measured from their rounded coordinates, as published:
    distances from many places never find a shelter more closely than its record does."""
    places = rows.values_list(
        "pk", "latitude", "longitude", "postcode", "address_public", "organisation", named=True
    )
    near = []
    for row in places:
        point = compiled.public_coordinates(row)
        if point is None:
            continue
        distance = miles_between(centre, Place(*point)) * METRES_A_MILE
        if distance <= metres:
            near.append((distance, row.organisation, row.pk))
    return [pk for _, _, pk in sorted(near)]


@api.get(
    "/service_at_locations",
    response={200: schemas.ServiceAtLocationPage, **ERRORS},
    tags=["service at locations"],
    summary="Services at their places, a page at a time; by ZIP code and distance",
    exclude_unset=True,
)
def list_service_at_locations(request, response: HttpResponse, filters: Query[PlaceFilters]):
    rows = compiled.with_places(services_for(filters))

    def build(resource) -> dict:
        record = compiled.service_at_location(resource, full=filters.full)
        build_service = compiled.compiled_service if filters.full else compiled.service
        return {**record, "service": build_service(resource)}

    if filters.proximity is not None and not filters.postcode:
        raise invalid("proximity", "Give a postcode too: the distance is from its centre.")
    if filters.postcode:
        try:
            zip5 = normalise_zip(filters.postcode)
            state = state_for_zip(zip5)
        except ZipError as exc:
            raise invalid("postcode", str(exc)) from exc
        if filters.proximity is not None:
            centre = zip_place(zip5)
            if centre is None:
                raise invalid("postcode", f"The centre of the ZIP code {zip5} is not known.")
            ids = within(rows, centre, filters.proximity)
            shown = ids[window(filters)]
            found = rows.in_bulk(shown)
            cacheable(response)
            return paged(len(ids), [build(found[pk]) for pk in shown], filters)
        rows = rows.filter(covering(zip5, state))
    cacheable(response)
    return page_of(rows, filters, build)


@api.get(
    "/taxonomies",
    response={200: schemas.TaxonomyPage, **ERRORS},
    tags=["taxonomies"],
    summary="Lantern's taxonomy: its kinds of help",
    exclude_unset=True,
)
def list_taxonomies(request, response: HttpResponse, filters: Query[Searching]):
    found = [
        item
        for item in [compiled.taxonomy()]
        if matches(item, filters.search, ("name", "description"))
    ]
    cacheable(response)
    return page_of_list(found, filters)


@api.get(
    "/taxonomies/{id}",
    response={200: schemas.Taxonomy, **ERRORS},
    tags=["taxonomies"],
    summary="One taxonomy",
    exclude_unset=True,
)
def taxonomy_detail(request, response: HttpResponse, id: str):
    if id.lower() != vocabulary.TAXONOMY_ID:
        return missing("taxonomy", id)
    cacheable(response)
    return Status(200, compiled.taxonomy())


@api.get(
    "/taxonomy_terms",
    response={200: schemas.TaxonomyTermPage, **ERRORS},
    tags=["taxonomies"],
    summary="The terms of Lantern's taxonomy: its kinds of help",
    exclude_unset=True,
)
def list_taxonomy_terms(request, response: HttpResponse, filters: Query[TermFilters]):
    found = [
        term
        for term in compiled.taxonomy_terms()
        if matches(term, filters.search, ("name", "code", "description"))
    ]
    other_taxonomy = (
        filters.taxonomy_id is not None and str(filters.taxonomy_id) != vocabulary.TAXONOMY_ID
    )
    if other_taxonomy or filters.parent_id is not None:  # Lantern's terms have no parents
        found = []
    cacheable(response)
    return page_of_list(found, filters)


@api.get(
    "/taxonomy_terms/{id}",
    response={200: schemas.TaxonomyTerm, **ERRORS},
    tags=["taxonomies"],
    summary="One kind of help",
    exclude_unset=True,
)
def taxonomy_term_detail(request, response: HttpResponse, id: str):
    kind = compiled.kind_of_term(id.lower())
    if kind is None:
        return missing("taxonomy term", id)
    cacheable(response)
    return Status(200, compiled.taxonomy_term(kind))
