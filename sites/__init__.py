"""Lantern's own apps, one a capability; `blocks/` (beside this folder) holds the shared blocks.

content      the network's sites and what they publish: branding, page types, sharing, feeds,
             search, the sitemap and the demo network (label agency_sites, Lantern's first)
serving      a reader's request: the site's chrome kept per worker, routing, addresses,
             languages, context processors and template tags
caching      the page cache, purged exactly by the tags of what each page shows
edge         the edge cache in front (Varnish, Fastly, Cloudflare): tag headers, purges by tag
agencies     partner agencies and the walls that keep each inside its own site
privacy      survivor privacy: the review before publishing, clean uploads, consent
help         the help directory and its find-help page
translation  wagtail-localize inside each agency's walls and review workflow
api          the delivery API, the admin API and headless previews
backups      a whole install in one archive, and restoring one
giving       the donation step, each site's payment processor, and Stripe's counted gifts
accounts     staff sign-in: two-step codes, throttling, security headers
tasks        background work: the task worker (run_worker) and the recurring tasks' schedule

docs/architecture.md draws how they depend on each other.
"""
