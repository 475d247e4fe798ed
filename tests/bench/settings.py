"""The production settings with the bench's app added, for `manage.py generate_content`.

tests/bench/run.py generates the synthetic network with these; gunicorn, the query probe and
everything else it measures run on cms.settings.production itself, without the bench app.
"""

from cms.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench"]  # noqa: F405
