"""A system check: an edge cache named in EDGE_CACHE must be one Lantern knows, with what it
needs to be purged. A misconfigured edge would keep every page it holds until it expires."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from sites.edge.keys import PROVIDERS

# What each edge needs besides EDGE_CACHE itself.
REQUIRED = {
    "varnish": ("EDGE_CACHE_URL",),
    "fastly": ("FASTLY_SERVICE_ID", "FASTLY_API_TOKEN"),
    "cloudflare": ("CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"),
}


@checks.register(checks.Tags.caches)
def edge_cache_configured(app_configs=None, **kwargs):
    edge = settings.EDGE_CACHE
    if not edge:
        return []
    if edge not in PROVIDERS:
        return [
            checks.Error(
                f"EDGE_CACHE is '{edge}', which is not an edge cache Lantern can purge.",
                hint="Set it to varnish, fastly or cloudflare, or leave it empty for none.",
                id="lantern_edge.E001",
            )
        ]
    errors = [
        checks.Error(
            f"EDGE_CACHE is '{edge}' but {name} is not set: nothing could be purged there.",
            hint="See .env.example, under CDN.",
            id="lantern_edge.E002",
        )
        for name in REQUIRED[edge]
        if not getattr(settings, name, "")
    ]
    url = settings.EDGE_CACHE_URL
    if edge == "varnish" and url and urlsplit(url).scheme not in ("http", "https"):
        errors.append(
            checks.Error(
                "EDGE_CACHE_URL must be an http:// or https:// address of the Varnish server.",
                id="lantern_edge.E003",
            )
        )
    return errors
