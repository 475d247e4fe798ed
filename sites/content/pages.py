"""Page types. Each declares where it may be created, so editors only see sensible choices."""

import json
import math

from django.core.paginator import Paginator
from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from blocks.stream import BodyBlock, ResourcesBlock
from sites.agencies.forms import AgencyPageForm
from sites.api.preview import HeadlessPreviewMixin
from sites.caching import memo
from sites.caching.tags import children, depends_on, model, one, tree
from sites.caching.tags import page as page_tag
from sites.content.feeds import AtomStoriesFeed, StoriesFeed
from sites.content.heroes import HeroImageText, hero_panels
from sites.content.sharing import partner_stories
from sites.content.specific import cards, prefetch_hero_renditions, specific_queryset, specific_rows
from sites.content.stories import by_story_date
from sites.content.visibility import readable
from sites.help.pages import FindHelpPage
from sites.privacy import consent
from sites.privacy.gate import PrivacyGateMixin
from sites.serving.routing import ReaderPageMixin

STORY_PAGE_TYPES = ["agency_sites.NewsStoryPage", "agency_sites.AwarenessArticlePage"]
TAGGING_ROWS = "_lantern_tagging_rows"  # a routed story's tags (NewsStoryPage.routed_with)
WORDS_PER_MINUTE = 200


