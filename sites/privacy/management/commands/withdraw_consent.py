"""`manage.py withdraw_consent PAGE_ID [--on YYYY-MM-DD]`: a survivor has withdrawn consent; take their story down now."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.content.pages import NewsStoryPage
from sites.privacy import consent


class Command(BaseCommand):
    help = (
        "Record that consent for a story was withdrawn, on the live page and its latest draft "
        "and on its translations, so that no draft publishes it again; unpublish them at once "
        "(from partner sites too), and tell the agency's moderators."
    )

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int, help="The story's page id (in its admin address).")
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day consent was withdrawn, YYYY-MM-DD; today if left out.",
        )

    def handle(self, *args, page_id, on, **options):
        page = NewsStoryPage.objects.filter(pk=page_id).first()
        if page is None:
            raise CommandError(f"No news story has the id {page_id}.")
        try:
            unpublished = consent.withdraw(page, on or consent.today())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        page.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Consent for “{page.title}” recorded as withdrawn on {page.consent_withdrawn_on}."
            )
        )
        for story in unpublished:
            self.stdout.write(f"Unpublished: “{story.title}” ({story.locale.language_code}).")
        if not unpublished:
            self.stdout.write("Nothing was live: nothing to unpublish.")
