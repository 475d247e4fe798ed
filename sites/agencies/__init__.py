"""Partner agencies on one install: who belongs to which site, how a site is set up, and the
admin narrowed so that no agency sees or touches another's pages, snippets, media, people,
redirects or history."""
