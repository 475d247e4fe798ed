"""Pages in their specific types, with what they show, in a fixed number of queries.

Wagtail's `.specific()` takes one query for the pages, then one more for each page type among
them, and each page's hero image (or a donation page's appeal) one more when it is shown, and
the image's sizes (renditions) another when they are not in the cache: a listing's queries grew
with the kinds of pages and the number of pictures it showed. Here every page type Lantern has
is joined into the one query (each is a table of its own beside Wagtail's page table), with
the objects each type's own foreign keys name, and the sizes of all the pictures of a listing
come in one more query.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects

from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from sites.serving.templatetags.lantern_images import pictured


def page_types() -> list[type[Page]]:
    """Every page type whose table joins Wagtail's page table directly (all of Lantern's)."""
    return [
        model
        for model in get_page_models()
        if model is not Page and model._meta.get_parent_list() == [Page]
    ]


def type_ids(*types) -> list[int]:
    """The content type ids of `types` and their subclasses, as Wagtail's `.type()` filters
    by them."""
    models = {model for model in apps.get_models() if issubclass(model, types)}
    return sorted(ct.pk for ct in ContentType.objects.get_for_models(*models).values())


def own_foreign_keys(model) -> list[str]:
    """The foreign keys a page type adds to Wagtail's page (a hero image, an appeal)."""
    return [field.name for field in model._meta.local_concrete_fields if field.many_to_one]


def specific_pages(
    pages, types=None, *, related: bool = True, bodies: bool = True, others_generic: bool = False
) -> list:
    """The pages `pages` (a queryset of Wagtail's Page) finds, each of its specific type, in
    their order, in one query.

    `types`: the page types it may find (every one by default); a page of another type costs
    one more query, or stays a plain Page with `others_generic`. `related`: load what each
    type's own foreign keys name (its hero image, a donation page's appeal) in the same query.
    `bodies`: False leaves out the StreamFields (a listing does not show them; reading one
    then costs a query). Annotations, and what came with each page (`select_related`), reach
    the specific pages as they would with `.specific()`.
    """
    queryset, types = specific_queryset(pages, types, related=related, bodies=bodies)
    return specific_rows(queryset, types, others_generic=others_generic)


def specific_queryset(pages, types=None, *, related: bool = True, bodies: bool = True):
    """specific_pages' one query (not run yet), and the types it joins."""
    known = page_types()
    types = [model for model in (types or known) if model in known]
    joined, deferred = [], []
    for model in types:
        name = model._meta.model_name  # Django's name for the page's row in the type's table
        joined.append(name)
        if related:
            joined += [f"{name}__{key}" for key in own_foreign_keys(model)]
        if not bodies:
            deferred += [
                f"{name}__{field.name}"
                for field in model._meta.local_fields
                if isinstance(field, StreamField)
            ]
    if joined:
        pages = pages.select_related(*joined)
    if deferred:
        pages = pages.defer(*deferred)
    return pages, types


def specific_rows(pages, types, *, others_generic: bool = False) -> list:
    """Runs specific_queryset's query (`pages`, joining `types`): specific_pages' pages."""
    annotations = list(pages.query.annotation_select)
    found, others = [], []
    for page in pages:
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        specific = page
        if model in types:
            specific = getattr(page, model._meta.model_name, None) or page
            keep_loaded(specific, page)
        if model is not None and not isinstance(specific, model):
            others.append(page.pk)
        for name in annotations:
            setattr(specific, name, getattr(page, name))
        found.append(specific)
    if others and not others_generic:  # a type not expected: Wagtail's way, a query per type
        fetched = Page.objects.filter(pk__in=others).specific().in_bulk()
        for index, page in enumerate(found):
            if page.pk in fetched and type(page) is Page:
                for name in annotations:
                    setattr(fetched[page.pk], name, getattr(page, name))
                found[index] = fetched[page.pk]
    return found


def keep_loaded(page, loaded) -> None:
    """`page` and `loaded` are the same page: what came with `loaded` (its locale, its own
    foreign keys' objects) is kept on `page` too, so reading it there costs no query."""
    if page is loaded:
        return
    for field in type(page)._meta.concrete_fields:
        if (
            field.many_to_one
            and field.is_cached(loaded)
            and not field.is_cached(page)
            and getattr(page, field.attname) == getattr(loaded, field.attname)
        ):
            field.set_cached_value(page, field.get_cached_value(loaded))


def prefetch_renditions(images) -> None:
    """Every size already made of each of `images`, in one query (none if there are none).

    Wagtail then looks no further for a size it finds here (neither in its cache nor in the
    database); a size not made yet is made and saved as always. Images whose `{% picture %}`
    markup this worker keeps are left out: they are shown without their sizes."""
    # Django's prefetch leaves out the images whose sizes it already brought.
    wanted = [image for image in images if image is not None and not pictured(image)]
    if wanted:
        prefetch_related_objects(wanted, "renditions")


def prefetch_hero_renditions(pages) -> None:
    """The sizes of the hero images of `pages` (specific pages, with their images loaded)."""
    prefetch_renditions(getattr(page, "hero_image", None) for page in pages)


def cards(pages, types=None) -> list:
    """Pages as a listing's cards show them: specific, with their hero images, without their
    bodies, and the sizes of the images in one more query (if any has one)."""
    found = specific_pages(pages, types, bodies=False)
    prefetch_hero_renditions(found)
    return found
