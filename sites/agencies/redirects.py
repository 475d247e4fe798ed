"""Redirects per agency: moderators manage the redirects of their own site, and see no one else's.

Wagtail's redirect admin is model-wide (and "all sites" redirects touch every agency), so
Lantern mounts these views at Wagtail's own addresses: listings filtered to the agency's
sites, forms that offer only those sites, and a per-object check on edit and delete.
Redirects for all sites, and bulk imports, stay with network administrators.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path

from wagtail.contrib.redirects import views as redirect_views
from wagtail.contrib.redirects.forms import RedirectForm
from wagtail.permission_policies import ModelPermissionPolicy

from sites.agencies.permissions import InstancePermissionMixin
from sites.agencies.tenancy import agency_site_ids, is_network_admin, sites_for


class AgencyRedirectPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        return is_network_admin(user) or instance.site_id in agency_site_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        if is_network_admin(user):
            return self.model.objects.all()
        return self.model.objects.filter(site_id__in=agency_site_ids(user))


class AgencyRedirectForm(RedirectForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and not is_network_admin(self.for_user):
            site = self.fields["site"]
            site.queryset = sites_for(self.for_user)
            site.required = True
            site.empty_label = None


class IndexView(redirect_views.IndexView):
    def get_base_queryset(self):
        own = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change"]
        )
        return super().get_base_queryset().filter(pk__in=own.values("pk"))


class CreateView(redirect_views.CreateView):
    form_class = AgencyRedirectForm


class EditView(InstancePermissionMixin, redirect_views.EditView):
    form_class = AgencyRedirectForm
    instance_action = "change"


class DeleteView(InstancePermissionMixin, redirect_views.DeleteView):
    instance_action = "delete"


def network_admins_only(view):
    """Imports can name any site; only network administrators may run them."""

    def wrapped(request, *args, **kwargs):
        if not is_network_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# Mounted at admin/redirects/ before Wagtail's admin URLs (cms/urls.py); same paths and order.
urlpatterns = [
    path("", IndexView.as_view()),
    path("results/", IndexView.as_view(results_only=True)),
    path("add/", CreateView.as_view()),
    path("<int:redirect_id>/", EditView.as_view()),
    path("<int:redirect_id>/delete/", DeleteView.as_view()),
    path("import/", network_admins_only(redirect_views.start_import)),
    path("import/process/", network_admins_only(redirect_views.process_import)),
]
