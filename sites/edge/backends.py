"""Purging keys at the edge: one backend per provider, in the style of Wagtail's frontend-cache
backends (`wagtail.contrib.frontend_cache.backends`), with `purge_keys(keys)` in place of
`purge(url)`.

Each sends the keys in batches its provider takes, and raises `PurgeFailed` when one is refused
or cannot be sent, with a message that names the provider and what went wrong but never a token
(it is kept in the outbox and shown in the admin).
"""

import json
from itertools import islice

import requests

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Seconds to connect and to wait for an answer: a purge that waits longer is tried again later.
TIMEOUT = (3, 10)


class PurgeFailed(Exception):
    """The edge did not take a purge: the outbox keeps it and tries again."""


def batches(keys, size: int):
    keys = iter(sorted(keys))
    while batch := list(islice(keys, size)):
        yield batch


class EdgeBackend:
    """Purges keys (`sites.edge.keys`) at one edge cache."""

    name = ""
    batch_size = 100

    def purge_keys(self, keys) -> None:
        for batch in batches(keys, self.batch_size):
            self.purge_batch(batch)

    def purge_batch(self, keys: list[str]) -> None:
        raise NotImplementedError

    def send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = requests.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise PurgeFailed(f"{self.name}: {type(error).__name__}") from error
        if not 200 <= response.status_code < 300:
            raise PurgeFailed(f"{self.name}: HTTP {response.status_code} {response.reason}")
        return response


class VarnishBackend(EdgeBackend):
    """Varnish with varnish-modules' xkey: a PURGE request naming the keys in `xkey-purge`,
    which the VCL hands to `xkey.purge()`. A batch stays under Varnish's default request header
    limit (http_req_hdr_len, 8 KB): 12 bytes a key."""

    name = "Varnish"
    batch_size = 500

    def __init__(self, url: str):
        self.url = url

    def purge_batch(self, keys):
        self.send("PURGE", self.url, headers={"xkey-purge": " ".join(keys)})


class FastlyBackend(EdgeBackend):
    """Fastly's purge by surrogate key, up to 256 keys a request."""

    name = "Fastly"
    batch_size = 256

    def __init__(self, service_id: str, token: str, api_url: str):
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.token = token

    def purge_batch(self, keys):
        self.send(
            "POST",
            self.url,
            headers={"Fastly-Key": self.token, "Surrogate-Key": " ".join(keys)},
        )


class CloudflareBackend(EdgeBackend):
    """Cloudflare's purge by cache tag. Its API takes at most 30 tags a request on some plans
    (more on others): 30, to be safe on every plan."""

    name = "Cloudflare"
    batch_size = 30

    def __init__(self, zone_id: str, token: str, api_url: str):
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.token = token

    def purge_batch(self, keys):
        response = self.send(
            "POST",
            self.url,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            data=json.dumps({"tags": keys}),
        )
        try:
            success = response.json().get("success")
        except ValueError:
            success = False
        if not success:
            raise PurgeFailed(f"{self.name}: the API did not report success")


def get_backend() -> EdgeBackend | None:
    """The configured edge's backend (EDGE_CACHE), or None when there is no edge."""
    edge = settings.EDGE_CACHE
    if not edge:
        return None
    if edge == "varnish":
        return VarnishBackend(settings.EDGE_CACHE_URL)
    if edge == "fastly":
        return FastlyBackend(
            settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN, settings.FASTLY_API_URL
        )
    if edge == "cloudflare":
        return CloudflareBackend(
            settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN, settings.CLOUDFLARE_API_URL
        )
    raise ImproperlyConfigured(f"EDGE_CACHE: unknown edge cache '{edge}'")
