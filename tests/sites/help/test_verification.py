"""Re-verification (issue #25): resources unchecked for 12 months are listed for their agency; after
15 months readers stop seeing them (national hotlines excepted), and the log says so once."""

import datetime
import logging
import re
from pathlib import Path

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from wagtail.models import ModelLogEntry, Site

from sites.content.management.commands.run_scheduler import Command as Scheduler
from sites.help.pages import FindHelpPage
from sites.help.resources import HelpResource
from sites.help.verification import HIDDEN_LOG_ACTION, log_newly_hidden, months_after, months_before
from tests.conftest import committed, logged_in, site_client
from tests.test_settings import start

pytestmark = pytest.mark.django_db

LOGGER = "sites.help.verification"
REPORT_URL = reverse("lantern_help_reverification")
HARBOR, PINES = "harbor.localhost", "pines.localhost"
LA_ZIP = "90012"


def today() -> datetime.date:
    return timezone.localdate()


def ago(months: int, days: int = 0) -> datetime.date:
    return months_before(today(), months) + datetime.timedelta(days=days)


def resource(name, verified, *, host=HARBOR, area="local", services=("legal",), **fields):
    """A resource for Los Angeles (ZIP 900xx) unless told otherwise, checked as the admin checks."""
    item = HelpResource(
        owner=Site.objects.get(hostname=host) if host else None,
        organisation=name,
        services=list(services),
        phone="(213) 555-0190",
        area=area,
        zip_prefixes="900" if area == "local" else "",
        last_verified=verified,
        **fields,
    )
    item.full_clean()
    item.save()
    return item


# --- Calendar months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 6), 12, datetime.date(2025, 12, 6)),
        (datetime.date(2026, 1, 15), 13, datetime.date(2024, 12, 15)),
        (datetime.date(2026, 5, 31), 3, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 5, 31), 3, datetime.date(2024, 2, 29)),  # a leap year
        (datetime.date(2025, 2, 28), 12, datetime.date(2024, 2, 28)),
        (datetime.date(2025, 4, 30), 15, datetime.date(2024, 1, 30)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 3, 15), 12, datetime.date(2026, 3, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 3, 1)),  # no 29 February in 2025
        (datetime.date(2024, 2, 29), 48, datetime.date(2028, 2, 29)),
        (datetime.date(2024, 11, 30), 3, datetime.date(2025, 3, 1)),
        (datetime.date(2023, 11, 30), 3, datetime.date(2024, 3, 1)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 3, 1)),
        (datetime.date(2025, 12, 31), 15, datetime.date(2027, 3, 31)),
    ],
)
def test_months_after_is_the_first_day_that_many_months_on(day, months, expected):
    assert months_after(day, months) == expected


def test_due_and_hidden_dates_agree_with_the_cutoffs_around_month_ends_and_leap_days():
    """A resource is past the line (verified on or before the day `months` before today) from
    exactly the day months_after names: every day around every month end of a leap year."""
    first = datetime.date(2023, 11, 1)
    for offset in range(200):  # November 2023 to May 2024: 29 February and every month's end
        verified = first + datetime.timedelta(days=offset)
        for months in (1, 3, 12, 15):
            line = months_after(verified, months)
            for day in (line - datetime.timedelta(days=1), line, line + datetime.timedelta(1)):
                assert (verified <= months_before(day, months)) == (day >= line), (
                    verified,
                    months,
                    day,
                )


# --- Readers ----------------------------------------------------------------------------------


def reader_routes() -> list[tuple[str, str, dict]]:
    """Every address that shows readers help resources: each site's find-help page in each of
    its languages (live FindHelpPages, however many sites there are), and the public API's help
    search in each language, also at its /api/v2/help/ address."""
    routes = []
    for page in FindHelpPage.objects.live():
        site_id, _root, path = page.get_url_parts()
        routes.append((Site.objects.get(pk=site_id).hostname, path, {"zip": LA_ZIP}))
    assert len(routes) >= 5, "every demo site has a find-help page"
    for code in ("en", "es"):
        routes.append((HARBOR, "/api/help", {"zip": LA_ZIP, "locale": code}))
    routes.append((PINES, "/api/v2/help/", {"zip": LA_ZIP}))
    return routes


