"""Translation in the admin: review before a translation is published, and the report."""

from wagtail import hooks

from sites.translation import report
from sites.translation.review import submit_button

# "Submit translation for review" on translated pages (sites.translation.review).
hooks.register("register_page_header_buttons", submit_button)
hooks.register("register_page_listing_more_buttons", submit_button)

# Reports → Translations, and a warning on translations whose original has changed.
hooks.register("register_reports_menu_item", report.menu_item)
hooks.register("before_edit_page", report.warn_if_behind)
