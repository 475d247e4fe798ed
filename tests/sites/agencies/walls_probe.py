"""The machinery of the wall test (test_walls.py): every route the URL resolver knows, filled in
with another agency's objects, and a detector for what an answer must not carry.

Three parts, each small:

* `all_routes()` walks `django.urls.get_resolver()` and gives one `Route` per URL pattern: its
  full route text (the key SKIPPED and the leak report use), its keyword names and converters,
  its URL name with namespaces, its callback and the `view_class` that `as_view()` set.
* `Route.url(**values)` writes the address of a route with its keywords filled in, whether its
  parts are `path()` routes or `re_path()` regular expressions.
* `leaks_in(...)` reads one answer (body and Location header; JSON walked for id fields) and
  says what of the other agency's it holds.
* `build_b_world()` makes agency B's objects, each with its made-up word (MARKERS), and
  `snapshot()` reads them back, to tell whether a request changed any.
"""

import datetime
import io
import json
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote

from PIL import Image as PILImage

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db.models import Q
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone

from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import (
    APIToken,
    Collection,
    Comment,
    GroupPagePermission,
    Locale,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
)

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding
from sites.content.pages import NewsIndexPage, NewsStoryPage
from sites.giving.models import GivingSettings, ProcessorSecrets
from sites.help.imports import HelpImport
from sites.help.organizations import Organization
from sites.help.resources import HelpResource
from sites.help.verification import months_before
from tests.conftest import member_of

ROUTE_KWARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_KWARG = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^)]*)\)")


@dataclass(frozen=True)
class Route:
    parts: tuple  # the pattern objects from the root resolver down to the URL pattern
    name: str  # "namespace:…:name", or "" for an unnamed pattern
    callback: object
    view_class: type | None

    @property
    def key(self) -> str:
        """The full route as written in the URL configuration, e.g. admin/pages/<int:page_id>/."""
        return "".join(str(part) for part in self.parts)

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def url_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def kwargs(self) -> dict[str, str]:
        """Each keyword the route takes, with its converter ("int", "str", "slug") or regex."""
        found = {}
        for part in self.parts:
            text = str(part)
            if isinstance(part, RoutePattern):
                for match in ROUTE_KWARG.finditer(text):
                    found[match["name"]] = match["converter"] or "str"
            elif isinstance(part, RegexPattern):
                for match in REGEX_KWARG.finditer(text):
                    found[match["name"]] = match["regex"]
        return found

    @property
    def model(self):
        return getattr(self.view_class, "model", None) if self.view_class else None

    def url(self, **values) -> str:
        """The address with each keyword replaced by its value (missing keywords raise KeyError)."""
        out = []
        for part in self.parts:
            text = str(part)
            if isinstance(part, LocalePrefixPattern):
                out.append(text)
            elif isinstance(part, RegexPattern):
                text = REGEX_KWARG.sub(lambda m: str(values[m["name"]]), text)
                text = text.removeprefix("^").removesuffix("$").replace("\\", "")
                out.append(text)
            else:
                out.append(ROUTE_KWARG.sub(lambda m: str(values[m["name"]]), text))
        return "/" + "".join(out)