def shown_on(host: str, path: str, params: dict) -> str:
    response = site_client(host).get(path, params, follow=True)
    assert response.status_code == 200, (host, path)
    return response.content.decode()


def test_a_resource_unverified_for_15_months_is_on_no_readers_route_but_a_national_hotline_is():
    with committed():
        resource("Quillbrook Legal Aid", ago(14))  # still shown: the control
        resource("Marlowgate Legal Aid", ago(15))  # hidden from today on
        resource("Thistlemere Legal Aid", ago(16))
        resource("Vesperline Help Line", ago(40), host=None, area="national", services=["hotline"])
        resource("Corvath Immigration Desk", ago(16), host=None, area="national")
        resource("Ormsby Legal Aid", ago(1), status=HelpResource.Status.INACTIVE)
    for host, path, params in reader_routes():
        shown = shown_on(host, path, params)
        where = f"{host}{path}?{params}"
        assert "Quillbrook Legal Aid" in shown, where
        assert "Vesperline Help Line" in shown, f"{where}: a national hotline is always shown"
        for hidden in ("Marlowgate", "Thistlemere", "Corvath", "Ormsby"):
            assert hidden not in shown, f"{where} shows {hidden}"


def test_verifying_a_hidden_resource_again_shows_it_at_once():
    with committed():
        hidden = resource("Thistlemere Legal Aid", ago(16))
    assert "Thistlemere" not in shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})
    hidden.last_verified = today()
    with committed():  # saved as the admin's form saves it: the page listing it is purged
        hidden.save()
    assert "Thistlemere" in shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})


def test_the_thresholds_are_settings(settings):
    settings.LANTERN_HELP_REVERIFY_MONTHS = 2
    settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS = 3
    with committed():
        resource("Quillbrook Legal Aid", ago(2, days=1))  # within 3 months
        resource("Thistlemere Legal Aid", ago(3))
    shown = shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})
    assert "Quillbrook" in shown and "Thistlemere" not in shown


def test_thresholds_that_would_hide_a_resource_before_telling_its_agency_are_refused():
    result = start(
        "cms.settings.test",
        LANTERN_HELP_REVERIFY_MONTHS="16",
        LANTERN_HELP_HIDE_UNVERIFIED_MONTHS="15",
    )
    assert result.returncode != 0
    assert (
        "LANTERN_HELP_REVERIFY_MONTHS must be at least 1 and at most "
        "LANTERN_HELP_HIDE_UNVERIFIED_MONTHS (they are 16 and 15)"
    ) in result.stderr


# Modules that read help resources other than through find_help, and why readers never see
# what they read. A module added to read them fails the test below until it is listed here.
READ_ELSEWHERE = {
    "sites/help/search.py": "find_help: passes them through shown_to_readers (asserted below)",
    "sites/help/verification.py": "the rule itself: due, hidden, newly hidden",
    "sites/help/resources.py": "the model's own checks (unique references)",
    "sites/help/importer.py": "the CSV import: editors' data, checked and written",
    "sites/help/hsds/importer.py": "the HSDS import: partners' data, checked and written",
    "sites/help/hsds/api.py": "the HSDS exchange for partners: every service whatever its "
    "status, with its assured_date (last_verified), for partners to judge",
    "sites/help/hsds/compiled.py": "the records the HSDS exchange publishes (above)",
    "sites/content/demo.py": "the demo loader",
    "sites/privacy/screen.py": "the privacy screen: resources' e-mail addresses are not personal",
}


