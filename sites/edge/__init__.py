"""The edge cache in front of Lantern (Varnish, Fastly or Cloudflare), purged by tag.

Lantern's own page cache records, while a reader's page renders, the tags of everything it shows
(`sites.caching.tags`) and purges exactly the pages whose tags a change touches. This app gives
the edge the same precision:

- `keys`: each cacheable reader response carries its tags, hashed to short keys, in the header
  the configured edge understands (`xkey`, `Surrogate-Key` or `Cache-Tag`), within its limits.
- `backends`: one purge-by-key client per provider, in the style of Wagtail's frontend-cache
  backends (`purge_keys(keys)`).
- `outbox`: the keys a change purges are written to the database in the change's own
  transaction (`EdgePurge`) and sent once it commits, by the `send_edge_purges` task (and
  the command of that name), with retries and backoff: a purge is never lost when the edge is
  down or a process dies.
- `views`: pending and failed purges, in a report for network administrators.

`EDGE_CACHE` (`varnish`, `fastly`, `cloudflare`; empty: no edge) turns it on: docs/caching.md.
"""
