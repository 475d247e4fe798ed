"""Who belongs to which agency site: the Agency record, and questions asked of it on every admin request.

Wagtail's own multi-tenancy stops at pages and collections; everything per-agency beyond that
(snippets, settings, people, history) asks these functions.
"""

from django.db import models
from django.db.models import Q

from wagtail.models import Site

NETWORK_ADMINS = "Network administrators"


class Agency(models.Model):
    """One partner agency: its site, its people's groups, its media collection and its review workflow."""

    site = models.OneToOneField("wagtailcore.Site", on_delete=models.CASCADE, related_name="agency")
    editors = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="editors_of"
    )
    moderators = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="moderators_of"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.PROTECT, related_name="+"
    )
    workflow = models.ForeignKey("wagtailcore.Workflow", on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "agency_sites_agency"  # its table from before sites/ was split into apps
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.site.site_name


def is_network_admin(user) -> bool:
    """Superusers and members of the Network administrators group act across every site."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cache = "_lantern_is_network_admin"
    if not hasattr(user, cache):
        setattr(user, cache, user.groups.filter(name=NETWORK_ADMINS).exists())
    return getattr(user, cache)


def agency_site_ids(user) -> frozenset[int]:
    """The sites whose agency the user works for (as editor or moderator); cached on the user."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cache = "_lantern_agency_site_ids"
    if not hasattr(user, cache):
        ids = Agency.objects.filter(Q(editors__user=user) | Q(moderators__user=user)).values_list(
            "site_id", flat=True
        )
        setattr(user, cache, frozenset(ids))
    return getattr(user, cache)


def moderated_agencies(user):
    """The agencies whose people this user may manage: the ones they moderate (all, for network admins)."""
    if is_network_admin(user):
        return Agency.objects.all()
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(moderators__user=user)


def sites_for(user):
    """Sites the user may act for: every site for network admins, else their agencies' sites."""
    if is_network_admin(user):
        return Site.objects.all()
    return Site.objects.filter(pk__in=agency_site_ids(user))


def owned_by_user_q(user, field="owner") -> Q:
    """Objects the user may change: any for network admins, else those owned by their agencies."""
    if is_network_admin(user):
        return Q()
    return Q(**{f"{field}__in": agency_site_ids(user)})


def usable_by_user_q(user, field="owner") -> Q:
    """Objects the user may see and choose: their agencies' own plus the network's (no owner)."""
    if is_network_admin(user):
        return Q()
    return Q(**{f"{field}__in": agency_site_ids(user)}) | Q(**{f"{field}__isnull": True})
