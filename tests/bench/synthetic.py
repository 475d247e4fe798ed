"""A large synthetic network for measurement: N agency sites with M live stories each, quickly.

`manage.py generate_content` runs it; `make bench` (tests/bench/run.py) measures what it builds.
Both are the bench's own (the dev-only app tests.bench), not the product's: no site needs them.

Each site is a real agency site: made by onboarding (`create_agency_site`: home page, find-help
page, branding, groups, media collection, review workflow), with its own hotline as the primary
one, a donation appeal, a photo, three help-directory resources (imported through the CSV
importer editors use), a stories index, an about page and a give page, all published the
ordinary way. Only the stories are made differently: thousands of `add_child` calls would take
an hour, so they are written straight into the tree, in bulk, one transaction per site:

- the base `wagtailcore_page` rows with `bulk_create`, their treebeard `path`, `depth`,
  `url_path`, `translation_key`, `locale`, `content_type`, `live` and publication dates
  computed here, as `add_child` and `publish()` would set them (`child_path`);
- then the specific rows (`NewsStoryPage`, `AwarenessArticlePage`) with one INSERT per batch
  into the child model's own table (Django refuses `bulk_create` on multi-table inheritance);
- then their tags, and the stories index's `numchild`.

What they do not get: revisions (a story opened in the admin starts from its live content),
search-index and reference-index entries (the site search does not find them), nor the signals
publishing sends (a running server's page cache learns of stories added to an existing site only
when its entries expire). Readers and the API see them as any published story.

Content is deterministic for a seed: the same command builds the same network.
"""

import csv
import datetime
import io
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.onboarding import create_agency_site
from sites.content.branding import SiteBranding
from sites.content.demo import read_network, upsert_hotline
from sites.content.pages import (
    WORDS_PER_MINUTE,
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    NewsStoryTag,
    StandardPage,
)
from sites.content.tasks import make_page_renditions
from sites.help.importer import COLUMNS as HELP_COLUMNS
from sites.help.importer import import_resources
from sites.privacy.consent import MAX_YEARS, consent_end

DOMAIN = "bench.localhost"
INDEX_SLUG = "news"


class GenerationError(Exception):
    """What is there already does not fit what was asked; nothing was changed."""


def hostname_for(number: int, domain: str = DOMAIN) -> str:
    return f"site-{number}.{domain}"


# --- what each site is ------------------------------------------------------------------------

# A state, a 3-digit ZIP prefix in it (sites.help.zips) and a phone area code there.
PLACES = [
    ("Riverside Bend", "CA", "900", "213"),
    ("Prairie Hollow", "TX", "770", "713"),
    ("Harbor Point", "NY", "100", "212"),
    ("Palm Crossing", "FL", "331", "305"),
    ("Lakeshore", "IL", "606", "312"),
    ("Cedar Sound", "WA", "981", "206"),
    ("Peachtree Ridge", "GA", "303", "404"),
    ("Buckeye Valley", "OH", "432", "614"),
    ("Liberty Square", "PA", "191", "215"),
    ("Twin Lakes", "MN", "554", "612"),
    ("Desert Springs", "AZ", "850", "602"),
    ("Great Lakes", "MI", "482", "313"),
    ("Blue Ridge", "NC", "276", "919"),
    ("Front Range", "CO", "802", "303"),
    ("Bay State", "MA", "021", "617"),
    ("Willamette", "OR", "972", "503"),
    ("Music Row", "TN", "372", "615"),
    ("Gateway", "MO", "631", "314"),
    ("Silver Flats", "NV", "891", "702"),
    ("Bayou", "LA", "701", "504"),
    ("Casco Bay", "ME", "040", "207"),
    ("Aloha", "HI", "967", "808"),
    ("Chesapeake", "MD", "208", "301"),
    ("Lakeland", "WI", "537", "608"),
    ("Wasatch", "UT", "841", "801"),
]
KINDS = ["Outreach", "Alliance", "Coalition", "Ministry", "Network", "Project", "Refuge", "Center"]
# White text on the primary colour and primary text on the accent both pass WCAG AA.
COLOURS = [
    ("#1d3557", "#ffd166"),
    ("#0b3d5c", "#f2c14e"),
    ("#2d3142", "#e9c46a"),
    ("#4a1942", "#ffe8d6"),
    ("#1b4332", "#d8f3dc"),
    ("#3d2c8d", "#fefae0"),
    ("#5c2018", "#f4e9cd"),
    ("#14213d", "#fca311"),
]


