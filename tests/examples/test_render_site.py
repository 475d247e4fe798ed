"""The reference front end in examples/ renders the demo network from the public API alone."""

import subprocess
import sys
from pathlib import Path

import pytest

from sites.content.pages import NewsStoryPage

pytestmark = pytest.mark.django_db
SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "render_site.py"


def render(live_server, *args):
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "--api", f"{live_server.url}/api", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_the_example_renders_a_home_page_and_a_story(live_demo):
    live_server = live_demo
    story = NewsStoryPage.objects.live().get(slug="mayas-story")

    home = render(live_server, "--site", "harbor.localhost")
    page = render(live_server, "--site", "harbor.localhost", "--path", story.get_url_parts()[2])

    assert "<h1>Harbor Light Alliance</h1>" in home
    assert 'href="tel:+18883737888"' in home and 'href="tel:+12135550142"' in home
    assert "Donate</a>" in home
    assert "Maya" in page and 'href="sms:233733?&amp;body=BEFREE"' in page