def _walk(resolver, parts, namespaces):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            spaces = namespaces + ([entry.namespace] if entry.namespace else [])
            yield from _walk(entry, (*parts, entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            name = ":".join([*namespaces, entry.name]) if entry.name else ""
            callback = entry.callback
            yield Route(
                parts=(*parts, entry.pattern),
                name=name,
                callback=callback,
                view_class=getattr(callback, "view_class", None),
            )


def all_routes() -> list[Route]:
    """Every URL pattern Django would try, in the resolver's order."""
    return list(_walk(get_resolver(), (), []))


# --- What an answer must not carry ------------------------------------------------------------


@dataclass
class Secrets:
    """The other agency's tell-tales: marker words, admin edit addresses and ids by kind."""

    markers: dict[str, str] = field(default_factory=dict)  # word -> what it names
    public_markers: set[str] = field(default_factory=set)  # live words readers may see on B's site
    edit_urls: dict[str, str] = field(default_factory=dict)  # address -> what it edits
    ids: dict[str, set[int]] = field(default_factory=dict)  # kind -> ids of B's objects


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def without_echoes(text: str, *echoes: str) -> str:
    """`text` with what the request itself said taken out: its own address, raw and quoted."""
    for echo in sorted(echoes, key=len, reverse=True):
        for form in {echo, quote(echo, safe=""), quote(echo), echo.replace("&", "&amp;")}:
            if form:
                text = text.replace(form, "")
    return text


def json_ids(data, found=None) -> set[tuple[str, int]]:
    """(key, value) for every integer under an id-like key: id, pk, *_id, and lists of them."""
    found = set() if found is None else found
    if isinstance(data, dict):
        for key, value in data.items():
            idish = key in ("id", "pk", "ids") or key.endswith(("_id", "_ids"))
            if idish:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int) and not isinstance(item, bool):
                        found.add((key, item))
                    elif isinstance(item, str) and item.isdigit():
                        found.add((key, int(item)))
            json_ids(value, found)
    elif isinstance(data, list):
        for item in data:
            json_ids(item, found)
    return found


# Which JSON keys hold an id of each kind, besides a bare "id" or "pk".
ID_KEYS = {
    "page": {"page_id", "page_ids", "parent_id", "parent_page_id"},
    "image": {"image_id", "image_ids"},
    "document": {"document_id", "document_ids"},
    "user": {"user_id", "owner_id"},
}


def leaks_in(
    response, request_path: str, secrets: Secrets, id_kinds=(), public_api=False, echoes=()
) -> list[str]:
    """What of B's the answer shows: marker words, B's admin edit addresses, B's ids in JSON.

    What the request itself said (its address and `echoes`, the query's values) is taken out
    of the answer first: a page saying back what it was asked for gives nothing away.
    """
    body = body_of(response)
    location = response.get("Location", "") or ""
    found = []
    for where, text in (("body", body), ("Location", location)):
        cleaned = without_echoes(text, request_path, *echoes)
        lowered = cleaned.lower()
        for word, what in secrets.markers.items():
            if public_api and word in secrets.public_markers:
                continue
            if word.lower() in lowered:
                found.append(f"{where} shows {what} ({word})")
        for address, what in secrets.edit_urls.items():
            if address in cleaned:
                found.append(f"{where} links {what}'s edit address {address}")
    # The public API shows readers' pages by id on any host: its ids are not B's secrets.
    if "json" in response.get("Content-Type", "") and body and not public_api:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        pairs = json_ids(data)
        for kind in id_kinds:
            keys = {"id", "pk", "ids"} | ID_KEYS.get(kind, {f"{kind}_id"})
            hits = sorted(
                f"{key}={value}"
                for key, value in pairs
                if key in keys and value in secrets.ids.get(kind, ())
            )
            if hits:
                found.append(f"JSON carries B's {kind} ids: {', '.join(hits)}")
    return found


# --- Agency B's objects, each with its own word ------------------------------------------------

HARBOR, PINES = "harbor.localhost", "pines.localhost"

# In every B object's title or name: what listings are searched for. It is said back by any
# search page, so it is not itself a leak; the words below are.
SHARED = "Pinesecret"
MARKERS = {
    "draft": "Quillotheria",  # a page never published
    "live": "Marrowfen",  # the live title of a page whose newer draft says "live_draft"
    "live_draft": "Zibbernaut",
    "private": "Lockthistle",  # live, for logged-in readers only; locked by B's moderator
    "expired": "Ambermorrow",
    "moderation": "Pendrixal",  # in B's review workflow
    "spanish": "Borrasquel",  # B's Spanish translation of the live page
    "image": "Pictarune",
    "document": "Scrivelorn",
    "hotline": "Dialvesper",
    "appeal": "Givantrope",
    "help": "Succorvane",
    "staff": "Ozymandrel",  # B's moderator: username, names and email
    "redirect": "Wendlepath",
    "workflow": "Taskquorra",  # B's review workflow and its task, renamed for the test
    "token": "Tokvirelle",  # B's moderator's API token
    "upload": "Uplovane",  # files B's moderator uploaded and has not finished describing
    "tag": "Tagmorrel",  # on B's pages, image and document
    "giving": "Givvelquor",  # B's giving page address and Stripe keys
    "import": "Importavel",  # the file of a help directory import B's moderator started
}
# What readers of pines.localhost may see (B's live title, its own hotline, appeal and help
# resource, and the tags of its live stories): the public API is not faulted for showing them,
# on any host; every other surface is.
PUBLIC_MARKERS = {MARKERS[kind] for kind in ("live", "hotline", "appeal", "help", "tag")}
# How the report names what each word gave away.
WHAT = {
    "draft": "B's draft page's title",
    "live": "B's live page's title",
    "live_draft": "B's live page's newer draft",
    "private": "B's private page's title",
    "expired": "B's expired page's title",
    "moderation": "B's page in moderation's title",
    "spanish": "B's Spanish translation's title",
    "image": "B's image's title",
    "document": "B's document's title",
    "hotline": "B's hotline's name",
    "appeal": "B's appeal's headline",
    "help": "B's help resource's name",
    "import": "B's help directory import's file name",
    "staff": "B's staff's name or username",
    "redirect": "B's redirect's old path",
    "workflow": "B's workflow or task name",
    "token": "B's staff's API token's name",
    "upload": "B's staff's unfinished upload's file name",
    "tag": "B's tag",
    "giving": "B's giving settings or Stripe keys",
}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), (29, 53, 87)).save(buffer, format="PNG")
    return buffer.getvalue()


