"""What the caching tests share."""

import pytest


@pytest.fixture
def change(django_capture_on_commit_callbacks):
    """Runs an editor's change and commits it, as a request would (purges follow commits)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run
