from django.apps import AppConfig
from django.db.models.signals import pre_save


class PrivacyConfig(AppConfig):
    """Survivor privacy: the review before publishing, clean uploads, and consent."""

    name = "sites.privacy"
    label = "lantern_privacy"
    verbose_name = "Survivor privacy"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import UploadedFile
        from wagtail.signals import page_unpublished

        from sites.content.pages import NewsStoryPage
        from sites.privacy import consent, media
        from sites.privacy import documents as document_privacy

        # Photos lose their location, camera and other metadata before they are stored, and
        # an editor uploading a document that names its author is warned.
        pre_save.connect(media.strip_image_metadata, sender=get_image_model())
        pre_save.connect(media.strip_uploaded_image_metadata, sender=UploadedFile)
        pre_save.connect(document_privacy.warn_of_authors, sender=get_document_model())
        pre_save.connect(document_privacy.warn_of_authors_in_upload, sender=UploadedFile)
        # A story whose consent has ended takes its translations down with it, and its
        # agency's moderators are told (sites.privacy.consent).
        page_unpublished.connect(consent.story_unpublished, sender=NewsStoryPage)
