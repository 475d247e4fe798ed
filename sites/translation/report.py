"""The translations report: per site, every page, hotline and appeal in each of its languages.

Shown to the people of the site's agency (network administrators: every site), under
Reports → Translations; the translation's own editor also warns when its source has moved on.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from sites.agencies.tenancy import sites_for
from sites.serving.languages import SOURCE_LANGUAGE
from sites.translation.status import MISSING, site_status, source_behind


def admin_url(status) -> str:
    """Where to work on it: the translation's editor, or wagtail-localize's translate form."""
    obj = status.target or status.source
    if isinstance(obj, Page):
        if status.target is not None:
            return reverse("wagtailadmin_pages:edit", args=[obj.pk])
        return reverse("wagtail_localize:submit_page_translation", args=[obj.pk])
    meta = obj._meta
    if status.target is not None:
        return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[obj.pk])
    return reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[meta.app_label, meta.model_name, obj.pk],
    )


def translations_report(request):
    sites = list(sites_for(request.user).select_related("root_page").order_by("hostname"))
    if not sites:
        raise PermissionDenied
    chosen = next((s for s in sites if s.hostname == request.GET.get("site")), sites[0])
    statuses = site_status(chosen)
    rows: dict = {}
    for status in statuses:
        row = rows.setdefault(
            id(status.source),
            {"source": status.source, "kind": status.source._meta.verbose_name, "cells": []},
        )
        row["cells"].append(
            {"status": status, "url": admin_url(status), "missing": status.state == MISSING}
        )
    counts: dict = {}
    for status in statuses:
        counts[status.state] = counts.get(status.state, 0) + 1
    return TemplateResponse(
        request,
        "sites/admin/translations_report.html",
        {
            "page_title": "Translations",
            "sites": sites,
            "site": chosen,
            "rows": rows.values(),
            "counts": sorted(counts.items()),
        },
    )


def warn_if_behind(request, page):
    """before_edit_page: a translation whose source has changed says so at the top of its editor."""
    if request.method == "GET" and page.locale.language_code != SOURCE_LANGUAGE:
        status = source_behind(page)
        if status is not None:
            messages.warning(
                request,
                f"This translation is out of date: {status.reason}. Use “Sync translated pages” "
                "on the original to bring in its changes, then translate them.",
            )


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        return sites_for(request.user).exists()


def menu_item():
    return TranslationsMenuItem(
        "Translations", reverse("lantern_translations_report"), icon_name="globe", order=700
    )
