"""What readers may be served: checks Wagtail runs before it serves a page."""

from wagtail import hooks

from sites.content.visibility import refuse_expired
from sites.serving.languages import refuse_other_languages

# Readers get a page only in its own language, on a site published in it (sites.serving.languages).
hooks.register("before_serve_page", refuse_other_languages)
# …and not once it has expired, even before publish_scheduled unpublishes it (sites.content.visibility).
hooks.register("before_serve_page", refuse_expired)