class HomePage(HeroImageText, PrivacyGateMixin, HeadlessPreviewMixin, ReaderPageMixin, Page):
    """The root of one agency's site."""

    base_form_class = AgencyPageForm

    hero_heading = models.CharField(max_length=140, help_text="The first words readers see.")
    hero_text = models.TextField(blank=True, help_text="A sentence or two under the heading.")
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    featured = StreamField(
        [("story", wagtail_blocks.PageChooserBlock(page_type=STORY_PAGE_TYPES))],
        blank=True,
        max_num=3,
        help_text="Up to three stories to feature. Leave empty to show the three newest.",
    )
    body = StreamField(BodyBlock(), blank=True)
    # Words every page of the site shows. On the home page rather than in the site's settings,
    # so they are translated with it (Wagtail's settings are not: wagtail#11508) and a change
    # goes through review like any page.
    tagline = models.CharField(
        max_length=200, blank=True, help_text="Under the site's name on every page."
    )
    donate_label = models.CharField(
        max_length=40, default="Donate", help_text="The donate button's words."
    )
    footer_text = models.TextField(
        blank=True, help_text="A sentence or two at the foot of every page."
    )
    safety_message = models.CharField(
        max_length=300,
        blank=True,
        help_text="A short safety note on every page, e.g. how to leave the site quickly.",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), *hero_panels()],
            heading="Hero",
            help_text="The top of the home page: a picture, the first words, the site's donate "
            "button and its help line.",
        ),
        FieldPanel("featured"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("tagline"),
                FieldPanel("donate_label"),
                FieldPanel("footer_text"),
                FieldPanel("safety_message"),
            ],
            heading="Words on every page",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "agency_sites.NewsIndexPage",
        "lantern_help.FindHelpPage",
        "agency_sites.StandardPage",
        "agency_sites.DonationAppealPage",
    ]
    template = "sites/pages/home_page.html"

    def featured_stories(self, *, kept: bool = False):
        """The chosen stories that are live and public, or else the newest ones on this site.

        `kept`: for a reader of the live page, the stories a worker keeps for this home page,
        good while the tags of everything they were found from hold (`sites.caching.memo`, as a
        page's rendered body is kept): finding them is the costliest query of the page."""
        if kept:
            return memo.remembered(
                ("featured_stories", self.pk), self.featured_stories, entries=memo.BODIES
            )
        depends_on(page_tag(self.pk))  # the stories chosen are this page's own
        # The chosen ids as stored: the pages themselves come once, as cards (one query).
        chosen = [item["value"] for item in self.featured.raw_data if item["value"]]
        stories = readable(Page.objects).type(NewsStoryPage, AwarenessArticlePage)
        if chosen:
            depends_on(*(page_tag(pk) for pk in chosen))  # and when one comes back
            pages = {page.pk: page for page in story_cards(stories.filter(pk__in=chosen))}
            return [pages[pk] for pk in chosen if pk in pages]
        # The newest: a story published (or made private) anywhere on the site may be one.
        depends_on(tree(self), model(PageViewRestriction))
        newest = newest_stories(self.path, timezone.now())
        found = specific_rows(newest, story_types())
        prefetch_hero_renditions(found)
        return found

    def find_help_page(self):
        """The site's find-help page in this page's language, or None: where the help bar has no
        line for the site's own area, the home page's first screen offers its search."""
        depends_on(children(self))  # published or taken down later
        return readable(self.get_children()).type(FindHelpPage).first()

    def stories_in_body(self) -> set[int]:
        """The stories the body's own "related stories" blocks show, as stored."""
        return {
            # A list block's item, as the admin saves it ({"type": "item", "value": id}), or an id.
            item["value"] if isinstance(item, dict) else item
            for block in self.body.raw_data
            if block["type"] == "related_stories"
            for item in (block["value"] or {}).get("stories") or []
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        reader = self.live and not getattr(request, "is_preview", False)
        # A story the body lists already is not featured above it as well: a home page whose
        # body lists its newest stories showed each one twice.
        shown_below = self.stories_in_body()
        context["featured_stories"] = [
            story for story in self.featured_stories(kept=reader) if story.pk not in shown_below
        ]
        return context


def story_types() -> list:
    return [NewsStoryPage, AwarenessArticlePage]


def newest_stories(path: str, now):
    """The three newest stories and articles under the page at `path`, as cards (rows for
    `sites.content.specific.specific_rows`)."""
    # The three newest of each type, walking its table's index by date. The site's pages are
    # matched by prefix, which SQLite looks up in no index: it walks the dates, newest first,
    # and stops at the third of the site's, rather than sorting every story of the site.
    under = Q(path__startswith=path)
    each = [
        readable(story_type.objects, now).filter(under).order_by("-date", "-pk").values("pk")[:3]
        for story_type in story_types()
    ]
    if connections[router.db_for_read(Page)].features.supports_slicing_ordering_in_compound:
        # PostgreSQL: one list of ids, found by the page table's key. It answers an OR of two
        # IN lists by scanning every page of the install.
        newest = Q(pk__in=each[0].union(*each[1:], all=True))
    else:  # SQLite takes no LIMIT inside a UNION; it looks each IN list up by the key
        newest = Q()
        for ids in each:
            newest |= Q(pk__in=ids)
    stories = by_story_date(Page.objects.filter(newest))[:3]
    return specific_queryset(stories, story_types(), bodies=False)[0]


def story_cards(pages) -> list:
    """Stories and articles as their cards show them: specific, with their hero images and the
    images' sizes, in two queries however many there are (sites.content.specific)."""
    return cards(pages, [NewsStoryPage, AwarenessArticlePage])


class NewsIndexPage(
    PrivacyGateMixin, HeadlessPreviewMixin, RoutablePageMixin, ReaderPageMixin, Page
):
    """A listing of news stories, rescue updates and awareness articles, newest first."""

    base_form_class = AgencyPageForm

    intro = models.TextField(blank=True)
    per_page = 12

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "shared_stories",
            heading="Stories shared by partners",
            help_text="Stories other agencies share with the network, shown here from the time you choose. "
            "Readers follow them to the partner's site.",
        ),
    ]
    parent_page_types = ["agency_sites.HomePage"]
    subpage_types = STORY_PAGE_TYPES
    template = "sites/pages/news_index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(children(self))
        stories = by_story_date(readable(self.get_children()))
        tag = request.GET.get("tag", "").strip()
        if tag:
            stories = stories.filter(newsstorypage__tags__slug=tag)
        page = Paginator(stories, self.per_page).get_page(request.GET.get("page"))
        page.object_list = story_cards(page.object_list)
        context.update(stories=page, tag=tag, partner_stories=partner_stories(self))
        return context

    @path("feed/")
    def rss_feed(self, request):
        return StoriesFeed(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        return AtomStoriesFeed(self)(request)


class StoryPage(HeroImageText, PrivacyGateMixin, HeadlessPreviewMixin, ReaderPageMixin, Page):
    """Fields every story and article has. Abstract: shared, not a page type of its own."""

    base_form_class = AgencyPageForm

    date = models.DateField(
        "date", default=timezone.localdate, help_text="The date readers see on the story."
    )
    summary = models.TextField(
        max_length=400, help_text="One or two sentences for listings and previews."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="At the top of the story and on its card. Never a photo that could identify "
        "a survivor or where they live.",
    )
    body = StreamField(BodyBlock())

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["agency_sites.NewsIndexPage"]
    subpage_types = []

    class Meta:
        abstract = True
        # Newest first, as home pages and listings show them: the home page's newest stories
        # walk it and stop at the third.
        indexes = [models.Index(fields=["date", "page_ptr"], name="%(class)s_by_date")]

    # What kind of story a card names (a news story's kind); articles have none.
    kind_label = None


class NewsStoryTag(TaggedItemBase):
    content_object = ParentalKey(
        "agency_sites.NewsStoryPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def tag_rows(ids):
    """(story id, tag id, name, slug) for the tags of the stories `ids`, in the order they
    were added in, as `story.tags.all()` gives them."""
    return (
        NewsStoryTag.objects.filter(content_object_id__in=ids)
        .order_by("pk")
        .values_list("content_object_id", "tag_id", "tag__name", "tag__slug")
    )


class TaggingRows(models.Aggregate):
    """The tagging rows of a group as JSON text: [[row id, tag id, name, slug], …], in no
    order (SQLite before 3.44 cannot order inside an aggregate): sorted by row id after."""

    function = "JSON_GROUP_ARRAY"
    template = "%(function)s(JSON_ARRAY(%(expressions)s))"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="JSON_AGG",
            template="%(function)s(JSON_BUILD_ARRAY(%(expressions)s))::text",
            **extra_context,
        )


def tagging_rows():
    """The tags of the page of the row being selected, as `TaggingRows` (None for none)."""
    return models.Subquery(
        NewsStoryTag.objects.filter(content_object_id=models.OuterRef("pk"))
        .order_by()
        .values("content_object_id")
        .annotate(rows=TaggingRows("pk", "tag_id", "tag__name", "tag__slug"))
        .values("rows")
    )


def tags_in(rows: str | None) -> list[tuple[str, str]]:
    """(name, slug) of each tag in `tagging_rows`' JSON, in the order they were added, declared
    to the page cache as `tags_of` declares them."""
    found = sorted(json.loads(rows)) if rows else []
    depends_on(*(one(Tag, tag) for _, tag, _, _ in found))
    return [(name, slug) for _, _, name, slug in found]


def tags_of(story_ids) -> dict[int, list[tuple[str, str]]]:
    """story id -> (name, slug) of each of its published tags, in one query compiled once per
    worker (no object made for each tag and each tagging row). The tags shown are declared to
    the page cache: a tag renamed purges the pages that show it."""
    found, shown = {}, set()
    ids = sorted(set(story_ids))
    if ids:
        for story, tag, name, slug in tag_rows(ids):
            found.setdefault(story, []).append((name, slug))
            shown.add(one(Tag, tag))
        depends_on(*shown)
    return found


class NewsStoryPage(StoryPage):
    """A news story, rescue update or community story."""

    class Kind(models.TextChoices):
        # Shown to readers with each story: translated with the templates' words.
        RESCUE_UPDATE = "rescue_update", _("Rescue update")
        NEWS = "news", _("News")
        COMMUNITY_STORY = "community_story", _("Community story")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    names_changed = models.BooleanField(
        "names have been changed",
        default=False,
        help_text="Tick when the story is about a survivor: it shows readers that names were changed "
        "to protect their identity. Never publish a survivor's real name.",
    )
    tags = ClusterTaggableManager(through=NewsStoryTag, blank=True)
    share_with_network = models.BooleanField(
        "share with the network",
        default=False,
        help_text="Partner agencies may then show this story on their sites, linking back to it here. "
        "Only the published version is ever shown; unpublishing it removes it everywhere.",
    )
    # The consent a story about a survivor rests on (sites.privacy.consent). Kept on the page,
    # so it travels with each revision and reaches translations unchanged; never shown to readers.
    consent_given_by = models.CharField(
        "consent given by",
        max_length=120,
        blank=True,
        help_text="Who gave consent, described so that no one can tell who they are, e.g. "
        "“The survivor, in writing” or “Her guardian, in writing”. Never a name.",
    )
    consent_given_on = models.DateField(
        "consent given on", null=True, blank=True, help_text="The day consent was given."
    )
    consent_expires_on = models.DateField(
        "consent ends on",
        null=True,
        blank=True,
        help_text="The last day the story may be published: at most three years after consent "
        "was given. The next day it is unpublished by itself, here and on partner sites.",
    )
    consent_withdrawn_on = models.DateField(
        "consent withdrawn on",
        null=True,
        blank=True,
        help_text="The day the survivor (or whoever gave consent) took it back, if they did. "
        "From that day the story is unpublished everywhere, and a published withdrawal stays "
        "until consent is given again on a later day.",
    )

    @property
    def kind_label(self):
        return self.get_kind_display()

    @classmethod
    def routed_with(cls) -> dict:
        """Brought with the story when an address is routed to it (sites.serving.routing): its tags,
        which would otherwise take a query of their own."""
        return {TAGGING_ROWS: tagging_rows()}

    def routed(self) -> None:
        """Routing found this story with `routed_with`'s rows: the tags they name are part of
        what a worker keeps of it (a tag renamed is a change of the story as readers see it)."""
        self.tags_shown()

    def tags_shown(self) -> list[tuple[str, str]]:
        """(name, slug) of each of the story's tags: those being edited in a preview, else the
        published ones, as routing brought them, or else from `tags_of`."""
        if self.pk is None or self.tags.get_tagged_item_manager().is_deferring:
            return [(tag.name, tag.slug) for tag in self.tags.all()]
        if TAGGING_ROWS in self.__dict__:
            return tags_in(self.__dict__[TAGGING_ROWS])
        return tags_of([self.pk]).get(self.pk, [])

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldPanel("summary"),
        *hero_panels(),
        FieldPanel("body"),
        FieldPanel("names_changed"),
        MultiFieldPanel(
            [
                FieldPanel("consent_given_by"),
                FieldRowPanel([FieldPanel("consent_given_on"), FieldPanel("consent_expires_on")]),
                FieldPanel("consent_withdrawn_on"),
            ],
            heading="Consent",
            help_text="A story about a survivor needs their consent (or their guardian's): "
            "who gave it, when, and when it ends. It comes down by itself when consent ends "
            "or is withdrawn, and your moderators are told.",
        ),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("tags"), FieldPanel("share_with_network")]
    # Consent is the same survivor's in every language: copied to translations, never translated.
    override_translatable_fields = [
        SynchronizedField(name, overridable=False) for name in consent.FIELDS
    ]
    template = "sites/pages/news_story_page.html"

    def clean(self):
        super().clean()
        # Checks the consent record (errors on the field that is wrong), keeps a published
        # withdrawal, and sets `expire_at` so the story comes down when consent ends. The
        # admin's form, `save_revision()` and publishing all pass through here.
        consent.settle(self)

    def publish(self, revision, *args, **kwargs):
        result = super().publish(revision, *args, **kwargs)
        # Published with consent that has already ended (a workflow's approval that came too
        # late, a scheduled revision, a bulk action; the admin's Publish button refuses it
        # first): taken down again at once, and moderators are told.
        consent.unpublish_if_ended(self)
        return result


