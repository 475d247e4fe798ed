"""The full-page cache: anonymous reader pages served from the cache, purged exactly.

A reader's page (a Wagtail page served to someone with no session) is stored whole, headers
and all, under its scheme, host, path and query: the host names the site and the path's
prefix the language (`/es/…`). While the page renders, every model instance it loads is
noted as a *tag* (`page:42`, `obj:blocks.hotline:tk:<uuid>`, `obj:agency_sites.sitebranding:3`),
and so is every listing it shows (`children:<path>`, `tree:<path>`, `model:<label>`): see
`tags`. Each tag has a version in the cache; an entry remembers the versions it was built
with and is good only while they all still hold. A change bumps the versions of the tags it
touches (`invalidation`): publishing, unpublishing, moving or deleting a page bumps the page,
its translations, its parent's children and its ancestors' trees; saving a snippet, an image
or a site's branding bumps that object and its model. So a page is purged exactly when
something it showed changed, and no list of pages to purge is ever kept.

Content that changes by itself in time (a page's expiry, a partner story's show-from and
show-until) limits how long its pages are kept (`tags.changes_at`).

Editors, previews and anyone with a session always get a freshly rendered page
(`middleware.may_use_cache`). `LANTERN_PAGE_CACHE_SECONDS` (0 turns the cache off) is the
longest a page is kept; Redis (`REDIS_URL`) shares the cache between workers and machines.
An edge cache in front (Varnish, a CDN) is purged by the same tags: `sites.edge`.
"""
