"""Per-agency rules for shared snippets: who may see, choose, change and delete which ones.

Wagtail's snippet permissions are global per model. Lantern registers a permission policy
(Wagtail 8's policy registry) that adds ownership on top, and filters the admin's listings and
choosers, so that refusal is enforced in the views themselves, not by hiding buttons.
"""

from django.core.exceptions import PermissionDenied

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views

from .tenancy import agency_site_ids, is_network_admin, owned_by_user_q, sites_for, usable_by_user_q

# Actions that only read: an agency may do these with the network's snippets too.
READ_ACTIONS = {"view", "choose"}


class OwnedSnippetPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as Wagtail grants them, narrowed to the snippets the user's agency owns."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if is_network_admin(user) or instance.owner_id in agency_site_ids(user):
            return True
        return instance.owner_id is None and bool(READ_ACTIONS & set(actions))

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        if READ_ACTIONS & set(actions):
            return self.model.objects.filter(usable_by_user_q(user))
        return self.model.objects.filter(owned_by_user_q(user))


class OwnedSnippetForm(WagtailAdminModelForm):
    """Agency staff must give one of their own sites as owner; only network admins may leave it empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "owner" in self.fields and user is not None and not is_network_admin(user):
            field = self.fields["owner"]
            field.queryset = sites_for(user)
            field.required = True
            field.empty_label = None
            field.help_text = "The agency site this belongs to."


class UsableObjectsMixin:
    """Choosers list the user's agencies' snippets and the network's, never another agency's."""

    def get_object_list(self):
        return super().get_object_list().filter(usable_by_user_q(self.request.user))


class ChooseView(UsableObjectsMixin, snippet_chooser.ChooseView):
    pass


class ChooseResultsView(UsableObjectsMixin, snippet_chooser.ChooseResultsView):
    pass


class OwnedChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView


class InstancePermissionMixin:
    """Refuse a view of one object unless the policy allows `instance_action` on that object.

    Wagtail's generic edit and delete views check permissions per model only; Lantern's
    per-agency rules are per object, so the object itself is checked here.
    """

    instance_action = "change"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.instance_action, obj
        ):
            raise PermissionDenied
        return obj


class EditView(InstancePermissionMixin, snippet_views.EditView):
    instance_action = "change"


class DeleteView(InstancePermissionMixin, snippet_views.DeleteView):
    instance_action = "delete"


class InspectView(InstancePermissionMixin, snippet_views.InspectView):
    instance_action = "view"


class UsageView(InstancePermissionMixin, snippet_views.UsageView):
    instance_action = "view"


class HistoryView(InstancePermissionMixin, snippet_views.HistoryView):
    instance_action = "view"


class OwnedSnippetViewSet(snippet_views.SnippetViewSet):
    """A snippet admin that shows each user their agencies' snippets and the network's."""

    chooser_viewset_class = OwnedChooserViewSet
    edit_view_class = EditView
    delete_view_class = DeleteView
    inspect_view_class = InspectView
    usage_view_class = UsageView
    history_view_class = HistoryView
    inspect_view_enabled = True

    def get_queryset(self, request):
        return self.model.objects.filter(usable_by_user_q(request.user))

    def get_edit_handler(self):
        return ObjectList(self.model.panels, base_form_class=OwnedSnippetForm).bind_to_model(
            self.model
        )