class AwarenessArticlePage(StoryPage):
    """An article that explains: what trafficking is, its signs, and what readers can do."""

    further_resources = StreamField(
        ResourcesBlock(), blank=True, help_text="Where to turn next: hotlines and links."
    )
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        *hero_panels(),
        FieldPanel("body"),
        FieldPanel("further_resources"),
    ]
    template = "sites/pages/awareness_article_page.html"

    def save(self, *args, **kwargs):
        # Stored rather than computed on each view so listings need not walk every body.
        words = sum(
            len(text.split())
            for block in self.body
            for text in block.block.get_searchable_content(block.value)
        )
        self.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        return super().save(*args, **kwargs)


class DonationAppealPage(PrivacyGateMixin, HeadlessPreviewMixin, ReaderPageMixin, Page):
    """A page for one donation appeal, with room to say more about it."""

    base_form_class = AgencyPageForm

    intro = models.TextField(blank=True)
    appeal = models.ForeignKey("blocks.DonationAppeal", on_delete=models.PROTECT, related_name="+")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("appeal"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["agency_sites.HomePage", "agency_sites.StandardPage"]
    subpage_types = []
    template = "sites/pages/donation_appeal_page.html"


class StandardPage(PrivacyGateMixin, HeadlessPreviewMixin, ReaderPageMixin, Page):
    """A plain page: about, contact, policies."""

    base_form_class = AgencyPageForm

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["agency_sites.HomePage", "agency_sites.StandardPage"]
    subpage_types = ["agency_sites.StandardPage", "agency_sites.DonationAppealPage"]
    template = "sites/pages/standard_page.html"
