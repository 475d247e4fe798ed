from django.apps import AppConfig

from wagtail.users import apps as wagtail_users_apps


class SitesConfig(AppConfig):
    name = "sites"
    # "sites" is django.contrib.sites' label; ours must not clash with it.
    label = "agency_sites"
    verbose_name = "Agency sites"
    default = True  # this module holds a second AppConfig, below

    def ready(self):
        from blocks import translated

        from . import chrome
        from .context_processors import build_chrome

        # The site's chrome is built from everything a page shows, and keeps the snippets
        # blocks choose (sites.chrome): registered here, so that neither imports the other.
        chrome.builds_with(build_chrome)
        translated.keeps_chosen_in(chrome.kept_chosen)

        from django.db.models.signals import post_migrate

        from .languages import ensure_locales

        post_migrate.connect(ensure_locales, sender=self)

        from django.db.models.signals import post_save

        from blocks.translated import synchronise_translations

        from .help.models import HelpResource
        from .pages import HomePage
        from .translation.trees import extend_agency_rights

        post_save.connect(extend_agency_rights, sender=HomePage)
        # A resource's new number reaches its translations at once, as a hotline's does.
        post_save.connect(synchronise_translations, sender=HelpResource)

        from django.db.models.signals import pre_save

        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import UploadedFile

        from .privacy import documents as document_privacy
        from .privacy import media

        # Photos lose their location, camera and other metadata before they are stored, and
        # an editor uploading a document that names its author is warned (sites.privacy).
        pre_save.connect(media.strip_image_metadata, sender=get_image_model())
        pre_save.connect(media.strip_uploaded_image_metadata, sender=UploadedFile)
        pre_save.connect(document_privacy.warn_of_authors, sender=get_document_model())
        pre_save.connect(document_privacy.warn_of_authors_in_upload, sender=UploadedFile)

        from wagtail.signals import page_unpublished

        from .pages import NewsStoryPage
        from .privacy import consent

        # A story whose consent has ended takes its translations down with it, and its
        # agency's moderators are told (sites.privacy.consent).
        page_unpublished.connect(consent.story_unpublished, sender=NewsStoryPage)

        from django.db.models.signals import post_init

        from .caching import invalidation, tags

        # The page cache: what each page shows is noted as it loads, and purged when it
        # changes (sites.caching).
        post_init.connect(tags.note_loaded, dispatch_uid="lantern_cache_loaded")
        invalidation.connect()


class LanternUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user admin, with each agency's moderators managing their own people only."""

    default = False
    user_viewset = "sites.agencies.people.AgencyUserViewSet"
