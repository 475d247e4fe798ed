"""The find-help page: a plain GET form and its results, on every site."""

from django.db import models
from django.utils.translation import gettext, ngettext

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from blocks.stream import BodyBlock
from sites.agencies.forms import AgencyPageForm
from sites.api.preview import HeadlessPreviewMixin
from sites.content.branding import SiteBranding
from sites.help.search import FindHelpForm, find_help
from sites.help.zips import example_zip
from sites.privacy.gate import PrivacyGateMixin
from sites.serving.routing import ReaderPageMixin


class FindHelpPage(PrivacyGateMixin, HeadlessPreviewMixin, ReaderPageMixin, Page):
    """Where readers find help for where they are: by ZIP code or state, kind and language."""

    base_form_class = AgencyPageForm

    intro = models.TextField(
        blank=True,
        help_text="A sentence above the form, e.g. 'Enter your ZIP code to find help near you.'",
    )
    body = StreamField(BodyBlock(), blank=True, help_text="More to say, below the results.")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["agency_sites.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "sites/pages/find_help_page.html"

    class Meta:
        db_table = "agency_sites_findhelppage"  # its table from before sites/ was split into apps
        verbose_name = "find help page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        asked = any(request.GET.get(name) for name in FindHelpForm.base_fields)
        example = example_zip(site_state(request))
        form = FindHelpForm(request.GET if asked else None, example_zip=example)
        filters = {}
        if asked:
            # A bad ZIP code is reported on its field; the reader's other answers still count.
            form.is_valid()
            filters = form.cleaned_data
        results = find_help(
            zip=filters.get("zip", ""),
            state=filters.get("state", ""),
            service=filters.get("service", ""),
            language=filters.get("language", ""),
            open_now=filters.get("open_now", False),
        )
        context.update(
            form=form,
            asked=asked,
            results=results,
            results_summary=summary(results) if results.state else "",
        )
        return context


def site_state(request) -> str:
    """The state the request's site serves (its branding's, which every page loads anyway)."""
    try:
        return SiteBranding.for_request(request).state
    except SiteBranding.DoesNotExist:  # no site answers (Wagtail's own previews, say)
        return ""


def summary(results) -> str:
    """The sentence a reader (and a screen reader, in the heading it is in) gets first after a
    search: how many places near them can help, before the national lines."""
    count = len(results.local) + len(results.state_hotlines) + len(results.statewide)
    if not count:
        return gettext("No local listings for this place yet.")
    if results.zip:
        return ngettext(
            "%(count)s place near %(zip)s can help.",
            "%(count)s places near %(zip)s can help.",
            count,
        ) % {"count": count, "zip": results.zip}
    return ngettext(
        "%(count)s place in %(state)s can help.",
        "%(count)s places in %(state)s can help.",
        count,
    ) % {"count": count, "state": results.state_name}
