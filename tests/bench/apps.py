"""The bench as a dev-only Django app: `manage.py generate_content` and the synthetic network it
builds (tests.bench.synthetic). Installed by the test settings and by tests.bench.settings (what
`make bench` generates with), never by the product's own settings: no Lantern site needs it."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tests.bench"
    label = "bench"
    verbose_name = "Lantern bench (development only)"
