"""Translation with wagtail-localize, kept inside each agency's walls and its review workflow.

trees.py   a site's language: the translated home page, with the agency's permissions and workflow
guards.py  wagtail-localize's views mounted at their addresses with per-object checks; no publishing past review
review.py  "Submit translation for review": a finished translation enters the site's workflow
"""
