"""`manage.py add_site_language --site HOST --locale es`: start publishing a site in another language."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from sites.translation.trees import add_site_language


class Command(BaseCommand):
    help = (
        "Add a language to a site: its home page is translated as a draft (with the agency's "
        "permissions and review workflow), and the language is added to its branding. Readers "
        "see it once the translated home page is published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="The site's host name.")
        parser.add_argument("--locale", required=True, help="A language code of LANTERN_LANGUAGES.")

    def handle(self, *args, site, locale, **options):
        found = Site.objects.filter(hostname=site).first()
        if found is None:
            raise CommandError(f"No site answers on '{site}'.")
        try:
            home = add_site_language(found, locale)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        state = "live" if home.live else "a draft: translate it, then a moderator publishes it"
        self.stdout.write(self.style.SUCCESS(f"{site} now has a '{locale}' home page ({state})."))
