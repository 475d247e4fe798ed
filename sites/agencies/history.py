"""The site history report, per agency: a moderator sees their own agency's history, not a partner's.

Wagtail shows every log entry of a non-page model to anyone holding any permission on that
model; Lantern grants agencies model-wide snippet and user permissions (narrowed per object
elsewhere), so the report narrows those entries to the objects the agency owns.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from wagtail.admin.views.reports import audit_logging
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.people import manageable_people
from sites.agencies.tenancy import Agency, agency_site_ids, is_network_admin
from sites.agencies.walls import visible_people
from sites.content.branding import SiteBranding


def own_model_log_entries_q(user) -> Q:
    """Log entries of the objects the user's agencies own: snippets, media, branding, people."""
    site_ids = agency_site_ids(user)
    collections = Agency.objects.filter(site_id__in=site_ids).values("collection_id")
    owned = {
        Hotline: Hotline.objects.filter(owner_id__in=site_ids),
        DonationAppeal: DonationAppeal.objects.filter(owner_id__in=site_ids),
        SiteBranding: SiteBranding.objects.filter(site_id__in=site_ids),
        get_image_model(): get_image_model().objects.filter(collection_id__in=collections),
        get_document_model(): get_document_model().objects.filter(collection_id__in=collections),
        get_user_model(): manageable_people(user),
    }
    q = Q(pk__in=[])
    for model, objects in owned.items():
        ids = [str(pk) for pk in objects.values_list("pk", flat=True)]
        q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return q


def narrowed(user, queryset):
    if queryset.model is ModelLogEntry and not is_network_admin(user):
        return queryset.filter(own_model_log_entries_q(user))
    return queryset


class SiteHistoryFilterSet(audit_logging.SiteHistoryReportFilterSet):
    def get_user_choices(self):
        user = self.request.user
        if is_network_admin(user):
            return super().get_user_choices()
        people = visible_people(user).values("pk")
        return audit_logging.get_users_for_filter(user).filter(pk__in=people)


class AgencySiteHistoryView(audit_logging.LogEntriesView):
    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return narrowed(self.request.user, super().filter_queryset(queryset))
