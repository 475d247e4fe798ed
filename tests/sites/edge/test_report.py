"""Reports → Edge purges: what the edge has not taken yet, shown to network administrators and
to nobody at an agency (the queue names every agency's pages)."""

from datetime import timedelta

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sites.edge.models import EdgePurge
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

REPORT = reverse("lantern_edge_purges")


@pytest.fixture
def queue():
    now = timezone.now()
    return {
        "pending": EdgePurge.objects.create(tags="obj:blocks.hotline:4\nmodel:blocks.hotline"),
        "failing": EdgePurge.objects.create(
            tags="page:12",
            attempts=3,
            last_error="Varnish: HTTP 503 Service Unavailable",
            next_attempt_at=now + timedelta(seconds=40),
        ),
        "sent": EdgePurge.objects.create(tags="page:99999", attempts=1, sent_at=now),
    }


def test_a_network_admin_sees_pending_and_failing_purges_and_not_sent_ones(
    network_admin, queue, settings
):
    settings.EDGE_CACHE = "varnish"
    response = logged_in(network_admin).get(REPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edge cache: varnish" in page
    assert "obj:blocks.hotline:4" in page and "Waiting to be sent" in page
    assert "Not taken after 3 attempts" in page
    assert "Varnish: HTTP 503 Service Unavailable" in page
    assert "page:99999" not in page
    reports_menu = logged_in(network_admin).get(reverse("wagtailadmin_home")).content.decode()
    assert REPORT in reports_menu


def test_a_superuser_sees_it_too(queue):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
    assert "page:12" in logged_in(root).get(REPORT).content.decode()


@pytest.mark.parametrize("who", ["editor_a", "moderator_a", "moderator_b"])
def test_agency_staff_may_not_see_it_nor_its_menu_item(who, request, queue):
    staff = logged_in(request.getfixturevalue(who))
    response = staff.get(REPORT)
    assert response.status_code in (302, 403)
    assert "page:12" not in response.content.decode()
    assert REPORT not in staff.get(reverse("wagtailadmin_home")).content.decode()


def test_readers_are_sent_to_sign_in(client, queue):
    response = client.get(REPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
