"""The content's background work: a published page's renditions made before any reader asks,
and scheduled publishing every minute (sites.tasks runs them)."""

import logging
from datetime import timedelta

from django_tasks import task

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from sites.content.branding import SiteBranding
from sites.content.pages import HomePage, StoryPage
from sites.content.scheduling import EXCLUSIVE, LONGEST_RUN, publish_due
from sites.content.sizes import PRESERVE_SVG, filter_specs
from sites.tasks.recurring import exclusive, recurring

logger = logging.getLogger(__name__)


def images_shown(page: Page) -> list[tuple[AbstractImage, str]]:
    """Each image a reader's page (or a listing of it) shows of `page`, with the size it is
    shown at (sites.content.sizes): its hero, its card, its link preview, the images in its
    body, and its site's logo and sharing image."""
    shown = []
    hero = getattr(page, "hero_image", None)
    if isinstance(page, HomePage) and hero:
        shown += [(hero, "home_hero"), (hero, "share")]
    elif isinstance(page, StoryPage) and hero:
        shown += [(hero, "story_hero"), (hero, "story_card"), (hero, "share")]
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            shown += [(image, "body_image") for image in images_in(getattr(page, field.name))]
    site = page.get_site()
    if site is not None:
        branding = SiteBranding.for_site(site)
        if branding.logo:
            shown.append((branding.logo, "logo"))
        if branding.share_image:
            shown.append((branding.share_image, "share"))
    return shown


def images_in(value) -> list[AbstractImage]:
    """The images in a stream's value, however deep its blocks nest them."""
    if isinstance(value, AbstractImage):
        return [value]
    if isinstance(value, Model | str | bytes) or value is None:
        return []
    if hasattr(value, "value") and hasattr(value, "block"):  # a stream child, a list item
        return images_in(value.value)
    if isinstance(value, dict):  # a struct's value
        return [image for child in value.values() for image in images_in(child)]
    if hasattr(value, "__iter__"):  # a stream, a list
        return [image for child in value for image in images_in(child)]
    return []


@task()
def make_page_renditions(page_id: int) -> int:
    """Every rendition the live page `page_id` shows; how many sizes it asked for. A page gone or
    unpublished meanwhile needs none."""
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        return 0
    made = 0
    by_image: dict[int, tuple[AbstractImage, set[str]]] = {}
    for image, size in images_shown(page.specific):
        by_image.setdefault(image.pk, (image, set()))[1].update(filter_specs(size))
    for image, specs in by_image.values():
        # Wagtail's own: each size made once and saved, or found already made.
        image.get_renditions(*(f"{spec}|{PRESERVE_SVG}" for spec in sorted(specs)))
        made += len(specs)
    return made


def enqueue_renditions(sender, instance, **kwargs):
    """On `page_published`: the page's renditions, once the publishing has committed (a worker
    must find the page live). Only where a worker runs them (LANTERN_RENDITIONS_ON_PUBLISH)."""
    if not settings.LANTERN_RENDITIONS_ON_PUBLISH:
        return
    page_id = instance.pk
    transaction.on_commit(lambda: make_page_renditions.enqueue(page_id))


@recurring(every=timedelta(minutes=1))
@task()
def publish_scheduled_pages() -> dict:
    """What `run_scheduler` does every minute, on a worker: pages whose time has come published,
    expired ones unpublished. One run at a time across every worker (and any run_scheduler)."""
    with exclusive(EXCLUSIVE, LONGEST_RUN) as ours:
        if not ours:
            return {"skipped": "another worker is publishing"}
        changes = publish_due()
    if any(changes.values()):
        logger.info(
            "Scheduled publishing: %d published, %d unpublished.",
            changes["published"],
            changes["unpublished"],
        )
    return changes
