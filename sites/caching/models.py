"""Tag versions in the database, for installs whose cache is each worker's own memory."""

from django.db import models


class PageCacheTag(models.Model):
    """The present version of one tag (sites.caching.store): shared by every process.

    With Redis, versions live in Redis beside the pages. Without it, each gunicorn worker,
    `publish_scheduled` and every other command has a cache of its own, and a change made in
    one would never reach the pages stored in another: the versions live here instead.
    """

    tag = models.CharField(max_length=320, primary_key=True)  # a page path is up to 255
    version = models.CharField(max_length=40)

    class Meta:
        db_table = "agency_sites_pagecachetag"  # its table from before sites/ was split into apps
        verbose_name = "page cache tag"

    def __str__(self):
        return f"{self.tag} @ {self.version}"
