"""A reader response's tags, as short keys in the header the configured edge cache reads.

A tag (`page:42`, `obj:blocks.hotline:tk:<uuid>`, `children:000100020002`) is hashed to a
short key that is the same in every process and release: `l` and 10 hex digits of its
BLAKE2b digest. Two tags sharing a key (one in a trillion pairs) only purge each other's pages.
Hashing keeps the header small and says nothing about what the site holds.

Each edge has its own header and limits:

- Varnish (varnish-modules' xkey): `xkey`, keys separated by spaces. Varnish refuses a
  response header longer than `http_resp_hdr_len` (8 KB by default): kept under that.
- Fastly: `Surrogate-Key`, space-separated, at most 16 KB in all (each key at most 1 KB).
- Cloudflare: `Cache-Tag`, comma-separated, at most 16 KB in all (each tag at most 1 KB).

A page that shows more than fits (about 650 tags for Varnish, 1,300 for the others) carries
`OVERFLOW` instead, a key sent with every purge: it is purged by any change, never kept stale.
"""

import hashlib

from django.conf import settings

PROVIDERS = ("varnish", "fastly", "cloudflare")
HEADERS = {"varnish": "xkey", "fastly": "Surrogate-Key", "cloudflare": "Cache-Tag"}
SEPARATORS = {"varnish": " ", "fastly": " ", "cloudflare": ","}
# The longest header value each edge takes, in bytes, with room to spare.
MAX_HEADER = {"varnish": 8000, "fastly": 16000, "cloudflare": 16000}

PREFIX = "l"
DIGITS = 10
# Carried by a page whose keys do not fit, and purged with every purge (`outbox`).
OVERFLOW = PREFIX + "overflow"


def provider() -> str:
    """The configured edge (`EDGE_CACHE`), or "" for none."""
    return settings.EDGE_CACHE


def key(tag: str) -> str:
    """The short, stable key of one tag."""
    return PREFIX + hashlib.blake2b(tag.encode(), digest_size=8).hexdigest()[:DIGITS]


def keys(tags) -> set[str]:
    return {key(tag) for tag in tags}


def header_value(tags, edge: str) -> str:
    """The value of `edge`'s header for a response showing `tags`: its keys, sorted (the same
    page always gets the same header), or OVERFLOW when they would not fit."""
    value = SEPARATORS[edge].join(sorted(keys(tags)))
    if len(value) > MAX_HEADER[edge]:
        return OVERFLOW
    return value


def tag_response(response, tags) -> None:
    """Puts the keys of `tags` on a reader `response` the edge may keep (the page cache's
    decision: `sites.caching.middleware.may_store`), in the configured edge's header."""
    edge = provider()
    if edge and tags:
        response[HEADERS[edge]] = header_value(tags, edge)
