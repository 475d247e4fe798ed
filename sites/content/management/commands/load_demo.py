"""`manage.py load_demo`: the demo network, an admin login and each agency's staff, safe to run again."""

import logging
import secrets
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from wagtail.models import Page

from sites.agencies.tenancy import Agency
from sites.content.demo import DEMO_DIR, load_network


@contextmanager
def log_lines_held_back(verbosity: int):
    """Loading writes an INFO line for each page published, translated and indexed (about 300
    of them, by Wagtail, wagtail-localize and Lantern): at the default verbosity they are held
    back for the run, and warnings and errors still show; `-v 2` shows them all."""
    if verbosity >= 2:
        yield
        return
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def pages_of(site) -> int:
    """The site's pages, in every language it is published in."""
    roots = Page.objects.get(pk=site.root_page_id).get_translations(inclusive=True)
    return sum(root.get_descendants(inclusive=True).count() for root in roots)


class Command(BaseCommand):
    help = "Load the demo network from fixtures/demo and make sure an admin login exists."

    def add_arguments(self, parser):
        parser.add_argument("--admin", default="admin", help="Username of the demo administrator.")
        parser.add_argument(
            "--password-file",
            default=str(Path(settings.BASE_DIR) / "var" / "demo-admin.txt"),
            help="Where the generated admin password is kept (git-ignored). Reused when present.",
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port shown in the printed URLs."
        )

    def handle(self, *args, admin, password_file, port, verbosity=1, **options):
        self.stdout.write(f"Loading the demo network from {DEMO_DIR}…")
        with log_lines_held_back(verbosity):
            sites = load_network()
        password = self.password(Path(password_file))
        self.ensure_user(admin, password, superuser=True)
        staff = []
        for agency in Agency.objects.select_related("site", "editors", "moderators").order_by(
            "site__hostname"
        ):
            prefix = agency.site.hostname.split(".")[0]
            for role, group in (("editor", agency.editors), ("moderator", agency.moderators)):
                staff.append(self.ensure_user(f"{prefix}-{role}", password, group=group))
        self.stdout.write(self.style.SUCCESS("The demo network is loaded:"))
        for site in sites:
            url = f"http://{site.hostname}:{port}/"
            self.stdout.write(f"  {site.site_name:<28} {url:<36} {pages_of(site)} pages")
        self.stdout.write(f"  {'Admin':<28} http://localhost:{port}/admin/")
        self.stdout.write(f"  login: {admin} / {password}   (kept in {password_file})")
        self.stdout.write(f"  each agency's staff, same password: {', '.join(staff)}")

    def password(self, password_file: Path) -> str:
        """A generated password, written to a private file; never a fixed one in the repository."""
        if password_file.exists():
            return password_file.read_text().strip()
        password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.touch(mode=0o600)
        password_file.write_text(password + "\n")
        return password

    def ensure_user(self, username: str, password: str, superuser=False, group=None) -> str:
        user, _ = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": username.split("-")[-1].title(), "last_name": "Demo"},
        )
        user.is_staff = user.is_superuser = superuser
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        if group is not None:
            user.groups.add(group)
        return username
