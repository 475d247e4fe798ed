"""wagtail-localize's views, narrowed to what the user may edit, with nothing published past review.

wagtail-localize 1.14 checks one install-wide permission ("submit translation") before
translating or syncing any page or snippet, and a model-wide one before editing a snippet's
translation. On a shared install that would let one agency's editors translate, and write
into, another agency's pages and snippets. Lantern mounts these views at the same addresses
with per-object checks, and takes away "Publish immediately" when syncing translations: an
update reaches readers only through review.
"""

from django.core.exceptions import PermissionDenied

from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.views import edit_translation, submit_translations, update_translations


def user_can_edit_instance(user, instance) -> bool:
    """Pages by Wagtail's page permissions; snippets by their permission policy, per object
    (for hotlines and appeals, Lantern's ownership rules)."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return policy_registry.get_by_type(type(instance)).user_has_permission_for_instance(
        user, "change", instance
    )


class PerObjectMixin:
    def get_object(self):
        instance = super().get_object()
        if not user_can_edit_instance(self.request.user, instance):
            raise PermissionDenied
        return instance


class SubmitPageTranslationView(PerObjectMixin, submit_translations.SubmitPageTranslationView):
    pass


class SubmitSnippetTranslationView(
    PerObjectMixin, submit_translations.SubmitSnippetTranslationView
):
    pass


class DraftOnlyUpdateForm(update_translations.UpdateTranslationsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("publish_translations")

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["publish_translations"] = False
        return cleaned_data


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    def get_object(self):
        source = super().get_object()
        if not user_can_edit_instance(self.request.user, source.get_source_instance()):
            raise PermissionDenied
        return source

    def get_form(self):
        if self.request.method == "POST":
            return DraftOnlyUpdateForm(self.request.POST)
        return DraftOnlyUpdateForm()


def install():
    """Per-object checks for the views wagtail-localize routes itself (string edits, PO files,
    preview, stop): they call this module-level function by name."""
    edit_translation.user_can_edit_instance = user_can_edit_instance