@dataclass(frozen=True)
class SiteProfile:
    number: int
    hostname: str
    name: str
    state: str
    zip_prefix: str
    area_code: str
    primary_colour: str
    accent_colour: str

    @property
    def sample_zip(self) -> str:
        """A ZIP code the site's local help resources serve (for the find-help search)."""
        return f"{self.zip_prefix}12"

    @property
    def slug(self) -> str:
        return self.hostname.split(".")[0]


def profile(number: int, domain: str = DOMAIN) -> SiteProfile:
    place, state, zip_prefix, area_code = PLACES[(number - 1) % len(PLACES)]
    kind = KINDS[((number - 1) // len(PLACES)) % len(KINDS)]
    name = f"{place} {kind}"
    if number > len(PLACES) * len(KINDS):
        name = f"{name} {number}"  # names must stay unique (groups are named after them)
    primary, accent = COLOURS[(number - 1) % len(COLOURS)]
    return SiteProfile(
        number=number,
        hostname=hostname_for(number, domain),
        name=name,
        state=state,
        zip_prefix=zip_prefix,
        area_code=area_code,
        primary_colour=primary,
        accent_colour=accent,
    )


# --- words ------------------------------------------------------------------------------------

TOWNS = [
    "the east side", "the county", "downtown", "the valley", "the harbour district",
    "the northern suburbs", "two neighbouring counties", "the state capital", "the border towns",
]  # fmt: skip
AUDIENCES = [
    "hotel staff", "school nurses", "truck-stop workers", "bank tellers", "youth coaches",
    "ride-share drivers", "emergency-room nurses", "pastors", "librarians", "bus drivers",
]  # fmt: skip
TITLES = {
    "rescue_update": [
        "{n} young people brought to safety in {town}",
        "Advocates answered {n} calls in one weekend",
        "A rescue in {town}: what happened next",
        "{n} survivors start again after a joint operation",
        "Our response team's busiest month",
    ],
    "news": [
        "We trained {n} {audience} to spot the signs",
        "New shelter beds open in {town}",
        "Volunteers needed for the spring outreach",
        "Our annual report: {n} people helped",
        "A new partnership with {audience}",
        "Why we are hiring two more advocates",
        "The legislature passes a survivor-protection bill",
    ],
    "community_story": [
        "What one of our {audience} noticed",
        "A neighbour's call that changed a life",
        "How a teacher in {town} knew something was wrong",
        "A church in {town} opens its doors",
    ],
    "article": [
        "Signs that someone may be trafficked",
        "How traffickers recruit online",
        "What to do if you think you are being followed",
        "Labour trafficking: what it looks like here",
        "How to talk to teenagers about online safety",
        "Why survivors do not always ask for help",
        "Debt bondage explained",
    ],
}
SENTENCES = [
    "Trafficking is the use of force, fraud or coercion to make someone work or sell sex.",
    "Most survivors we meet were trafficked by someone they knew and trusted.",
    "Our advocates answer the response line at any hour, every day of the year.",
    "When officers find a young person in danger, an advocate comes within the hour.",
    "Nobody has to tell us everything at once: we go at the pace of the person we serve.",
    "Recovery takes time, and we stay for as long as it takes.",
    "Traffickers often promise work, love or a place to stay, and then take it away.",
    "Many of the young people we meet have run away from home or from foster care.",
    "A safe bed tonight is often the first step; counselling and school come next.",
    "Hotel staff, nurses and drivers are often the first to notice that something is wrong.",
    "If you see something, call the hotline: you do not need to be sure.",
    "Every call is private, and you can stay anonymous.",
    "We work beside the police, child services and the courts, but we answer to survivors.",
    "Interpreters are available for callers in more than two hundred languages.",
    "Survivors decide what happens next; our job is to make the choices real.",
    "Donations pay for emergency shelter, transport, clothing and a phone that is safe to use.",
    "Last year our volunteers gave more than four thousand hours.",
    "Schools invite us to speak to parents and teachers about the warning signs.",
    "Online games and social media are where many young people are first approached.",
    "Labour trafficking happens on farms, in restaurants, in nail salons and in private homes.",
    "Taking someone's passport or identity papers is a warning sign of trafficking.",
    "Debts that keep growing, however hard someone works, are a way to keep them trapped.",
    "A survivor's name and face are never shown in our stories without their consent.",
    "We changed the names and some details in this story to protect the people in it.",
    "Partners across the state share what they learn so that no one falls through the gaps.",
    "The first days after a rescue are the hardest, and the most important.",
    "Trust your instincts: if something feels wrong, it is worth a call.",
    "Our legal clinic helps survivors clear records that were never their fault.",
]
TIPS = [
    "Keep your phone charged and with you.",
    "Share where you are going with someone you trust.",
    "Do not hand over your passport or identity papers to an employer.",
    "Be wary of job offers that sound too good to be true.",
    "Agree on a code word with family that means 'I need help'.",
    "Know the hotline number by heart: 1-888-373-7888.",
    "If you are followed, go into a busy shop and ask for help.",
]
QUOTES = [
    ("For the first time in months, I slept without being afraid.", "A survivor we call Ana"),
    ("She kept asking if she was in trouble. We told her she was safe.", "A victim advocate"),
    ("We see it now, and we know who to call.", "A hotel manager"),
    ("Nobody asked me what I wanted until I met them.", "A survivor we call Jordan"),
]
FACTS = [
    ("216", "children helped by our advocates over the past two years"),
    ("1 in 4", "victims of trafficking are children"),
    ("24/7", "the hours our response line is answered"),
    ("38", "partner agencies across the state"),
    ("4,100", "volunteer hours last year"),
]
TAGS = [
    "rescue", "first-response", "prevention", "schools", "volunteers", "shelter",
    "legal-help", "labour-trafficking", "online-safety", "training", "partners", "survivors",
    "hotline", "youth", "events", "policy", "faith-communities", "hotels", "transport", "recovery",
]  # fmt: skip


def words(text: str) -> int:
    return len(text.split())


class Writer:
    """Deterministic, plausible story content for one site."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def title(self, kind: str) -> str:
        template = self.rng.choice(TITLES[kind])
        return template.format(
            n=self.rng.randint(2, 40),
            town=self.rng.choice(TOWNS),
            audience=self.rng.choice(AUDIENCES),
        )

    def sentences(self, low: int, high: int) -> str:
        return " ".join(self.rng.sample(SENTENCES, self.rng.randint(low, high)))

    def paragraphs(self, count: int, find_help_id: int | None = None) -> str:
        parts = [f"<p>{self.sentences(3, 6)}</p>" for _ in range(count)]
        if find_help_id and self.rng.random() < 0.5:
            parts.append(
                f'<p>Worried about someone? <a linktype="page" id="{find_help_id}">Find help '
                "near you</a>, or call the hotline.</p>"
            )
        if self.rng.random() < 0.3:
            parts.insert(1, "<h2>What happens next</h2>")
        return "".join(parts)


# --- the network's own hotline and each site's snippets ---------------------------------------


def national_hotline() -> Hotline:
    """The National Human Trafficking Hotline, pinned on every page, as the demo defines it."""
    existing = Hotline.objects.filter(pinned=True, owner__isnull=True).order_by("pk").first()
    if existing:
        return existing
    for data in read_network():
        for entry in data.get("hotlines", []):
            if entry.get("pinned"):
                return upsert_hotline(entry)
    raise GenerationError("The demo network defines no pinned national hotline.")


def site_hotline(site: Site, place: SiteProfile) -> Hotline:
    hotline = Hotline(
        name=f"{place.name} Response Line",
        phone=f"({place.area_code}) 555-01{place.number % 100:02d}",
        hours="24 hours a day, 7 days a week",
        is_24_7=True,
        languages="English, Spanish",
        coverage=Hotline.Coverage.STATE,
        states=place.state,
        description="Call any time: an advocate answers and can come to you within the hour.",
        owner=site,
    )
    hotline.full_clean()
    hotline.save()
    return hotline


def site_appeal(site: Site, place: SiteProfile, donate_url: str) -> DonationAppeal:
    appeal = DonationAppeal(
        headline=f"A safe night for every young person in {place.name}",
        text="<p>A night in emergency shelter, a ride and a phone that is safe to use cost "
        "<b>$120</b>. Help us be there for the next call.</p>",
        goal=50_000,
        raised=12_500 + 731 * place.number % 30_000,
        donate_url=donate_url,
        owner=site,
    )
    appeal.full_clean()
    appeal.save()
    return appeal


def site_image(site: Site, place: SiteProfile):
    """A photo-sized JPEG in the agency's collection (a landscape, no people), made with Pillow."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (1600, 900), place.accent_colour)
    draw = ImageDraw.Draw(picture)
    for band in range(9):
        draw.rectangle(
            (0, 900 - band * 60, 1600, 900 - band * 60 + 60),
            fill=(30 + band * 12, 60 + band * 10, 90 + band * 8),
        )
    draw.ellipse((1150, 120, 1350, 320), fill=(255, 236, 179))
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=80)
    image = get_image_model()(
        title=f"{place.name}: the river at dawn",
        collection=site.agency.collection,
        file=ImageFile(data, name=f"{place.slug}-river.jpg"),
    )
    image.save()
    return image


def site_help_resources(place: SiteProfile) -> None:
    """A local shelter, local counselling and a statewide legal clinic, through the importer."""
    verified = (timezone.now() - datetime.timedelta(days=20)).date().isoformat()
    rows = [
        {
            "reference": f"{place.slug}-safe-house",
            "organisation": f"{place.name} Safe House",
            "description": "A safe place to sleep tonight, with an advocate who stays with you.",
            "services": "shelter;youth",
            "phone": f"({place.area_code}) 555-01{(place.number + 1) % 100:02d}",
            "hours": "24 hours a day, 7 days a week",
            "open_24_7": "yes",
            "languages": "en;es",
            "area": "local",
            "zip_prefixes": place.zip_prefix,
        },
        {
            "reference": f"{place.slug}-counselling",
            "organisation": f"{place.name} Counselling",
            "description": "Counsellors who see survivors of trafficking; no insurance needed.",
            "services": "counselling;medical",
            "phone": f"({place.area_code}) 555-01{(place.number + 2) % 100:02d}",
            "hours": "Monday to Saturday, 10am to 7pm",
            "open_24_7": "no",
            "languages": "en;es;vi",
            "area": "local",
            "zip_prefixes": place.zip_prefix,
        },
        {
            "reference": f"{place.slug}-legal-clinic",
            "organisation": f"{place.name} Legal Clinic",
            "description": "Lawyers who help survivors clear records and apply for protection.",
            "services": "legal;immigration",
            "email": f"legal@{place.slug}.example.org",
            "hours": "Monday to Friday, 9am to 5pm",
            "open_24_7": "no",
            "languages": "en;es",
            "interpreters": "yes",
            "area": "states",
            "states": place.state,
        },
    ]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HELP_COLUMNS, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({"owner": place.hostname, "last_verified": verified, **row})
    result = import_resources(text.getvalue())
    if result.errors:
        raise GenerationError("; ".join(str(error) for error in result.errors))


# --- the site's pages -------------------------------------------------------------------------


def publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@dataclass
class SiteParts:
    site: Site
    home: HomePage
    index: NewsIndexPage
    find_help_id: int
    hotline_ids: list[int]
    appeal_id: int
    image_id: int | None


def build_site(place: SiteProfile, national: Hotline) -> SiteParts:
    """The site as onboarding makes it, with its snippets and ordinary pages published."""
    donate_url = f"https://donate.example.org/{place.slug}"
    site = create_agency_site(
        name=place.name,
        hostname=place.hostname,
        hero_heading="No one should face this alone",
        primary_colour=place.primary_colour,
        accent_colour=place.accent_colour,
        donate_url=donate_url,
        tagline=f"Standing beside survivors of trafficking in {place.name}.",
        donate_label="Give now",
        footer_text=f"{place.name} answers calls day and night and stays beside survivors for "
        "as long as it takes. Names in our stories are always changed.",
        safety_message="Press Exit this page, or Shift three times, to leave this site quickly.",
    )
    hotline = site_hotline(site, place)
    branding = SiteBranding.for_site(site)
    branding.primary_hotline = hotline
    branding.full_clean()
    branding.save()
    appeal = site_appeal(site, place, donate_url)
    image = site_image(site, place)
    site_help_resources(place)

    home = site.root_page.specific
    find_help = home.get_children().get(slug="find-help")
    index = publish_child(
        home,
        NewsIndexPage(
            title="News and stories",
            slug=INDEX_SLUG,
            show_in_menus=True,
            intro="Updates from our response team and stories of hope. We always change the "
            "names of the people we serve.",
        ),
    )
    publish_child(
        home,
        DonationAppealPage(
            title="Give",
            slug="give",
            show_in_menus=True,
            intro="Every gift keeps the response line answered.",
            appeal=appeal,
            body=[
                {"type": "donation_appeal", "value": {"appeal": appeal.pk, "show_progress": True}}
            ],
        ),
    )
    publish_child(
        home,
        StandardPage(
            title="About us",
            slug="about",
            show_in_menus=True,
            intro=f"{place.name} is a partner of the Lantern network.",
            body=[{"type": "text", "value": f"<p>{' '.join(SENTENCES[:6])}</p>"}],
        ),
    )
    return SiteParts(
        site=site,
        home=home,
        index=index,
        find_help_id=find_help.pk,
        hotline_ids=[hotline.pk, national.pk],
        appeal_id=appeal.pk,
        image_id=image.pk,
    )


def finish_home(parts: SiteParts, story_ids: list[int], rng: random.Random) -> None:
    """The home page's hero and body, as an editor would write them once there are stories."""
    home = parts.home
    home.hero_text = "When someone is found in trafficking, our advocates come, day or night."
    home.hero_image_id = parts.image_id
    body = [
        {"type": "fact", "value": dict(zip(("figure", "label"), FACTS[0], strict=True))},
        {"type": "text", "value": Writer(rng).paragraphs(2, parts.find_help_id)},
        {
            "type": "hotline_panel",
            "value": {"heading": "Need help now?", "hotlines": parts.hotline_ids},
        },
        {"type": "donation_appeal", "value": {"appeal": parts.appeal_id, "show_progress": True}},
    ]
    if len(story_ids) >= 3:
        body.insert(
            3,
            {
                "type": "related_stories",
                "value": {"heading": "From our advocates", "stories": story_ids[-3:]},
            },
        )
    home.body = body
    home.save_revision().publish()


# --- stories, in bulk -------------------------------------------------------------------------


def tag_pool() -> list[Tag]:
    """The tags stories get: those already there (by slug or by name), the others made."""

    def known() -> dict[str, Tag]:
        names = [slug.replace("-", " ") for slug in TAGS]
        found = {}
        for tag in Tag.objects.filter(Q(slug__in=TAGS) | Q(name__in=names)):
            found.setdefault(tag.slug, tag)
            found.setdefault(tag.name.replace(" ", "-"), tag)
        return found

    existing = known()
    missing = [Tag(name=slug.replace("-", " "), slug=slug) for slug in TAGS if slug not in existing]
    if missing:
        Tag.objects.bulk_create(missing)
        existing = known()
    return [existing[slug] for slug in TAGS]


def own_columns(model) -> list:
    """The fields with a column in `model`'s own table, not in its parents' (Django's documented
    Model _meta API)."""
    return [
        field
        for field in model._meta.get_fields(include_parents=False)
        if field.concrete and not field.many_to_many
    ]


def insert_specific_rows(model, objects: list, using: str) -> None:
    """INSERT the rows of `model`'s own table (not its parents') for `objects`, in batches.

    What Django's own INSERT into that table does when it saves one object, for many at once:
    the specific table's columns only, with `page_ptr_id` already pointing at the base row, each
    value as its field saves it (`pre_save`, then `get_db_prep_save`). No signals are sent.
    """
    if not objects:
        return
    connection = connections[using]
    fields = own_columns(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = min(500, max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects)))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            values = ", ".join([row] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values}",  # noqa: S608 - a model's own table and columns; the values are bound
                [
                    field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection)
                    for obj in chunk
                    for field in fields
                ],
            )


