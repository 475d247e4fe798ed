"""Per-agency rules for shared snippets: who may see, choose, change and delete which ones.

Wagtail's snippet permissions are global per model. Lantern registers a permission policy
(Wagtail 8's policy registry) that adds ownership on top, and filters the admin's listings and
choosers, so that refusal is enforced in the views themselves, not by hiding buttons.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.blocks import BlockField
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views

from sites.agencies.tenancy import (
    agency_site_ids,
    is_network_admin,
    owned_by_user_q,
    sites_for,
    usable_by_user_q,
)

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
        if self.is_bound:
            self.count_streams()
        user = self.for_user
        if "owner" in self.fields and user is not None and not is_network_admin(user):
            field = self.fields["owner"]
            field.queryset = sites_for(user)
            field.required = True
            field.empty_label = None
            field.help_text = "The agency site this belongs to."

    def count_streams(self):
        """A post whose StreamField has no block count, or one that is not a number (not the
        admin's own form: a script, a stale tab) reads as an empty stream, so that the form
        answers with its errors instead of failing (a 500)."""
        missing = [
            key
            for name, field in self.fields.items()
            if isinstance(field, BlockField)
            and not str(self.data.get(key := f"{self.add_prefix(name)}-count", "")).isdigit()
        ]
        if missing:
            self.data = self.data.copy()
            for key in missing:
                self.data[key] = "0"


class UsableObjectsMixin:
    """Choosers list the user's agencies' snippets and the network's, never another agency's."""

    def get_object_list(self):
        return super().get_object_list().filter(usable_by_user_q(self.request.user))


class ChooseView(UsableObjectsMixin, snippet_chooser.ChooseView):
    pass


class ChooseResultsView(UsableObjectsMixin, snippet_chooser.ChooseResultsView):
    pass


class ChosenView(snippet_chooser.SnippetChosenView):
    """The chooser's answer for one id: another agency's snippet is not there (404)."""

    def get_object(self, pk):
        return self.model_class.objects.filter(usable_by_user_q(self.request.user)).get(pk=pk)


class ChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return super().get_objects(pks).filter(usable_by_user_q(self.request.user))


class ChooserCreateView(snippet_chooser.SnippetCreateView):
    """The chooser's create address, for a chooser that offers no creation form.

    These snippets are made in their own admin, where the owner is chosen; their choosers have
    no creation form, but Wagtail still routes the address, and a POST to it fails on the
    missing form (a 500). It answers as an address that is not there.
    """

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OwnedChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = ChooserCreateView


class InstancePermissionMixin:
    """Refuse a view of one object unless the policy allows `instance_action` on that object.

    Wagtail's generic object views check permissions per model only; Lantern's per-agency rules
    are per object, so the object itself is checked here. A snippet the user may see but not act
    on (the network's) is refused as Wagtail refuses; another agency's is not there for them
    (404), as it is missing from their listings and choosers.

    The views call get_object() with different signatures (the edit and delete views take
    Django's optional queryset, the history and usage views none), so the call is passed on as
    it came.
    """

    instance_action = "change"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy, user = self.permission_policy, self.request.user
        if policy.user_has_permission_for_instance(user, self.instance_action, obj):
            return obj
        if policy.user_has_any_permission_for_instance(user, READ_ACTIONS, obj):
            raise PermissionDenied
        raise Http404


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


def owner_column():
    """The listings' owner column, sorted by the owner's id: the same order as sorting by the
    owner (a site has no ordering of its own), and one the search backend can sort results by,
    as it sorts only by a declared FilterField's column (`owner_id`, not `owner`)."""
    return Column("owner", label="Owner", sort_key="owner_id")


class OwnedSnippetViewSet(snippet_views.SnippetViewSet):
    """A snippet admin that shows each user their agencies' snippets and the network's.

    Subclasses leave `search_fields` unset: the listing then searches the model's own index, as
    the chooser does. Naming fields there restricts the search to those columns, which the
    SQLite search backend's full-text table does not have (every search failed). What the
    listing filters and sorts by before searching must be a FilterField in the model's
    `search_fields`.
    """

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
