"""Links to pages in rich text, as readers and the public API get them.

Wagtail's page link handler links any page it finds, whatever its state: a text linking to a
draft, or to a page later made private or past its expiry, gave readers (and the public API)
that page's address. Here a link to a page readers may not see keeps its words but loses its
address, as Wagtail already shows a link to a deleted page. The admin's editor converts links
its own way and is unchanged.
"""

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from sites.content.visibility import readable


class ReaderPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        """The linked pages readers may see (None for the others), in one query, plus one per
        page type as Wagtail's own."""
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        pages = readable(Page.objects.filter(pk__in=[pk for pk in ids if pk.isdigit()]))
        found = {str(page.pk): page for page in pages.defer_streamfields().specific()}
        return [found.get(pk) for pk in ids]