# --- tree paths: treebeard's materialized path, as Wagtail's pages use it ----------------------
# A page's path is its parent's path and one step: its position among its siblings (from 1),
# written in Page.steplen digits of Page.alphabet (0-9A-Z), zero-padded. Computed here so that
# thousands of stories get the paths `add_child` would give them without thousands of calls.


def step_number(step: str) -> int:
    """The position a path step (e.g. '000A') stands for (10)."""
    base = len(Page.alphabet)
    number = 0
    for digit in step:
        number = number * base + Page.alphabet.index(digit)
    return number


def child_path(parent_path: str, position: int) -> str:
    """The path of the child at `position` (from 1) under the page at `parent_path`."""
    base = len(Page.alphabet)
    if not 0 < position < base**Page.steplen:
        raise GenerationError(
            f"A page can have at most {base**Page.steplen - 1:,} children in Wagtail's tree; "
            f"position {position:,} is out of range."
        )
    digits = []
    for _ in range(Page.steplen):
        position, digit = divmod(position, base)
        digits.append(Page.alphabet[digit])
    return parent_path + "".join(reversed(digits))


BASE_FIELDS = [field for field in own_columns(Page) if not field.primary_key]


@dataclass
class StoryPlan:
    model: type
    page: Page  # the specific object, id filled in once its base row exists
    kind: str
    tags: list[Tag]
    with_hero: bool
    with_image_block: bool
    related: bool
    reference: bool = False


