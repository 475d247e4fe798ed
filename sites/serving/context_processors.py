"""What every reader page needs to know about its site: branding, help lines, navigation.

Evaluated lazily: the admin renders templates through the same processors and must pay nothing.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.functional import cached_property

from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site

from blocks.hotline import Hotline
from blocks.translated import found_in_language
from sites.caching.tags import children, depends_on, model, one, site_roots
from sites.content.branding import SiteBranding
from sites.content.specific import specific_pages
from sites.content.visibility import privacy, readable
from sites.giving.donate import donate_url
from sites.serving.addresses import keep_site_root_paths
from sites.serving.chrome import Chrome, chrome_for, kept_snippet_models, shared_roots, site_for
from sites.serving.languages import SOURCE_LANGUAGE, home_pages


def help_hotlines(branding) -> list:
    """The help bar at the top of every page: the site's primary hotline; when that one is
    nationwide (or none is chosen), a line for the site's own area too (`local_line`), so a
    reader has a local number at once; then the national line(s) every page shows. One query,
    with their translations in the language being read."""
    primary_id = branding.primary_hotline_id
    depends_on(model(Hotline))  # a line pinned, or an agency's own line added, tomorrow
    source = Q(locale__language_code=SOURCE_LANGUAGE)
    wanted = (Q(pinned=True, owner__isnull=True) & source) | Q(pk=primary_id)
    if branding.site_id is not None:
        # Candidates for the area's line: the agency's own, and the network's for its state.
        area = Q(owner_id=branding.site_id)
        if branding.state:
            area |= Q(owner__isnull=True, states__contains=branding.state)
        wanted |= Q(coverage=Hotline.Coverage.STATE) & source & area
    found = found_in_language(Hotline.objects.filter(wanted).order_by("name"))
    primary = [pair for pair in found if pair[0].pk == primary_id]
    local = []
    if not primary or primary[0][0].coverage == Hotline.Coverage.NATIONAL:
        local = local_line([pair for pair in found if pair[0].pk != primary_id], branding)
    shown_already = {line.pk for line, _ in (*primary, *local)}
    pinned = [
        pair
        for pair in found
        if pair[0].pinned and pair[0].owner_id is None and pair[0].pk not in shown_already
    ]
    return [shown for _, shown in (*primary, *local, *pinned)]


def local_line(found: list, branding) -> list:
    """Of `found` ((line, shown) pairs), the one line for the site's own area, in a list (or
    none): the agency's own state line, else the network's line for the site's state; a line
    open 24/7 before others."""
    site_id, state = branding.site_id, branding.state

    def for_the_area(line) -> bool:
        if line.coverage != Hotline.Coverage.STATE:
            return False
        if line.owner_id is not None:
            return line.owner_id == site_id
        return bool(state) and state in {code.strip() for code in line.states.split(",")}

    candidates = [pair for pair in found if for_the_area(pair[0])]
    candidates.sort(key=lambda pair: (pair[0].owner_id != site_id, not pair[0].is_24_7))
    return candidates[:1]


def menu_pages(home) -> list:
    """The home page's children shown in menus."""
    depends_on(children(home))
    return list(readable(home.get_children()).in_menu())


class SiteContext:
    def __init__(self, request):
        self.request = request

    @cached_property
    def chrome(self):
        """What each worker keeps of the site (sites.serving.chrome), for anonymous readers."""
        return chrome_for(self.request)

    @cached_property
    def site(self):
        return site_for(self.request)

    @cached_property
    def branding(self):
        if not self.site:
            return SiteBranding()
        if self.site == site_for(self.request):
            return SiteBranding.for_request(self.request)  # shared with sites.serving.languages
        return SiteBranding.for_site(self.site)

    @cached_property
    def help_hotlines(self):
        if self.chrome is not None:
            return self.chrome.help_hotlines
        return help_hotlines(self.branding)

    @cached_property
    def has_local_line(self) -> bool:
        """Whether the help bar offers a line for the site's own area (`help_hotlines`); where
        it does not, the home page offers the find-help search in the first screen instead."""
        return any(line.coverage != Hotline.Coverage.NATIONAL for line in self.help_hotlines)

    @cached_property
    def local_line(self):
        """The help bar's line for the site's own area, if it has one: the home page's hero
        names it beside its number."""
        return next(
            (line for line in self.help_hotlines if line.coverage != Hotline.Coverage.NATIONAL),
            None,
        )

    @property
    def quick_exit_url(self):
        return settings.QUICK_EXIT_URL

    @cached_property
    def home(self):
        """The site's home page in the language being read (the source language's otherwise):
        it also holds the words every page shows (tagline, donate button, footer, safety note)."""
        if self.chrome is not None:
            return self.chrome.home
        if not self.site:
            return None
        language = translation.get_language()
        if language != SOURCE_LANGUAGE:
            home = home_pages(self.site, self.request).get(language)
            if home is not None:
                return home.specific
        return self.site.root_page.specific

    @cached_property
    def donate_url(self) -> str:
        """Where the Donate buttons lead: the site's donation step where it takes gifts online,
        else the branding's donate link; "" for no button (sites.giving.donate)."""
        if self.chrome is not None:
            return self.chrome.donate_url
        return donate_url(self.site, self.home, self.branding)

    @cached_property
    def home_url(self):
        return self.home.get_url(self.request) if self.home else "/"

    @cached_property
    def navigation(self):
        """The home page's children shown in menus, marking the section the reader is in."""
        if self.chrome is not None:
            links = self.chrome.navigation
        elif not self.site:
            return []
        else:
            links = [(page.title, page.get_url(self.request)) for page in menu_pages(self.home)]
        return [
            {"title": title, "url": url, "current": self.request.path.startswith(url)}
            for title, url in links
        ]


def site_context(request):
    return {"lantern": SiteContext(request)}


def build_chrome(request) -> Chrome | None:
    """The chrome of the request's site in the language being read (sites.serving.chrome)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    branding = SiteBranding.for_site(site)
    homes = home_pages(site)
    root = site.root_page.localized.specific
    depends_on(children(root), model(PageViewRestriction))  # a child published, a page made private
    depends_on(site_roots())  # bumped whenever Wagtail forgets its own copy (caching.invalidation)
    depends_on(*(model(kept) for kept in kept_snippet_models()))  # Chrome.chosen
    if branding.logo_id:
        # The logo's {% image %} is in markup kept with the chrome, which never loads the image
        # itself: a new file (a new rendition address) must make a new chrome.
        depends_on(one(get_image_model(), branding.logo_id))
    if branding.share_image_id:  # likewise the sharing image's address (og:image)
        depends_on(one(get_image_model(), branding.share_image_id))
    roots = shared_roots(Site.get_site_root_paths())
    keep_site_root_paths(request, roots)  # for the menu's links below
    found = specific_pages(
        root.get_children().select_related("locale").annotate(**privacy()),
        root.specific_class.allowed_subpage_models(),
    )
    root_children = {child.slug: child for child in found}
    language = translation.get_language()
    home = homes.get(language) if language != SOURCE_LANGUAGE else None
    home = home or site.root_page.specific
    navigation = [(page.title, page.get_url(request)) for page in menu_pages(home)]
    hotlines = help_hotlines(branding)
    donate = donate_url(site, home, branding)
    return Chrome(
        site, branding, homes, root, root_children, home, navigation, hotlines, roots, donate
    )
