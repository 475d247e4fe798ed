"""The page cache's one hook: what Wagtail serves to readers may be kept."""

from wagtail import hooks

from sites.caching.middleware import mark_cacheable

# After the serving checks (sites.serving.wagtail_hooks, order 0) have let the page through.
hooks.register("before_serve_page", mark_cacheable, order=10)
