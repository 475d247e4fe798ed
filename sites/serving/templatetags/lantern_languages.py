"""The language switcher's and hreflang links' data for a page (sites.serving.languages.alternates)."""

from django import template

from sites.serving.languages import alternates, configured_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context, page):
    """The site's languages for `page`: [] when the site is published in one language only."""
    lantern = context.get("lantern")
    site = lantern.site if lantern else None
    if page is None or site is None or not getattr(page, "pk", None):
        return []
    request = context.get("request")
    if len(configured_languages(site, request)) < 2:
        return []
    links = alternates(page, site, request)
    return links if len(links) > 1 else []