def add_stories(
    parts: SiteParts,
    count: int,
    rng: random.Random,
    tags: list[Tag],
    *,
    start: int = 0,
    total: int | None = None,
) -> list[int]:
    """`count` live stories under the site's stories index, numbered from `start`; their ids.

    Story 0 of each site is its reference story, the one the benchmark measures: a news story
    with a hero image, three tags and eight blocks (text, fact, text, quote, tips, hotline panel,
    related stories, call to action). The others vary; about one in five is an awareness
    article. Dates run from about five years ago (story 0) to today (the last one).
    """
    if count <= 0:
        return []
    index = Page.objects.get(pk=parts.index.pk)  # fresh path and numchild
    using = router.db_for_write(Page)
    if not connections[using].features.can_return_rows_from_bulk_insert:
        raise GenerationError("This database cannot return ids from a bulk insert.")
    total = max(total or 0, start + count)
    writer = Writer(rng)
    content_types = {
        model: ContentType.objects.get_for_model(model)
        for model in (NewsStoryPage, AwarenessArticlePage)
    }
    last = index.get_last_child()
    position = step_number(last.path[-Page.steplen :]) if last else 0
    today = timezone.localdate()
    consent_from = today - datetime.timedelta(days=300)
    plans: list[StoryPlan] = []
    for number in range(start, start + count):
        reference = number == 0
        kind = (
            "news"
            if reference
            else rng.choices(
                ["news", "rescue_update", "community_story", "article"], weights=[45, 20, 15, 20]
            )[0]
        )
        model = AwarenessArticlePage if kind == "article" else NewsStoryPage
        title = writer.title(kind)
        slug = f"{slugify(title)[:60].strip('-')}-{number + 1}"
        day = today - datetime.timedelta(days=(total - 1 - number) * 1825 // max(total, 1))
        published = datetime.datetime.combine(
            day, datetime.time(9, rng.randint(0, 59)), tzinfo=datetime.UTC
        )
        position += 1
        fields = {
            "title": title,
            "draft_title": title,
            "slug": slug,
            "path": child_path(index.path, position),
            "depth": index.depth + 1,
            "numchild": 0,
            "url_path": f"{index.url_path}{slug}/",
            "translation_key": uuid.uuid4(),
            "locale_id": index.locale_id,
            "content_type": content_types[model],
            "live": True,
            "has_unpublished_changes": False,
            "first_published_at": published,
            "last_published_at": published,
            "latest_revision_created_at": published,
            "show_in_menus": False,
            "date": day,
            "summary": writer.sentences(1, 2),
        }
        if model is NewsStoryPage:
            survivor = kind in ("rescue_update", "community_story")
            fields |= {"kind": kind, "names_changed": survivor}
            if survivor:
                # Consent recorded as sites.privacy.consent requires; the story comes down
                # when it ends, as `settle()` would arrange.
                given = consent_from + datetime.timedelta(days=rng.randint(0, 290))
                ends = given.replace(year=given.year + MAX_YEARS) - datetime.timedelta(days=1)
                fields |= {
                    "consent_given_by": "The survivor, in writing",
                    "consent_given_on": given,
                    "consent_expires_on": ends,
                    "expire_at": consent_end(ends, None),
                }
        plans.append(
            StoryPlan(
                model=model,
                page=model(**fields),
                kind=kind,
                tags=(
                    tags[:3]
                    if reference
                    else rng.sample(tags, rng.randint(0, 4))
                    if model is NewsStoryPage
                    else []
                ),
                with_hero=reference or number % 3 == 0,
                with_image_block=not reference and rng.random() < 0.15,
                related=reference or rng.random() < 0.4,
                reference=reference,
            )
        )

    bases = Page.objects.using(using).bulk_create(
        [
            Page(**{field.attname: getattr(plan.page, field.attname) for field in BASE_FIELDS})
            for plan in plans
        ],
        batch_size=500,
    )
    ids = [base.pk for base in bases]
    if None in ids:
        raise GenerationError("The database did not return the new pages' ids.")
    for plan, page_id in zip(plans, ids, strict=True):
        plan.page.id = plan.page.page_ptr_id = page_id

    for offset, plan in enumerate(plans):
        others = [ids[(offset + step) % len(ids)] for step in (1, 2, 3)]
        plan.page.hero_image_id = parts.image_id if plan.with_hero else None
        body, text_words = story_body(parts, plan, writer, others if len(ids) > 3 else [])
        plan.page.body = body
        if plan.model is AwarenessArticlePage:
            plan.page.further_resources = [
                {
                    "type": "hotline_panel",
                    "value": {"heading": "Where to turn", "hotlines": parts.hotline_ids},
                },
                call_to_action(parts),
            ]
            plan.page.reading_minutes = max(1, -(-text_words // WORDS_PER_MINUTE))

    for model in (NewsStoryPage, AwarenessArticlePage):
        insert_specific_rows(model, [plan.page for plan in plans if plan.model is model], using)
    NewsStoryTag.objects.using(using).bulk_create(
        [
            NewsStoryTag(content_object_id=plan.page.pk, tag=tag)
            for plan in plans
            for tag in plan.tags
        ],
        batch_size=500,
    )
    Page.objects.using(using).filter(pk=index.pk).update(numchild=F("numchild") + len(plans))
    return ids


def call_to_action(parts: SiteParts) -> dict:
    return {
        "type": "call_to_action",
        "value": {
            "heading": "Find help near you",
            "text": "Services near you, by ZIP code or state, and the hotlines that answer now.",
            "button_label": "Find help",
            "page": parts.find_help_id,
            "url": "",
        },
    }


def story_body(
    parts: SiteParts, plan: StoryPlan, writer: Writer, others: list[int]
) -> tuple[list[dict], int]:
    """A story's body as StreamField data, and the number of words in its text."""
    rng = writer.rng

    def text():
        return {"type": "text", "value": writer.paragraphs(rng.randint(2, 3), parts.find_help_id)}

    def fact():
        figure, label = rng.choice(FACTS)
        return {"type": "fact", "value": {"figure": figure, "label": label, "source": ""}}

    def quote():
        words_, who = rng.choice(QUOTES)
        return {"type": "quote", "value": {"quote": words_, "attribution": who}}

    def tips():
        items = [
            {"type": "item", "value": tip, "id": str(uuid.UUID(int=rng.getrandbits(128)))}
            for tip in rng.sample(TIPS, rng.randint(3, 5))
        ]
        return {"type": "tips", "value": {"heading": "Stay safe", "items": items}}

    def hotlines():
        return {
            "type": "hotline_panel",
            "value": {"heading": "Need help now?", "hotlines": parts.hotline_ids},
        }

    def related():
        return {
            "type": "related_stories",
            "value": {"heading": "Related stories", "stories": others},
        }

    def image():
        return {
            "type": "image",
            "value": {
                "image": {"image": parts.image_id, "decorative": True, "alt_text": ""},
                "caption": "The river at dawn, where our outreach van stops each week.",
                "credit": "Lantern volunteers",
            },
        }

    def appeal():
        return {
            "type": "donation_appeal",
            "value": {"appeal": parts.appeal_id, "show_progress": True},
        }

    if plan.related and not others:
        plan.related = False
    if plan.reference:
        blocks = [text(), fact(), text(), quote(), tips(), hotlines(), related()]
        blocks.append(call_to_action(parts))
    else:
        blocks = [text()]
        extras = [text, quote, fact, tips, hotlines]
        blocks += [make() for make in rng.sample(extras, rng.randint(2, 4))]
        if plan.with_image_block and parts.image_id:
            blocks.insert(1, image())
        if rng.random() < 0.2:
            blocks.append(appeal())
        if plan.related:
            blocks.append(related())
        if rng.random() < 0.5:
            blocks.append(call_to_action(parts))
    for block in blocks:
        block["id"] = str(uuid.UUID(int=rng.getrandbits(128)))
    text_words = sum(words(block["value"]) for block in blocks if block["type"] == "text") + sum(
        words(block["value"]["quote"]) for block in blocks if block["type"] == "quote"
    )
    return blocks, text_words


# --- the whole network --------------------------------------------------------------------------


@dataclass
class SiteReport:
    hostname: str
    created: bool
    stories_before: int
    stories_added: int
    seconds: float


def stories_index(site: Site) -> NewsIndexPage | None:
    return NewsIndexPage.objects.child_of(site.root_page).filter(slug=INDEX_SLUG).first()


def generate_site(
    number: int,
    pages: int,
    *,
    seed: int = 1,
    domain: str = DOMAIN,
    tags: list[Tag] | None = None,
    national: Hotline | None = None,
) -> SiteReport:
    """Site `number` with `pages` live stories: created, topped up, or left as it is."""
    began = time.perf_counter()
    place = profile(number, domain)
    rng = random.Random(f"{seed}:{place.hostname}")  # noqa: S311 (content, not secrets)
    tags = tags or tag_pool()
    site = Site.objects.filter(hostname=place.hostname).first()
    with transaction.atomic():
        if site is None:
            parts = build_site(place, national or national_hotline())
            ids = add_stories(parts, pages, rng, tags)
            finish_home(parts, ids, rng)
            return SiteReport(place.hostname, True, 0, len(ids), time.perf_counter() - began)
        parts = existing_parts(site)
        before = parts.index.numchild
        if before > pages:
            raise GenerationError(
                f"{place.hostname} already has {before} stories, more than the {pages} asked "
                "for; nothing was changed. Ask for at least as many, or use a fresh database."
            )
        # Top up: the next stories, with their own random stream so reruns stay deterministic.
        rng = random.Random(f"{seed}:{place.hostname}:{before}")  # noqa: S311
        ids = add_stories(parts, pages - before, rng, tags, start=before, total=pages)
        return SiteReport(place.hostname, False, before, len(ids), time.perf_counter() - began)


def existing_parts(site: Site) -> SiteParts:
    """What `add_stories` needs from a site made earlier by `build_site`."""
    index = stories_index(site)
    if index is None:
        raise GenerationError(
            f"{site.hostname} exists but has no '{INDEX_SLUG}' stories index: it was not made "
            "by generate_content. Nothing was changed; use a fresh database."
        )
    branding = SiteBranding.for_site(site)
    home = site.root_page.specific
    find_help = home.get_children().filter(slug="find-help").first()
    appeal = DonationAppeal.objects.filter(owner=site).order_by("pk").first()
    image = home.hero_image_id
    national = national_hotline()
    return SiteParts(
        site=site,
        home=home,
        index=index,
        find_help_id=find_help.pk if find_help else home.pk,
        hotline_ids=[pk for pk in (branding.primary_hotline_id, national.pk) if pk],
        appeal_id=appeal.pk if appeal else None,
        image_id=image,
    )


def generate_network(
    sites: int,
    pages: int,
    *,
    seed: int = 1,
    domain: str = DOMAIN,
    progress: Callable[[int, SiteReport], None] | None = None,
) -> list[SiteReport]:
    """Sites 1 to `sites`, each with `pages` stories: one transaction per site."""
    if sites < 1 or pages < 0:
        raise GenerationError("Ask for at least one site and zero or more pages per site.")
    # Refuse before changing anything: a site with more stories than asked for is not cut down.
    hostnames = [hostname_for(number, domain) for number in range(1, sites + 1)]
    for site in Site.objects.filter(hostname__in=hostnames).select_related("root_page"):
        index = stories_index(site)
        if index is None:
            existing_parts(site)  # raises: the site was not made by generate_content
        if index.numchild > pages:
            raise GenerationError(
                f"{site.hostname} already has {index.numchild} stories, more than the {pages} "
                "asked for; nothing was changed. Ask for at least as many, or use a fresh database."
            )
    tags = tag_pool()
    national = national_hotline()
    reports = []
    for number in range(1, sites + 1):
        report = generate_site(
            number, pages, seed=seed, domain=domain, tags=tags, national=national
        )
        reports.append(report)
        if progress:
            progress(number, report)
    if any(report.stories_added for report in reports):
        analyze()
    return reports


def make_renditions(sites: int, domain: str = DOMAIN) -> int:
    """For every live page of sites 1 to `sites`, the pictures' sizes it shows, as the task
    worker makes them when a page is published (sites.content.tasks, with a worker:
    LANTERN_RENDITIONS_ON_PUBLISH). Pages written in bulk are not published one by one, so
    without this the bench's first reader of each size would make it, in a web worker. How many
    sizes were asked for (made, or found made)."""
    hostnames = [hostname_for(number, domain) for number in range(1, sites + 1)]
    made = 0
    for site in Site.objects.filter(hostname__in=hostnames).select_related("root_page"):
        for page_id in (
            site.root_page.get_descendants(inclusive=True).live().values_list("pk", flat=True)
        ):
            made += make_page_renditions.call(page_id)
    return made


def analyze(using: str | None = None) -> bool:
    """Fresh planner statistics after a bulk load, as `pg_restore` advises (PostgreSQL only).

    Autovacuum would gather them within a minute or so; until it does, PostgreSQL plans the
    joins of Lantern's page queries from the statistics of nearly empty tables, and can take
    most of a second JIT-compiling a query that then runs in a millisecond.
    """
    connection = connections[using or router.db_for_write(Page)]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def allowed(hostname: str) -> bool:
    """Whether ALLOWED_HOSTS lets requests for `hostname` in."""
    from django.http.request import validate_host

    return validate_host(hostname, settings.ALLOWED_HOSTS)