def titled(kind: str) -> str:
    return f"{SHARED} {MARKERS[kind]}"


def story(title: str, **extra) -> NewsStoryPage:
    return NewsStoryPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        date=datetime.date(2031, 1, 1),
        kind="news",
        summary=f"A summary of {title}.",
        body=[{"type": "text", "value": f"<p>{title}</p>"}],
        **extra,
    )


def add_story(index, title, staff, live=True) -> NewsStoryPage:
    page = story(title)
    page.live = live
    index.add_child(instance=page)
    page.tags.add(f"{SHARED.lower()}-{MARKERS['tag'].lower()}")
    revision = page.save_revision(user=staff)
    if live:
        revision.publish(user=staff)
    return NewsStoryPage.objects.get(pk=page.pk)


def build_b_world() -> SimpleNamespace:
    """Agency B's objects, each with its marker, made the way B's staff would have made them."""
    agency = Agency.objects.get(site__hostname=PINES)
    site = agency.site
    index = NewsIndexPage.objects.child_of(site.root_page).get()
    staff = member_of(agency.moderators, f"pines_{MARKERS['staff'].lower()}")
    staff.first_name, staff.last_name = MARKERS["staff"], "Pinestaff"
    staff.email = f"{MARKERS['staff'].lower()}@pines.example.org"
    staff.save()

    pages = {}
    pages["draft"] = add_story(index, titled("draft"), staff, live=False)

    live = add_story(index, f"{SHARED} {MARKERS['live']}", staff)
    live.title = titled("live_draft")
    live.summary = f"A draft that says {MARKERS['live_draft']}."
    live.save_revision(user=staff)
    pages["live_draft"] = NewsStoryPage.objects.get(pk=live.pk)

    private = add_story(index, titled("private"), staff)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    Page.objects.filter(pk=private.pk).update(
        locked=True, locked_by=staff, locked_at=timezone.now()
    )
    pages["private"] = NewsStoryPage.objects.get(pk=private.pk)

    expired = add_story(index, titled("expired"), staff)
    Page.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    pages["expired"] = NewsStoryPage.objects.get(pk=expired.pk)

    # Renamed for the test: the workflow's and its task's names then say whose they are.
    workflow = agency.workflow
    Workflow.objects.filter(pk=workflow.pk).update(name=f"{titled('workflow')} review")
    task = workflow.tasks.first().specific
    Task.objects.filter(pk=task.pk).update(name=f"{titled('workflow')} moderators")
    workflow.refresh_from_db()
    in_review = add_story(index, titled("moderation"), staff, live=False)
    workflow.start(in_review, staff)
    pages["moderation"] = NewsStoryPage.objects.get(pk=in_review.pk)

    pages["spanish"] = spanish_translation(pages["live_draft"], staff)

    image = Image.objects.create(
        title=titled("image"),
        file=ImageFile(io.BytesIO(png_bytes()), name="walls.png"),
        collection=agency.collection,
        uploaded_by_user=staff,
    )
    image.tags.add(f"{SHARED.lower()}-{MARKERS['tag'].lower()}")
    document = Document.objects.create(
        title=titled("document"),
        file=ContentFile(b"Walls notes.\n", name="walls.txt"),
        collection=agency.collection,
        uploaded_by_user=staff,
    )
    document.tags.add(f"{SHARED.lower()}-{MARKERS['tag'].lower()}")
    uploads = {
        model: UploadedFile.objects.create(
            file=ContentFile(png_bytes(), name=f"{MARKERS['upload'].lower()}.png"),
            for_content_type=ContentType.objects.get_for_model(model),
            uploaded_by_user=staff,
        )
        for model in (Image, Document)
    }

    hotline = Hotline(owner=site, name=titled("hotline"), phone="(207) 555-0199")
    hotline.save()
    appeal = DonationAppeal(
        owner=site,
        headline=titled("appeal"),
        text="<p>Why give.</p>",
        goal=5000,
        raised=100,
        donate_url="https://donate.example.org/walls",
    )
    appeal.save()
    help_resource = HelpResource(
        owner=site,
        organisation=titled("help"),
        services=["legal"],
        phone="(207) 555-0198",
        area=HelpResource.Area.NATIONAL,
        # Due to be verified again (but still shown to readers): listed in B's re-verification
        # report, which A's staff must not see.
        last_verified=months_before(timezone.localdate(), 13),
    )
    help_resource.save()
    snippets = {
        Hotline: hotline,
        DonationAppeal: appeal,
        HelpResource: help_resource,
        Organization: help_resource.organization,  # made with it, of its name and owner
    }
    for obj in snippets.values():
        if hasattr(obj, "save_revision"):
            obj.save_revision(user=staff)

    giving = GivingSettings.for_site(site)
    giving.processor = GivingSettings.Processor.STRIPE
    giving.provider_url = f"https://give.example.org/{MARKERS['giving']}?amount={{amount}}"
    giving.save()
    ProcessorSecrets.objects.create(
        site=site,
        stripe_secret_key=f"sk_test_{MARKERS['giving']}",
        stripe_webhook_secret=f"whsec_{MARKERS['giving']}",
    )

    redirect = Redirect.objects.create(
        old_path=f"/{MARKERS['redirect'].lower()}-old", site=site, redirect_page=pages["draft"]
    )
    help_import = HelpImport.objects.create(
        site=site,
        started_by=staff,
        kind=HelpImport.Kind.CSV,
        file_name=f"{MARKERS['import'].lower()}.csv",
        status=HelpImport.Status.REFUSED,
        errors=[f"line 2 ({MARKERS['import']}): area: Write national, states or local."],
    )
    # One a worker left behind, which its moderators may start again (its file still kept).
    interrupted_import = HelpImport.objects.create(
        site=site,
        started_by=staff,
        kind=HelpImport.Kind.CSV,
        file="help-imports/walls.csv",
        file_name=f"{MARKERS['import'].lower()}-interrupted.csv",
        status=HelpImport.Status.INTERRUPTED,
    )
    token = APIToken.create_token(user=staff, name=titled("token"))[0]
    session = EditingSession.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(pages["draft"].pk),
        last_seen_at=timezone.now(),
        is_editing=True,
    )

    from wagtail_localize.models import OverridableSegment, StringSegment, Translation

    translation = Translation.objects.get(
        source__object_id=pages["live_draft"].translation_key,
        target_locale__language_code="es",
    )
    segment = StringSegment.objects.filter(source=translation.source).first()
    overridable = OverridableSegment.objects.filter(source=translation.source).first()

    return SimpleNamespace(
        agency=agency,
        site=site,
        index=index,
        staff=staff,
        pages=pages,
        image=image,
        document=document,
        uploads=uploads,
        snippets=snippets,
        redirect=redirect,
        help_import=help_import,
        interrupted_import=interrupted_import,
        token=token,
        session=session,
        workflow=workflow,
        task=task,
        workflow_state=pages["moderation"].current_workflow_state,
        task_state=pages["moderation"].current_workflow_task_state,
        translation=translation,
        segment=segment,
        overridable=overridable or segment,
        a_story=NewsStoryPage.objects.filter(
            path__startswith=Site.objects.get(hostname=HARBOR).root_page.path
        )
        .live()
        .first(),
        a_index=NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get(),
    )


