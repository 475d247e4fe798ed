"""wagtail-localize's views, narrowed to what the user may edit, with nothing published past review.

wagtail-localize 1.14 checks one install-wide permission ("submit translation") before
translating or syncing any page or snippet, and a model-wide one before editing a snippet's
translation. On a shared install that would let one agency's editors translate, and write
into, another agency's pages and snippets. Lantern mounts these views at the same addresses
(`urlpatterns`, before wagtail-localize's own) with per-object checks, and takes away "Publish
immediately" when syncing translations: an update reaches readers only through review.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path

from wagtail.admin.auth import require_admin_access
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import Translation
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


def editable_translation(view):
    """`view`, one of wagtail-localize's views of a translation by its id, answered only when
    the user may edit the object the translation writes into (wagtail-localize checks the
    snippet's model only)."""

    @functools.wraps(view)
    def checked(request, translation_id, *args, **kwargs):
        translation = get_object_or_404(Translation, id=translation_id)
        if not user_can_edit_instance(request.user, translation.get_target_instance()):
            raise PermissionDenied
        return view(request, translation_id, *args, **kwargs)

    return require_admin_access(checked)


# Mounted at admin/localize/ ahead of wagtail-localize's own patterns (cms/urls.py).
urlpatterns = [
    path(
        "submit/page/<int:page_id>/",
        require_admin_access(SubmitPageTranslationView.as_view()),
    ),
    path(
        "submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
        require_admin_access(SubmitSnippetTranslationView.as_view()),
    ),
    path(
        "update/<int:translation_source_id>/",
        require_admin_access(UpdateTranslationsView.as_view()),
    ),
    *(
        path(f"translate/<int:translation_id>/{rest}", editable_translation(view))
        for rest, view in [
            ("strings/<int:string_segment_id>/edit/", edit_translation.edit_string_translation),
            ("overrides/<int:overridable_segment_id>/edit/", edit_translation.edit_override),
            ("pofile/download/", edit_translation.download_pofile),
            ("pofile/upload/", edit_translation.upload_pofile),
            ("machine_translate/", edit_translation.machine_translate),
            ("preview/", edit_translation.preview_translation),
            ("preview/<str:mode>/", edit_translation.preview_translation),
            ("disable/", edit_translation.stop_translation),
        ]
    ),
]
