"""`manage.py create_agency_site`: a partner agency's branded site, people's groups and review workflow, in one step."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.agencies.onboarding import SiteExists, create_agency_site
from sites.privacy.gate import PrivacyHeld


class Command(BaseCommand):
    help = (
        "Create an agency site: its home page, branding, media collection, Editors and Moderators "
        "groups limited to it, and its review workflow. All of it, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", required=True, help='The agency\'s name, e.g. "Harbor Light Alliance".'
        )
        parser.add_argument(
            "--hostname",
            required=True,
            help="The host name it answers on, e.g. harbor.example.org.",
        )
        parser.add_argument(
            "--port", type=int, default=80, help="Port, when not the standard one (default 80)."
        )
        parser.add_argument(
            "--locale",
            default=None,
            help="Language code of the home page (default: the default language).",
        )
        parser.add_argument(
            "--colour", dest="primary_colour", default=None, help="Primary colour, e.g. #1d3557."
        )
        parser.add_argument(
            "--accent", dest="accent_colour", default=None, help="Accent colour, e.g. #ffd166."
        )
        parser.add_argument("--tagline", default=None, help="Under the site's name on every page.")
        parser.add_argument(
            "--state",
            default=None,
            help="The state the agency serves, as a two-letter code (e.g. CA): ZIP code examples "
            "for its readers, and its state's help line at the top of every page.",
        )
        parser.add_argument(
            "--default", action="store_true", help="Make this the site for unknown host names."
        )

    def handle(self, *args, name, hostname, port, locale, default, **options):
        branding = {
            key: options[key] for key in ("primary_colour", "accent_colour") if options[key]
        }
        if options["tagline"]:
            branding["tagline"] = options["tagline"]
        if options["state"]:
            branding["state"] = options["state"].strip().upper()
        try:
            site = create_agency_site(
                name=name,
                hostname=hostname,
                port=port,
                locale=locale,
                is_default=default,
                **branding,
            )
        except SiteExists as error:
            raise CommandError(str(error)) from None
        except PrivacyHeld as error:
            # The home page's words are screened like any page's before they go live.
            raise CommandError(
                f"Nothing was created. {error} Reach readers' phone lines through a hotline "
                "(Shared content → Hotlines), not in the site's words."
            ) from None
        except ValidationError as error:
            messages = (
                [f"{field}: {'; '.join(errors)}" for field, errors in error.message_dict.items()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError("Nothing was created. " + " ".join(messages)) from None
        agency = site.agency
        self.stdout.write(self.style.SUCCESS(f"Created {site.site_name} on {site.hostname}:"))
        self.stdout.write(f"  home page      {site.root_page.title} (id {site.root_page_id})")
        self.stdout.write(f"  groups         {agency.editors.name}, {agency.moderators.name}")
        self.stdout.write(f"  collection     {agency.collection.name}")
        self.stdout.write(f"  workflow       {agency.workflow.name}")