def spanish_translation(page, staff) -> Page:
    """B's live page translated into Spanish through wagtail-localize, the Spanish draft edited."""
    from wagtail_localize.operations import translate_object

    spanish = Locale.objects.get(language_code="es")
    with TestCase.captureOnCommitCallbacks(execute=True):
        translate_object(Page.objects.get(pk=page.pk).specific, [spanish])
    translated = page.get_translation(spanish).specific
    translated.title = titled("spanish")
    translated.save_revision(user=staff)
    return Page.objects.get(pk=translated.pk)


PAGE_LABELS = {
    "draft": "draft page",
    "live_draft": "live page with a newer draft",
    "private": "private (login) page",
    "expired": "expired page",
    "moderation": "page in moderation",
    "spanish": "Spanish translation",
    "index": "news index (parent of the above)",
}


def secrets_of(b) -> Secrets:
    secrets = Secrets(public_markers=set(PUBLIC_MARKERS))
    # B's staff's username contains MARKERS["staff"]: one word finds the username and the names.
    secrets.markers = {word: WHAT[kind] for kind, word in MARKERS.items()}
    pages = list(b.pages.values())
    for key, page in b.pages.items():
        secrets.edit_urls[reverse("wagtailadmin_pages:edit", args=[page.pk])] = PAGE_LABELS[key]
    secrets.edit_urls[reverse("wagtailimages:edit", args=[b.image.pk])] = "B's image"
    secrets.edit_urls[reverse("wagtaildocs:edit", args=[b.document.pk])] = "B's document"
    for model, obj in b.snippets.items():
        meta = model._meta
        url = reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[obj.pk])
        secrets.edit_urls[url] = f"B's {meta.verbose_name}"
    secrets.edit_urls[reverse("wagtailusers_users:edit", args=[b.staff.pk])] = "B's staff"
    secrets.edit_urls[f"/admin/redirects/{b.redirect.pk}/"] = "B's redirect"
    secrets.edit_urls[reverse("lantern_help_import", args=[b.help_import.pk])] = (
        "B's help directory import"
    )
    secrets.ids = {
        "page": {page.pk for page in pages},
        "image": {b.image.pk},
        "document": {b.document.pk},
        "user": {b.staff.pk},
        **{model._meta.model_name: {obj.pk} for model, obj in b.snippets.items()},
    }
    return secrets


