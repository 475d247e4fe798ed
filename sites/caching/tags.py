"""What a page being rendered depends on: recorded while it renders, as tags.

Model instances are noted by themselves, through Django's `post_init` signal, as they load:
nothing in the templates or blocks has to remember to declare them. Listings cannot be noted
that way (the story published tomorrow is not loaded today), so the code that lists declares
what it lists with `depends_on(children(page))`, `depends_on(tree(page))` or
`depends_on(model(SomeModel))`.
"""

from contextvars import ContextVar
from datetime import datetime

from wagtail.models import Page
from wagtail.models.i18n import TranslatableMixin


class Recording:
    def __init__(self):
        self.tags: set[str] = set()
        self.until: datetime | None = None  # when the page may change by itself

    def change_at(self, moment: datetime | None) -> None:
        if moment is not None and (self.until is None or moment < self.until):
            self.until = moment


_recording: ContextVar[Recording | None] = ContextVar("lantern_page_recording", default=None)


def start() -> tuple[Recording, object]:
    recording = Recording()
    return recording, _recording.set(recording)


def stop(token) -> None:
    _recording.reset(token)


def depends_on(*tags: str) -> None:
    """Note that the page being rendered (if any is being recorded) shows what `tags` name."""
    recording = _recording.get()
    if recording is not None:
        recording.tags.update(tags)


def changes_at(moment: datetime | None) -> None:
    """Note that the page being rendered changes by itself at `moment` (an expiry, say)."""
    recording = _recording.get()
    if recording is not None:
        recording.change_at(moment)


# Tag names. Paths, not ids, for listings: a page's ancestors are read off its own path.


def page(pk) -> str:
    return f"page:{pk}"


def children(parent_or_path) -> str:
    """The listing of a page's children (a stories index, a menu)."""
    return f"children:{getattr(parent_or_path, 'path', parent_or_path)}"


def tree(ancestor_or_path) -> str:
    """A listing of any of a page's descendants (the newest stories of a site)."""
    return f"tree:{getattr(ancestor_or_path, 'path', ancestor_or_path)}"


def site_roots() -> str:
    """Every site's root path and address (Wagtail's `Site.get_site_root_paths`), which every
    page's links are worked out from: bumped whenever Wagtail forgets its cached copy."""
    return "site-roots"


def model(model_class) -> str:
    """A listing of all of a model's objects (the help directory, the pinned hotlines)."""
    return f"model:{model_class._meta.concrete_model._meta.label_lower}"


def one(model_class, pk) -> str:
    """One object, by its model and primary key: for what a page shows without loading it as
    an object (a tag's name read straight from the database)."""
    return f"obj:{model_class._meta.concrete_model._meta.label_lower}:{pk}"


def object_tags(obj) -> list[str]:
    """The tags of one loaded object: its own, and its translations' for translatable ones
    (a Spanish page shows the English hotline until the Spanish one is made)."""
    if isinstance(obj, Page):
        return [page(obj.pk)]
    label = obj._meta.concrete_model._meta.label_lower
    tags = [one(obj, obj.pk)]
    key = obj.__dict__.get("translation_key") if isinstance(obj, TranslatableMixin) else None
    if key is not None:
        tags.append(f"obj:{label}:tk:{key}")
    return tags


# Models no reader page shows, saved all the time: sessions, sign-in attempts, logs, drafts.
# The edge's outbox and the task worker's queue are written by purges themselves.
# wagtail-localize's bookkeeping (sources, segments, strings) is the editors' side: a
# translation reaches readers when its page or object is saved or published, which purges.
IGNORED_APPS = {
    "sessions",
    "axes",
    "admin",
    "contenttypes",
    "otp_totp",
    "django_otp",
    "lantern_edge",
    "django_tasks_database",
    "lantern_tasks",  # the recurring tasks' schedule and lease
    "wagtail_localize",
}
IGNORED_MODELS = {
    "lantern_caching.pagecachetag",
    "wagtailcore.revision",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailcore.pagesubscription",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailusers.userprofile",
    "wagtailsearch.indexentry",
    "wagtailimages.rendition",  # a new size of an unchanged image
    # A story's tagging rows change only when the story is published (its page tag) or a tag
    # is deleted (the tag's own); listing them too made an API page's tags half its list.
    "agency_sites.newsstorytag",
    # An import's progress, saved as it runs: no reader sees it (what it imports is purged).
    "lantern_help.helpimport",
    "lantern_giving.countedevent",  # a webhook's event id, counted once (its appeal is purged)
}


def may_show(obj) -> bool:
    """Whether a reader's page can show `obj` at all (not a session, log entry or draft)."""
    meta = obj._meta.concrete_model._meta
    return meta.app_label not in IGNORED_APPS and meta.label_lower not in IGNORED_MODELS


def note_loaded(sender, instance, **kwargs) -> None:
    """post_init, for every model: a loaded object the page being recorded depends on."""
    recording = _recording.get()
    if recording is None or instance.pk is None or not may_show(instance):
        return
    recording.tags.update(object_tags(instance))
    if isinstance(instance, Page):
        recording.change_at(instance.__dict__.get("expire_at"))
