"""API tokens for the management API, created and revoked in the admin, per person.

Wagtail 8 ships the token admin with its v3 API, where anyone who may change users may issue
a token for any non-superuser: a moderator at one agency could act as an editor of another.
Lantern registers the same admin with its owners narrowed: everyone manages their own tokens,
moderators also those of their own agency's people, network administrators anyone's but a
superuser's. A token acts with exactly its owner's permissions.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from wagtail.users.views import api_tokens

from sites.agencies.people import manageable_people

User = get_user_model()


def token_owners(user):
    """The people `user` may issue, rename and revoke tokens for."""
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    own = Q(pk=user.pk)
    if user.has_perm("auth.change_user"):
        own |= Q(pk__in=manageable_people(user).values("pk"))
    return User.objects.filter(own)


def may_manage_token(user, owner, permission: str) -> bool:
    return user.has_perm(permission) and token_owners(user).filter(pk=owner.pk).exists()


class OwnTokensMixin:
    def get_queryset(self):
        return (
            api_tokens.APIToken.objects.filter(user__in=token_owners(self.request.user))
            .select_related("user")
            .order_by("-created")
        )


class TokenFilterSet(api_tokens.APITokenFilterSet):
    user = api_tokens.MultipleUserFilter(
        label="User",
        field_name="user",
        queryset=lambda request: token_owners(request.user),
        widget=api_tokens.CheckboxSelectMultiple,
    )


class IndexView(OwnTokensMixin, api_tokens.IndexView):
    filterset_class = TokenFilterSet


class CreateView(api_tokens.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manageable_users": token_owners(self.request.user)}

    def form_valid(self, form):
        # The form only offers token_owners; checked again so a forged post cannot slip past.
        if not may_manage_token(
            self.request.user, form.cleaned_data["user"], "wagtailcore.add_apitoken"
        ):
            raise PermissionDenied
        return super().form_valid(form)


class EditView(OwnTokensMixin, api_tokens.EditView):
    pass


class RevokeView(OwnTokensMixin, api_tokens.RevokeView):
    pass


class TokenViewSet(api_tokens.APITokenViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = RevokeView
