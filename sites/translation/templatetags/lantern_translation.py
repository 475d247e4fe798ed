"""Template tags of Lantern's overrides of the page header and the translation editor
(sites.translation.header)."""

from django import template
from django.utils.html import format_html_join

from sites.translation import header

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_header_buttons(context, page):
    """The page header's visible translation actions, rendered as Wagtail's header buttons."""
    request = context.get("request")
    if page is None or request is None:
        return ""
    buttons = header.header_buttons(page, request.user)
    flat = context.flatten()
    return format_html_join("", "{}", ((button.render_html(flat),) for button in buttons))


@register.filter
def translation_editor_props(props: str) -> str:
    return header.editor_props(props)


@register.simple_tag(takes_context=True)
def translation_editor_footer(context, props, instance, is_page):
    """Lantern's footer of the translation editor, or None for wagtail-localize's own
    (sites.translation.header.own_footer)."""
    request = context.get("request")
    if not is_page or request is None:
        return None
    return header.own_footer(props, instance, request.user)