def test_every_module_that_reads_help_resources_is_known_and_find_help_uses_the_rule():
    root = Path(__file__).resolve().parents[3]
    reading = {
        str(path.relative_to(root))
        for folder in ("sites", "blocks")
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"HelpResource\.(objects|_default_manager)", path.read_text())
    }
    assert reading - READ_ELSEWHERE.keys() == set(), (
        "route what readers see through sites.help.verification.shown_to_readers, then list "
        "the module in READ_ELSEWHERE"
    )
    assert "shown_to_readers(" in (root / "sites/help/search.py").read_text()


# --- The agencies' report and dashboard -------------------------------------------------------


def report_rows(user) -> list[str]:
    response = logged_in(user).get(REPORT_URL)
    assert response.status_code == 200
    return [resource.organisation for resource in response.context["object_list"]]


def test_the_report_lists_an_agencys_own_due_resources_oldest_first(
    moderator_a, moderator_b, network_admin
):
    resource("Quillbrook Legal Aid", ago(11))  # not due yet
    due = resource("Marlowgate Legal Aid", ago(13))
    hidden = resource("Thistlemere Legal Aid", ago(16))
    resource("Ashgrove Legal Aid", ago(14), host=PINES)  # another agency's
    resource("Corvath Help Line", ago(20), host=None, area="national", services=["hotline"])
    resource("Ormsby Legal Aid", ago(30), status=HelpResource.Status.DEFUNCT)

    assert report_rows(moderator_a) == ["Thistlemere Legal Aid", "Marlowgate Legal Aid"]
    assert report_rows(moderator_b) == ["Ashgrove Legal Aid"]
    everyone = report_rows(network_admin)
    assert everyone.index("Corvath Help Line") < everyone.index("Thistlemere Legal Aid")
    assert "Ashgrove Legal Aid" in everyone
    assert "Quillbrook Legal Aid" not in everyone and "Ormsby Legal Aid" not in everyone

    html = logged_in(moderator_a).get(REPORT_URL).content.decode()
    assert "Ashgrove" not in html
    edit = reverse("wagtailsnippets_lantern_help_helpresource:edit", args=[due.pk])
    assert f'href="{edit}"' in html
    hidden_on = months_after(hidden.last_verified, 15)
    assert f"Hidden since {date_format(hidden_on)}" in html
    assert "Shown until" in html
    admin_html = logged_in(network_admin).get(REPORT_URL).content.decode()
    assert "Always shown: a national hotline" in admin_html


