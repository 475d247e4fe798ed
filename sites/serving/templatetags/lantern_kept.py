"""`{% keep a b … %}…{% endkeep %}`: markup each worker keeps, keyed by what it shows.

A story card, a hotline: the same small fragment of markup appears on page after page (every
listing, every related-stories block, every hotline panel) and is written afresh each time,
about a third of a millisecond apiece in Django's templates. A fragment that depends only on the
objects and values it names is kept under them as they are now:

    {% pageurl story as story_url %}
    {% keep story story.hero_image story_url source %}…{% endkeep %}

An object is named by all of its loaded fields' values, so a story published again, a hotline
with a new number, an image with a new focal point is a new key, and its old markup is never
used again: nothing has to be purged. The reader's language is part of every key. What the
fragment shows must come from what it names: anything else (the request, the page around it)
is worked out before it and named as a value, as `story_url` above.

`{% keep_with_site %}…{% endkeep_with_site %}` keeps what shows only the site's chrome (its
branding, home page, help lines: `sites.serving.chrome`) and the reader's language, on the kept
chrome itself (`Chrome.fragments`): the help bar, the brand, the footer. An editor's change to
any of them makes a new chrome, and the old one's fragments go with it. Where no chrome is kept
(an editor, a preview) the fragment is written afresh.

`{% include_body page %}` is `{% include_block page.body %}` for a live page read by a
reader: the rendered stream kept per worker under the page, the site and the language,
checked on each use against the tags of the page and of everything it showed (`caching.memo`, as
the chrome is), so a chosen story unpublished or a hotline renumbered is shown on the next
request.

Kept while `LANTERN_CHROME_CACHE` is on (what workers keep between requests, `sites.serving.chrome`).
"""

import threading
from contextvars import ContextVar
from itertools import repeat

from cachetools import LRUCache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.utils import translation

from sites.caching import memo
from sites.caching.tags import depends_on
from sites.caching.tags import page as page_tag

register = template.Library()

MAX_KEPT = 2048  # fragments a worker keeps (a card is about 1 KB, its key about as much)
_kept: LRUCache = LRUCache(maxsize=MAX_KEPT)  # the least used dropped first
_lock = threading.Lock()  # cachetools' caches are not thread-safe

# Set by what a fragment shows that must not be kept (a picture whose file is missing).
_spoiled: ContextVar[bool] = ContextVar("lantern_kept_spoiled", default=False)

_DEFERRED = object()  # a field not loaded: its value is not known here
_fields: dict[type, tuple[str, ...]] = {}  # a model's fields' attribute names
# settings.LANTERN_CHROME_CACHE, read once: a lazy setting's every read costs, and a page has
# a dozen fragments. Read again when the setting changes (tests).
_on: list[bool | None] = [None]


def identity(value):
    """What `value` contributes to a key: a model object by its type and every loaded field's
    value (a field not loaded stands as such), anything else by itself. A value that cannot be
    hashed (a StreamField's blocks, a list) makes a key that cannot be kept."""
    if isinstance(value, models.Model):
        model = type(value)
        names = _fields.get(model)
        if names is None:
            names = _fields[model] = tuple(f.attname for f in model._meta.concrete_fields)
        return (model, tuple(map(value.__dict__.get, names, repeat(_DEFERRED))))
    return value


class KeepNode(template.Node):
    def __init__(self, nodelist, names, position):
        self.nodelist = nodelist
        self.names = names
        self.position = position  # which {% keep %} of which template

    def render(self, context):
        if not kept_at_all():
            return self.nodelist.render(context)
        key = (
            self.position,
            translation.get_language(),
            context.autoescape,
            *[identity(name.resolve(context)) for name in self.names],
        )
        return self.kept(key, context)

    def kept(self, key, context, store=None) -> str:
        """The markup kept under `key` in `store` (the worker's, bounded, unless another is
        given), or written now and kept there."""
        try:
            with _lock:
                markup = (_kept if store is None else store).get(key)
        except TypeError:  # a value that cannot be hashed: written afresh
            return self.nodelist.render(context)
        if markup is None:
            markup, spoiled = written(lambda: self.nodelist.render(context))
            if spoiled:
                dont_keep()  # nor any fragment around this one
            elif store is not None:
                store[key] = markup
            else:
                with _lock:
                    _kept[key] = markup
        return markup


class KeepWithSiteNode(KeepNode):
    def render(self, context):
        site = context.get("lantern")
        chrome = site.chrome if site is not None and kept_at_all() else None
        if chrome is None:
            return self.nodelist.render(context)
        key = (self.position, translation.get_language(), context.autoescape)
        return self.kept(key, context, chrome.fragments)


@register.simple_tag(takes_context=True)
def include_body(context, page):
    site = context.get("lantern")
    chrome = site.chrome if site is not None and kept_at_all() else None
    request = context.get("request")
    if chrome is None or not page.live or getattr(request, "is_preview", False):
        return page.body.render_as_block(context=context.flatten())
    key = ("body", page.pk, chrome.site.pk, translation.get_language(), context.autoescape)

    def build():
        depends_on(page_tag(page.pk))  # loaded before this: any save of it is a change of it
        return written(lambda: page.body.render_as_block(context=context.flatten()))

    markup, _ = memo.remembered(key, build, keep=lambda built: not built[1], entries=memo.BODIES)
    return markup


def written(render) -> tuple[str, bool]:
    """`render()`'s markup, and whether what it showed must be worked out again next time
    (`dont_keep`)."""
    token = _spoiled.set(False)
    try:
        markup = render()
        return markup, _spoiled.get()
    finally:
        _spoiled.reset(token)


def kept_at_all() -> bool:
    on = _on[0]
    if on is None:
        on = _on[0] = settings.LANTERN_CHROME_CACHE
    return on


def dont_keep() -> None:
    """What is being written shows something that must be worked out again next time: the
    fragments being written around it are not kept."""
    _spoiled.set(True)


@register.tag
def keep(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            "{% keep %} names what the markup shows: {% keep story story_url %}"
        )
    names = [parser.compile_filter(bit) for bit in bits[1:]]
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    origin = parser.origin.name if parser.origin else "?"
    return KeepNode(nodelist, names, (origin, token.lineno, token.position))


@register.tag
def keep_with_site(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError(
            "{% keep_with_site %} takes nothing: it is kept under the site's chrome."
        )
    nodelist = parser.parse(("endkeep_with_site",))
    parser.delete_first_token()
    origin = parser.origin.name if parser.origin else "?"
    return KeepWithSiteNode(nodelist, [], (origin, token.lineno, token.position))


def clear(**kwargs) -> None:
    with _lock:
        _kept.clear()


def _settings_changed(setting, **kwargs) -> None:
    if setting == "LANTERN_CHROME_CACHE":  # tests turn it on and off
        _on[0] = None
        clear()


setting_changed.connect(_settings_changed, dispatch_uid="lantern_kept_markup")
