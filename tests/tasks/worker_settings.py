"""Settings of the worker process that the task tests start (tests/tasks/conftest.py): the test
settings, on the tests' own database and media folder, which the tests pass in the environment."""

import json
import os

from cms.settings.test import *  # noqa: F403

DATABASES = {"default": {**json.loads(os.environ["LANTERN_TEST_DATABASE"]), "TEST": {}}}
MEDIA_ROOT = os.environ["LANTERN_TEST_MEDIA_ROOT"]
