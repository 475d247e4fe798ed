from django.apps import AppConfig


class ServingConfig(AppConfig):
    """Serving readers: a site's chrome kept per worker, routing, languages, template tags."""

    name = "sites.serving"
    label = "lantern_serving"
    verbose_name = "Serving"

    def ready(self):
        from blocks import translated
        from sites.serving import chrome
        from sites.serving.context_processors import build_chrome

        # The site's chrome is built from everything a page shows, and keeps the snippets
        # blocks choose: registered here, so that neither blocks nor the chrome imports the other.
        chrome.builds_with(build_chrome)
        translated.keeps_chosen_in(chrome.kept_chosen)
