"""`manage.py generate_content`: a large synthetic network to measure Lantern against (`make bench`).

The bench's command (the dev-only app tests.bench): installed by the test settings and by
tests.bench.settings, which tests/bench/run.py generates with; the product does not have it.
"""

import logging
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tests.bench.synthetic import (
    DOMAIN,
    GenerationError,
    SiteReport,
    allowed,
    generate_network,
    hostname_for,
    make_renditions,
)


class Command(BaseCommand):
    help = (
        "Create N synthetic agency sites (site-1.bench.localhost, ...), each made by onboarding "
        "and given M live stories, written in bulk: 50 sites of 1,000 pages take minutes. "
        "Safe to run again: sites already there are kept, and topped up to M stories."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sites", type=int, default=1, help="How many sites (default 1).")
        parser.add_argument(
            "--pages-per-site",
            type=int,
            default=1000,
            help="Live stories per site, besides its home, index, find-help, give and about "
            "pages (default 1000).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed builds the same content."
        )
        parser.add_argument(
            "--domain",
            default=DOMAIN,
            help=f"Sites answer on site-N.DOMAIN (default {DOMAIN}, which ALLOWED_HOSTS' "
            "default '.localhost' lets in).",
        )
        parser.add_argument(
            "--renditions",
            action="store_true",
            help="Also make every picture size the sites' pages show, as the task worker does "
            "when a page is published (make bench: web workers then serve, not draw).",
        )

    def handle(self, *args, sites, pages_per_site, seed, domain, renditions=False, **options):
        if sites < 1 or pages_per_site < 0:
            raise CommandError("--sites must be at least 1 and --pages-per-site at least 0.")
        began = time.perf_counter()
        bar = ProgressBar(self.stderr, total=sites)
        bar.show(0, "")

        def progress(number: int, report: SiteReport) -> None:
            if report.created:
                what = f"{report.hostname}: created, {report.stories_added} stories"
            elif report.stories_added:
                what = f"{report.hostname}: {report.stories_added} stories added"
            else:
                what = f"{report.hostname}: already there"
            bar.show(number, f"{what} in {report.seconds:.2f} s")

        # Wagtail logs every page it creates and publishes: six lines a site, between the bar's.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(max(level, logging.WARNING))
        try:
            reports = generate_network(
                sites, pages_per_site, seed=seed, domain=domain, progress=progress
            )
        except (GenerationError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from None
        finally:
            wagtail_log.setLevel(level)
            bar.end()
        elapsed = time.perf_counter() - began
        created = [r for r in reports if r.created]
        added = sum(r.stories_added for r in reports)
        build = sum(r.seconds for r in reports if r.stories_added)
        self.stdout.write(
            self.style.SUCCESS(
                f"{sites} sites with {pages_per_site} stories each: {len(created)} created, "
                f"{sum(1 for r in reports if not r.created and r.stories_added)} topped up, "
                f"{added:,} stories written in {elapsed:.1f} s"
                + (f" ({added / build:,.0f} stories/s)" if added and build else "")
            )
        )
        if created:
            slowest = max(created, key=lambda r: r.seconds)
            self.stdout.write(
                f"  per new site: {sum(r.seconds for r in created) / len(created):.2f} s on "
                f"average, slowest {slowest.seconds:.2f} s ({slowest.hostname})"
            )
        if renditions:
            began = time.perf_counter()
            sizes = make_renditions(sites, domain)
            self.stdout.write(
                f"  picture sizes made or found for every live page: {sizes:,} in "
                f"{time.perf_counter() - began:.1f} s"
            )
        first, last = hostname_for(1, domain), hostname_for(sites, domain)
        self.stdout.write(f"  sites: http://{first}/ … http://{last}/")
        if not allowed(first):
            self.stdout.write(
                self.style.WARNING(
                    f"  ALLOWED_HOSTS does not let {first} in: add '.{domain}' to it "
                    "(the environment variable ALLOWED_HOSTS)."
                )
            )


class ProgressBar:
    """A plain progress bar on stderr: redrawn in place on a terminal, one line per step otherwise."""

    WIDTH = 30

    def __init__(self, stream, total: int):
        self.stream = stream
        self.total = total
        self.began = time.perf_counter()
        self.tty = stream.isatty()
        self.drawn = False

    def show(self, done: int, note: str) -> None:
        filled = self.WIDTH * done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.perf_counter() - self.began
        line = f"[{bar}] {done}/{self.total} sites  {elapsed:6.1f} s  {note}"
        if self.tty:
            self.stream.write(f"\r\033[K{line}", style_func=str, ending="")
            self.stream.flush()
            self.drawn = True
        elif done:
            self.stream.write(line, style_func=str)

    def end(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("", style_func=str)