def test_the_report_exports_what_it_lists(moderator_a):
    resource("Marlowgate Legal Aid", ago(13))
    resource("Ashgrove Legal Aid", ago(14), host=PINES)
    response = logged_in(moderator_a).get(REPORT_URL, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Marlowgate Legal Aid" in text and "Ashgrove" not in text
    assert text.splitlines()[0].startswith("Reference,Organisation,Owner,Last verified,Readers")


def test_staff_who_cannot_change_help_resources_are_refused_the_report():
    user = get_user_model().objects.create_user("viewer", "viewer@example.org", "pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    response = logged_in(user).get(REPORT_URL)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert "Help resources to re-verify" not in logged_in(user).get("/admin/").content.decode()


def dashboard_panel(user) -> str:
    html = logged_in(user).get(reverse("wagtailadmin_home")).content.decode()
    found = re.search(r'<a href="/admin/help-directory/reverify/">([^<]*)</a>([^<]*)', html)
    return " ".join("".join(found.groups()).split()) if found else ""


def test_the_dashboard_counts_each_agencys_own(moderator_a, editor_a, moderator_b, network_admin):
    resource("Marlowgate Legal Aid", ago(13))
    resource("Thistlemere Legal Aid", ago(16))
    resource("Ashgrove Legal Aid", ago(14), host=PINES)
    assert dashboard_panel(moderator_a) == (
        "2 help resources need re-verifying: 1 of them is no longer shown to readers."
    )
    assert dashboard_panel(editor_a) == dashboard_panel(moderator_a)
    assert dashboard_panel(moderator_b) == "1 help resource needs re-verifying."
    assert dashboard_panel(network_admin).startswith("3 help resources need re-verifying")


def test_the_dashboard_says_nothing_when_nothing_is_due(moderator_a):
    resource("Quillbrook Legal Aid", ago(11))
    assert dashboard_panel(moderator_a) == ""


# --- The log ----------------------------------------------------------------------------------


def hidden_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_the_check_logs_each_newly_hidden_resource_once_without_personal_data(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    hidden = resource("Thistlemere Legal Aid", ago(15), email="intake@thistlemere.example.org")
    resource("Quillbrook Legal Aid", ago(15, days=1))  # hidden tomorrow
    resource("Corvath Help Line", ago(30), host=None, area="national", services=["hotline"])

    call_command("check_help_verification")
    call_command("check_help_verification")  # again the same day: nothing new

    site_id = Site.objects.get(hostname=HARBOR).pk
    assert hidden_lines(caplog) == [
        f"Help resource {hidden.pk} (thistlemere-legal-aid, owner site {site_id}) no longer "
        f"shown to readers: last verified {hidden.last_verified.isoformat()}, 15 months ago or "
        "more. Verifying it again shows it again."
    ]
    line = hidden_lines(caplog)[0]
    for private in ("Thistlemere Legal Aid", "555", "intake@", "Quillbrook"):
        assert private not in line
    history = ModelLogEntry.objects.filter(action=HIDDEN_LOG_ACTION)
    assert [(entry.object_id, entry.data["last_verified"]) for entry in history] == [
        (str(hidden.pk), hidden.last_verified.isoformat())
    ]

    # Tomorrow the other one crosses; a day missed is caught up, each still once.
    caplog.clear()
    log_newly_hidden(today() + datetime.timedelta(days=3))
    log_newly_hidden(today() + datetime.timedelta(days=3))
    assert [line.split(" (")[1].split(",")[0] for line in hidden_lines(caplog)] == [
        "quillbrook-legal-aid"
    ]


def test_a_resource_verified_again_and_lapsed_again_is_logged_again(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    hidden = resource("Thistlemere Legal Aid", ago(16))
    log_newly_hidden()
    HelpResource.objects.filter(pk=hidden.pk).update(last_verified=today())
    assert log_newly_hidden() == []
    later = months_after(today(), 15)
    assert hidden.pk in [r.pk for r in log_newly_hidden(later)]
    lines = [line for line in hidden_lines(caplog) if "(thistlemere-legal-aid," in line]
    assert [re.search(r"last verified (\S+),", line)[1] for line in lines] == [
        ago(16).isoformat(),
        today().isoformat(),
    ]


def test_the_history_of_a_hidden_resource_says_so(network_admin):
    hidden = resource("Thistlemere Legal Aid", ago(16))
    log_newly_hidden()
    url = reverse("wagtailsnippets_lantern_help_helpresource:history", args=[hidden.pk])
    html = logged_in(network_admin).get(url).content.decode()
    assert "Hidden from readers until it is verified again" in html


def test_the_check_purges_pages_kept_from_before_a_threshold_changed(settings):
    with committed():
        resource("Thistlemere Legal Aid", ago(14))
    assert "Thistlemere" in shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})
    settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS = 13
    settings.LANTERN_HELP_REVERIFY_MONTHS = 12
    # The page kept before the change still shows it (until midnight at the latest)...
    assert "Thistlemere" in shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})
    with committed():
        call_command("check_help_verification")
    assert "Thistlemere" not in shown_on(HARBOR, "/en/find-help/", {"zip": LA_ZIP})


def test_the_scheduler_runs_the_check_once_a_day(caplog, django_assert_num_queries):
    caplog.set_level(logging.INFO, logger=LOGGER)
    resource("Thistlemere Legal Aid", ago(16))
    call_command("run_scheduler", "--once")
    assert len(hidden_lines(caplog)) == 1

    scheduler = Scheduler()
    scheduler.help_checked_on = None
    scheduler.check_help_directory()
    with django_assert_num_queries(0):  # the same day: not asked again
        scheduler.check_help_directory()
