"""People management per agency: moderators invite, deactivate and place their own agency's staff.

Wagtail's user permissions are global: a user with "change user" may edit anyone, and make
anyone an administrator. Lantern narrows them: a moderator manages only people whose every
group belongs to an agency they moderate, may only put people in those groups, and never
sees the administrator switch. Network administrators manage everyone but superusers.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users import forms as user_forms
from wagtail.users.views import users as user_views

from sites.agencies.permissions import InstancePermissionMixin
from sites.agencies.tenancy import is_network_admin, moderated_agencies

User = get_user_model()


def manageable_groups(user):
    """Groups the user may put people in: all for network admins, else their agencies' two groups."""
    if is_network_admin(user):
        return Group.objects.all()
    agencies = moderated_agencies(user)
    return Group.objects.filter(Q(editors_of__in=agencies) | Q(moderators_of__in=agencies))


def manageable_people(user):
    """People the user may see and change: never superusers unless they are one themselves."""
    if user.is_superuser:
        return User.objects.all()
    people = User.objects.exclude(is_superuser=True)
    if is_network_admin(user):
        return people
    allowed = manageable_groups(user)
    return (
        people.filter(groups__in=allowed)
        .exclude(groups__in=Group.objects.exclude(pk__in=allowed.values("pk")))
        .distinct()
    )


class AgencyUserPermissionPolicy(ModelPermissionPolicy):
    """Model permissions on users, narrowed to the people a moderator's agencies employ."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        return manageable_people(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return User.objects.none()
        return manageable_people(user)


class AgencyPeopleFormMixin:
    """Only superusers see the administrator switch; moderators pick among their agencies' groups."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_user is None or for_user.is_superuser:
            return
        self.fields.pop("is_superuser", None)
        groups = self.fields.get("groups")
        if groups is not None and not is_network_admin(for_user):
            groups.queryset = manageable_groups(for_user)
            groups.required = True
            groups.help_text = (
                "Your agency's Editors write and submit; its Moderators review and publish."
            )


class UserCreationForm(AgencyPeopleFormMixin, user_forms.UserCreationForm):
    pass


class UserEditForm(AgencyPeopleFormMixin, user_forms.UserEditForm):
    pass


class FormForUserMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class IndexView(user_views.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=manageable_people(self.request.user).values("pk"))
        )


class CreateView(FormForUserMixin, user_views.CreateView):
    pass


class EditView(InstancePermissionMixin, FormForUserMixin, user_views.EditView):
    instance_action = "change"


class AgencyUserViewSet(user_views.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm
