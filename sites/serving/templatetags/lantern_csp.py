"""`{% inline_style %}…{% endinline_style %}`: a <style> the Content-Security-Policy allows by
its hash, not by a nonce.

A nonce is new on every answer, so a page carrying one can be neither stored in the page
cache nor answered with 304 Not Modified. A hash is the same for as long as the style is: the
site's colours, here. `sites.accounts.headers` adds the hashes to the page's policy.
"""

import base64
import hashlib

from django import template
from django.utils.html import format_html

register = template.Library()

HASHES = "_lantern_style_hashes"


@register.tag
def inline_style(parser, token):
    nodelist = parser.parse(("endinline_style",))
    parser.delete_first_token()
    return InlineStyleNode(nodelist)


class InlineStyleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        css = self.nodelist.render(context)
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        request = context.get("request")
        if request is not None:
            hashes = getattr(request, HASHES, [])
            hashes.append(f"'sha256-{digest}'")
            setattr(request, HASHES, hashes)
        return format_html("<style>{}</style>", css)