def snapshot(b) -> dict:
    """B's objects as they are: each row that matters, and B's rows counted per table."""
    page_ids = [page.pk for page in b.pages.values()]
    tree = Q(path__startswith=b.site.root_page.path) | Q(pk__in=page_ids)
    spanish_home = b.site.root_page.get_translation_or_none(Locale.objects.get(language_code="es"))
    if spanish_home is not None:
        tree |= Q(path__startswith=spanish_home.path)
    page_ct = ContentType.objects.get_for_model(Page)
    snippet_q = Q()
    for model, obj in b.snippets.items():
        snippet_q |= Q(content_type=ContentType.objects.get_for_model(model), object_id=str(obj.pk))
    str_ids = [str(pk) for pk in page_ids]
    state = {
        "pages": list(
            Page.objects.filter(tree)
            .order_by("pk")
            .values_list(
                "pk",
                "path",
                "live",
                "title",
                "draft_title",
                "slug",
                "latest_revision_id",
                "live_revision_id",
                "has_unpublished_changes",
                "locked",
                "locked_by_id",
                "expire_at",
                "go_live_at",
                "owner_id",
                "alias_of_id",
                "url_path",
            )
        ),
        "page revisions": Revision.objects.filter(
            base_content_type=page_ct, object_id__in=str_ids
        ).count(),
        "snippet revisions": Revision.objects.filter(snippet_q).count(),
        "page log entries": PageLogEntry.objects.filter(page_id__in=page_ids).count(),
        "log entries": ModelLogEntry.objects.count(),
        "restrictions": list(
            PageViewRestriction.objects.filter(page__in=page_ids).values_list(
                "page_id", "restriction_type"
            )
        ),
        "page permissions": GroupPagePermission.objects.count(),
        "workflow states": list(
            WorkflowState.objects.filter(base_content_type=page_ct, object_id__in=str_ids)
            .order_by("pk")
            .values_list("pk", "status", "current_task_state_id")
        ),
        "task states": list(
            TaskState.objects.filter(workflow_state__object_id__in=str_ids)
            .order_by("pk")
            .values_list("pk", "status", "revision_id")
        ),
        "workflow": list(Workflow.objects.filter(pk=b.workflow.pk).values()),
        "task": list(Task.objects.filter(pk=b.task.pk).values()),
        "comments": Comment.objects.filter(page_id__in=page_ids).count(),
        "images": list(
            Image.objects.filter(collection=b.agency.collection).order_by("pk").values()
        ),
        "documents": list(
            Document.objects.filter(collection=b.agency.collection).order_by("pk").values()
        ),
        "collections": list(Collection.objects.order_by("pk").values_list("pk", "path", "name")),
        "uploads": sorted(UploadedFile.objects.values_list("pk", flat=True)),
        "redirects": list(Redirect.objects.filter(site=b.site).order_by("pk").values()),
        "staff": list(
            type(b.staff)
            .objects.filter(pk=b.staff.pk)
            .values(
                "username",
                "email",
                "first_name",
                "last_name",
                "is_active",
                "is_superuser",
                "password",
            )
        ),
        "staff groups": sorted(b.staff.groups.values_list("pk", flat=True)),
        "B's groups' members": sorted(
            type(b.staff)
            .objects.filter(groups__in=[b.agency.editors, b.agency.moderators])
            .values_list("pk", flat=True)
        ),
        "tokens": list(APIToken.objects.filter(user=b.staff).values()),
        "editing sessions": list(EditingSession.objects.filter(user=b.staff).values()),
        "site": list(Site.objects.filter(pk=b.site.pk).values()),
        "branding": list(SiteBranding.objects.filter(site=b.site).values()),
        "giving settings": list(GivingSettings.objects.filter(site=b.site).values()),
        "processor secrets": list(ProcessorSecrets.objects.filter(site=b.site).values()),
        "help imports": list(
            HelpImport.objects.filter(site=b.site).order_by("pk").values_list("pk", "status")
        ),
    }
    for model in b.snippets:
        state[model._meta.verbose_name] = list(
            model.objects.filter(owner=b.site).order_by("pk").values()
        )
    from wagtail_localize.models import Translation, TranslationSource

    state["translations"] = list(
        Translation.objects.filter(
            source__object_id__in=[p.translation_key for p in b.pages.values()]
        )
        .order_by("pk")
        .values_list("pk", "enabled", "target_locale_id")
    )
    state["translation sources"] = list(
        TranslationSource.objects.filter(
            object_id__in=[p.translation_key for p in b.pages.values()]
        )
        .order_by("pk")
        .values_list("pk", "last_updated_at")
    )
    from wagtail_localize.models import SegmentOverride, StringSegment, StringTranslation

    strings = StringSegment.objects.filter(source=b.translation.source).values("string_id")
    state["string translations"] = list(
        StringTranslation.objects.filter(
            translation_of_id__in=strings, locale=b.translation.target_locale
        )
        .order_by("pk")
        .values_list("pk", "data")
    )
    state["segment overrides"] = list(
        SegmentOverride.objects.filter(locale=b.translation.target_locale)
        .order_by("pk")
        .values_list("pk", "data_json")
    )
    return state


def changes(before: dict, after: dict) -> list[str]:
    return [key for key in before if before[key] != after.get(key)]
