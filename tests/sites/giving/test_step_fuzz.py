"""Whatever a donor (or anyone) sends the donation step, it answers with the form or its
errors, never a server error, and never says their markup back unescaped."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import site_client

from .conftest import HARBOR, give_page

pytestmark = pytest.mark.django_db

typed = st.text(max_size=40)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=typed, other=typed, frequency=typed, post=st.booleans())
@example(amount="<b>5</b>", other="<script>x</script>", frequency="monthly", post=False)
@example(amount="50", other="٣٠", frequency="once", post=True)  # digits of another script
@example(amount="²", other="", frequency="once", post=False)
@example(amount="99999999999999999999", other="", frequency="", post=True)
def test_the_step_answers_anything_with_the_form_or_its_errors(amount, other, frequency, post):
    appeal = give_page(HARBOR).appeal
    donor = site_client(HARBOR)
    data = {"amount": amount, "other": other, "frequency": frequency}
    url = f"/en/give/{appeal.pk}/"
    response = donor.post(url, data) if post else donor.get(url, data)
    assert response.status_code in (200, 303, 400)
    html = response.content.decode()
    assert "<script>x</script>" not in html and "<b>5</b>" not in html
