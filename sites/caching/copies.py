"""Copies of model instances a worker keeps, for one request to use as its own.

What each worker keeps between requests (a site's chrome, the snippets blocks chose) is shared
by every request it serves. A request that reads or caches something on an object (a block's
prefetched pages, an image's sizes) must do it on a copy, or the next request would see it.
"""

from wagtail.blocks import StreamValue


def request_copy(obj, depth: int = 2):
    """A copy of a kept model instance for one request to use as its own: its own attributes,
    its own copies of the objects loaded with it, and its StreamFields unread, so nothing a
    request reads or caches on it (a block's prefetched pages, an image's sizes) reaches the
    next request. Objects loaded with it are copied `depth` levels down (their own, beyond,
    are shared: a page's locale's objects, say)."""
    copied = obj.__class__.__new__(obj.__class__)
    values = {}
    for name, value in obj.__dict__.items():
        if value is obj:
            continue  # `specific` and the like, pointing back at the kept object
        if isinstance(value, StreamValue):
            value = unread(obj, name, value)
        elif isinstance(value, dict):
            value = dict(value)  # what Django caches on an object (prefetched rows): its own
        values[name] = value
    copied.__dict__ = values
    state = obj._state.__class__()
    state.db, state.adding = obj._state.db, obj._state.adding
    state.fields_cache = {
        name: request_copy(related, depth - 1) if depth and hasattr(related, "_state") else related
        for name, related in obj._state.fields_cache.items()
    }
    copied._state = state
    return copied


def unread(obj, name: str, value: StreamValue) -> StreamValue:
    """The stream `obj.name`, as it came from the database: nothing parsed or cached on it."""
    raw = value.raw_text if value.raw_text is not None else list(value.raw_data)
    return obj._meta.get_field(name).to_python(raw)
