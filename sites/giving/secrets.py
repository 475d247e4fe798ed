"""Each site's processor secrets, in a table of their own (registered through models.py)."""

from django.db import models


class ProcessorSecrets(models.Model):
    """A site's Stripe keys, in a table of their own: written through the giving settings'
    form, never rendered back; left out of backups (sites.backups) and of every serializer."""

    site = models.OneToOneField("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    stripe_secret_key = models.CharField(max_length=255, blank=True)
    stripe_webhook_secret = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "processor secrets"
        verbose_name_plural = "processor secrets"

    def __str__(self):
        return f"Processor secrets of site {self.site_id}"

    def __repr__(self):
        return f"<ProcessorSecrets of site {self.site_id}>"

    @classmethod
    def for_site(cls, site_id) -> "ProcessorSecrets":
        found = cls.objects.filter(site_id=site_id).first()
        return found if found is not None else cls(site_id=site_id)

    @property
    def stripe_ready(self) -> bool:
        return bool(self.stripe_secret_key and self.stripe_webhook_secret)


# Kept out of a backup's database copy (sites.backups.backup).
SECRET_TABLES = [ProcessorSecrets._meta.db_table]
