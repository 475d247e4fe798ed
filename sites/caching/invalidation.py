"""What each change purges: the tags it bumps, once it is committed.

- A page published, unpublished or saved live: the page and its translations (their language
  links name it), its parent's children and every ancestor's tree (listings, menus, the
  newest stories on the home page). Published, unpublished or moved: also the listing of its
  page type, wherever it stands (a site's Donate buttons follow its giving page, at any depth:
  sites.giving.donate).
- A page moved: the same at its old place and its new one, and every page under it (their
  addresses changed).
- A page deleted: the same, for it and each page under it.
- Any other object saved or deleted (a hotline, an appeal, a help resource, an image, a
  site's branding, the site itself): that object, its translations, and listings of its model.
- Whenever Wagtail forgets its cached site roots (a site or a locale saved or deleted, a site's
  root page or one of its translations saved), and on any move or deletion (a site's root may
  be the page, or under it): the site roots every worker keeps with a site's chrome.

A draft saved, submitted or locked changes nothing readers see, and purges nothing.

The edge cache in front, if any, purges the same tags (sites.edge).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate

from wagtail.models import Locale, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from sites.caching import store, tags
from sites.edge import outbox as edge_outbox

# Bookkeeping on a page that readers never see: a save of only these is a draft's.
DRAFT_FIELDS = {
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "has_unpublished_changes",
    "wagtail_admin_comments",
    "locked",
    "locked_at",
    "locked_by",
}

# Set while `migrate` runs: its data migrations save pages and sites before the versions'
# table exists, and no page has been stored from a database being built.
_migrating = False


def migration_started(**kwargs) -> None:
    global _migrating
    _migrating = True


def migration_ended(**kwargs) -> None:
    global _migrating
    _migrating = False


def bump_on_commit(tag_set: set[str]) -> None:
    """Every purge passes here: the edge's is written now, in the change's own transaction (a
    change rolled back leaves none: sites.edge.outbox), the page cache's bumped once committed."""
    if not tag_set or _migrating:
        return
    edge_outbox.record(tag_set)
    if store.versions_kept():
        transaction.on_commit(lambda: store.bump(tag_set))


def around(path: str) -> set[str]:
    """The listings a page at `path` appears in: its parent's children, its ancestors' trees."""
    step = Page.steplen
    ancestors = [path[:end] for end in range(step, len(path), step)]
    found = {tags.tree(ancestor) for ancestor in ancestors}
    if ancestors:
        found.add(tags.children(ancestors[-1]))
    return found


def page_and_translations(page) -> set[str]:
    pks = Page.objects.filter(translation_key=page.translation_key).values_list("pk", flat=True)
    return {tags.page(pk) for pk in {page.pk, *pks}}


def page_changed(sender, instance, **kwargs):
    """page_published, page_unpublished."""
    found = page_and_translations(instance) | around(instance.path)
    bump_on_commit(found | {tags.model(sender or type(instance))})  # the specific class


def page_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save of a page: a save that changes what readers see (not a draft's bookkeeping)."""
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    found = {tags.page(instance.pk)}
    if instance.is_site_root():  # as Wagtail's Page.save asks before forgetting its roots
        found.add(tags.site_roots())
    bump_on_commit(found)


def page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    """post_page_move: both places, the page and all under it (their addresses changed)."""
    page = Page.objects.get(pk=instance.pk)  # the path after the move
    parent_before = kwargs.get("parent_page_before")
    found = page_and_translations(page) | around(page.path)
    if parent_before is not None:
        found |= around(parent_before.path + "0" * Page.steplen)  # a child's place there
    found |= {tags.page(pk) for pk in page.get_descendants().values_list("pk", flat=True)}
    bump_on_commit(found | {tags.site_roots(), tags.model(sender or Page)})


def page_deleted(sender, instance, **kwargs):
    # A site's root or its translation may be among the pages deleted: asking of each would
    # cost a query a page, and deletions are rare.
    bump_on_commit({tags.page(instance.pk), tags.site_roots()} | around(instance.path))


def object_changed(sender, instance, raw=False, **kwargs):
    """post_save, post_delete of anything but a page."""
    if isinstance(instance, Page):
        return
    purge(instance)


def purge(instance) -> None:
    """What saving `instance` (anything but a page) purges, once committed. Also for a change
    that sends no signal: a queryset's update() (an appeal's progress, sites.giving)."""
    if instance.pk is None or not tags.may_show(instance):
        return
    found = {*tags.object_tags(instance), tags.model(type(instance))}
    if isinstance(instance, (Site, Locale)):  # Wagtail's site roots name both
        found.add(tags.site_roots())
    bump_on_commit(found)


def connect() -> None:
    page_published.connect(page_changed, dispatch_uid="lantern_cache_published")
    page_unpublished.connect(page_changed, dispatch_uid="lantern_cache_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="lantern_cache_moved")
    post_save.connect(_dispatch_save, dispatch_uid="lantern_cache_saved")
    post_delete.connect(_dispatch_delete, dispatch_uid="lantern_cache_deleted")
    pre_migrate.connect(migration_started, dispatch_uid="lantern_cache_migrating")
    post_migrate.connect(migration_ended, dispatch_uid="lantern_cache_migrated")


def _dispatch_save(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_saved(sender, instance, **kwargs)
    else:
        object_changed(sender, instance, **kwargs)


def _dispatch_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_deleted(sender, instance, **kwargs)
    else:
        object_changed(sender, instance, **kwargs)
