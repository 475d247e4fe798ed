"""A site's sitemap: its live public pages in every language it is published in.

Wagtail's own lists the source language's tree only. Each entry also names its translations
(xhtml:link hreflang alternates), so search engines offer a reader the page in their language.
"""

from wagtail.contrib.sitemaps import Sitemap

from sites.serving.languages import live_pages


class SiteSitemap(Sitemap):
    def items(self):
        return (
            live_pages(self.get_wagtail_site(), self.request)
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def get_urls(self, page=1, site=None, protocol=None):
        """The entries of one page of the sitemap, as Wagtail's sitemap lists them (each page's
        own `get_sitemap_urls`), with each page's translations in the sitemap as its
        alternates; `latest_lastmod` for Django's sitemap view, as Wagtail sets it."""
        entries, last_mods, by_key = [], set(), {}
        for item in self.paginator.page(page).object_list:
            for info in item.get_sitemap_urls(self.request):
                info = {**info, "lang_code": item.locale.language_code}
                entries.append((item.translation_key, info))
                by_key.setdefault(item.translation_key, []).append(info)
                last_mods.add(info.get("lastmod"))
        for key, info in entries:
            siblings = by_key[key]
            info["alternates"] = (
                [{"lang_code": s["lang_code"], "location": s["location"]} for s in siblings]
                if len(siblings) > 1
                else []
            )
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return [info for _, info in entries]
