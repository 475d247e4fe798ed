"""Editors get Wagtail's user bar on reader pages; readers never do."""

import pytest

from django.test import Client

pytestmark = pytest.mark.django_db


def test_editors_see_the_userbar_and_readers_do_not(admin_user):
    editor = Client(HTTP_HOST="harbor.localhost")
    editor.force_login(admin_user)
    assert b"wagtail-userbar" in editor.get("/en/").content
    assert b"wagtail-userbar" not in Client(HTTP_HOST="harbor.localhost").get("/en/").content
