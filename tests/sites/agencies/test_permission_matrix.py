"""Who may do what, where: every role against every agency's pages, snippets, media and settings.

Each cell of MATRIX is one real request through the admin's own views and forms (the Django test
client posting to Wagtail's URLs), by one actor, on one target, with the outcome Lantern promises:

* an agency's editors write drafts, upload and edit media and snippets, in their agency only;
* its moderators may also publish, unpublish, move and delete pages, delete media and snippets,
  and edit their own site's branding;
* agency staff may look at and use (in pages, in branding) their agency's snippets and the
  network's, never another agency's; only network administrators change the network's own
  snippets (those with no owner);
* network administrators may do everything on every site;
* anonymous visitors may do nothing: the admin sends them to its login page.

A cell passes when the action succeeded exactly when it should. A refused cell must also leave
the database as it was: a snapshot of the target is taken before the request and compared after.
"""

import io
import json
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from PIL import Image as PILImage

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import rich_text

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.admin_forms import branding_form, hotline_form, story_form
from tests.conftest import logged_in, made_for_module

pytestmark = pytest.mark.django_db

HOSTS = {"A": "harbor.localhost", "B": "pines.localhost"}
ACTORS = ("editor_a", "moderator_a", "editor_b", "moderator_b", "network_admin", "anonymous")
# The agency each actor works for; None for the network administrator and the anonymous visitor.
AGENCY_OF = {"editor_a": "A", "moderator_a": "A", "editor_b": "B", "moderator_b": "B"}

Y, N = True, False

# fmt: off
MATRIX = [
    # action                     target     editor_a moderator_a editor_b moderator_b network_admin anonymous
    # Pages: a live news story under each agency's news index.
    ("page.list",                "A",       Y, Y, N, N, Y, N),
    ("page.list",                "B",       N, N, Y, Y, Y, N),
    ("page.open_edit_form",      "A",       Y, Y, N, N, Y, N),
    ("page.open_edit_form",      "B",       N, N, Y, Y, Y, N),
    ("page.save_draft",          "A",       Y, Y, N, N, Y, N),
    ("page.save_draft",          "B",       N, N, Y, Y, Y, N),
    ("page.publish",             "A",       N, Y, N, N, Y, N),
    ("page.publish",             "B",       N, N, N, Y, Y, N),
    ("page.unpublish",           "A",       N, Y, N, N, Y, N),
    ("page.unpublish",           "B",       N, N, N, Y, Y, N),
    ("page.delete",              "A",       N, Y, N, N, Y, N),
    ("page.delete",              "B",       N, N, N, Y, Y, N),
    ("page.move",                "A",       N, Y, N, N, Y, N),
    ("page.move",                "B",       N, N, N, Y, Y, N),
    ("page.copy",                "A",       Y, Y, N, N, Y, N),
    ("page.copy",                "B",       N, N, Y, Y, Y, N),
    # Moving or copying a story into the other agency's tree: the network's work only.
    ("page.move_to_other_agency", "A",      N, N, N, N, Y, N),
    ("page.move_to_other_agency", "B",      N, N, N, N, Y, N),
    ("page.copy_to_other_agency", "A",      N, N, N, N, Y, N),
    ("page.copy_to_other_agency", "B",      N, N, N, N, Y, N),
    # Hotlines (snippets): owned by agency A, agency B, or the network (no owner).
    ("hotline.create",           "A",       Y, Y, N, N, Y, N),
    ("hotline.create",           "B",       N, N, Y, Y, Y, N),
    ("hotline.create",           "network", N, N, N, N, Y, N),
    ("hotline.edit",             "A",       Y, Y, N, N, Y, N),
    ("hotline.edit",             "B",       N, N, Y, Y, Y, N),
    ("hotline.edit",             "network", N, N, N, N, Y, N),
    ("hotline.delete",           "A",       N, Y, N, N, Y, N),
    ("hotline.delete",           "B",       N, N, N, Y, Y, N),
    ("hotline.delete",           "network", N, N, N, N, Y, N),
    ("hotline.inspect",          "A",       Y, Y, N, N, Y, N),
    ("hotline.inspect",          "B",       N, N, Y, Y, Y, N),
    ("hotline.inspect",          "network", Y, Y, Y, Y, Y, N),
    # Using a hotline owned by the target in the actor's own work: a hotline panel in a story on
    # the actor's own site, and the primary hotline of the actor's own site's branding (the
    # network administrator and the anonymous visitor act on agency A's).
    ("hotline.use_in_own_page",  "A",       Y, Y, N, N, Y, N),
    ("hotline.use_in_own_page",  "B",       N, N, Y, Y, Y, N),
    ("hotline.use_in_own_page",  "network", Y, Y, Y, Y, Y, N),
    ("hotline.use_as_own_primary", "A",     N, Y, N, N, Y, N),
    ("hotline.use_as_own_primary", "B",     N, N, N, Y, Y, N),
    ("hotline.use_as_own_primary", "network", N, Y, N, Y, Y, N),
    # Donation appeals (snippets), the same rules.
    ("appeal.create",            "A",       Y, Y, N, N, Y, N),
    ("appeal.create",            "B",       N, N, Y, Y, Y, N),
    ("appeal.create",            "network", N, N, N, N, Y, N),
    ("appeal.edit",              "A",       Y, Y, N, N, Y, N),
    ("appeal.edit",              "B",       N, N, Y, Y, Y, N),
    ("appeal.edit",              "network", N, N, N, N, Y, N),
    ("appeal.delete",            "A",       N, Y, N, N, Y, N),
    ("appeal.delete",            "B",       N, N, N, Y, Y, N),
    ("appeal.delete",            "network", N, N, N, N, Y, N),
    ("appeal.inspect",           "A",       Y, Y, N, N, Y, N),
    ("appeal.inspect",           "B",       N, N, Y, Y, Y, N),
    ("appeal.inspect",           "network", Y, Y, Y, Y, Y, N),
    # Images and documents in each agency's collection.
    ("image.upload",             "A",       Y, Y, N, N, Y, N),
    ("image.upload",             "B",       N, N, Y, Y, Y, N),
    ("image.edit",               "A",       Y, Y, N, N, Y, N),
    ("image.edit",               "B",       N, N, Y, Y, Y, N),
    # Wagtail treats deleting media as changing it: whoever may edit an agency's files may
    # delete them; never another agency's.
    ("image.delete",             "A",       Y, Y, N, N, Y, N),
    ("image.delete",             "B",       N, N, Y, Y, Y, N),
    ("document.upload",          "A",       Y, Y, N, N, Y, N),
    ("document.upload",          "B",       N, N, Y, Y, Y, N),
    ("document.edit",            "A",       Y, Y, N, N, Y, N),
    ("document.edit",            "B",       N, N, Y, Y, Y, N),
    ("document.delete",          "A",       Y, Y, N, N, Y, N),
    ("document.delete",          "B",       N, N, Y, Y, Y, N),
    # Site settings.
    ("branding.edit",            "A",       N, Y, N, N, Y, N),
    ("branding.edit",            "B",       N, N, N, Y, Y, N),
]
# fmt: on

CELLS = [
    (actor, action, target, expected)
    for action, target, *row in MATRIX
    for actor, expected in zip(ACTORS, row, strict=True)
]
EXPECTED = {(actor, action, target): expected for actor, action, target, expected in CELLS}


# --- The world each cell acts on -------------------------------------------------------------


def site_of(target: str) -> Site | None:
    return None if target == "network" else Site.objects.get(hostname=HOSTS[target])


def agency_of(target: str) -> Agency:
    return Agency.objects.get(site__hostname=HOSTS[target])


def client_for(actor: str, request) -> Client:
    if actor == "anonymous":
        return Client()
    return logged_in(request.getfixturevalue(actor))


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), (29, 53, 87)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image(collection, title: str) -> Image:
    return Image.objects.create(
        title=title,
        file=ImageFile(io.BytesIO(png_bytes()), name="matrix.png"),
        collection=collection,
    )


def make_document(collection, title: str) -> Document:
    return Document.objects.create(
        title=title, file=ContentFile(b"Matrix notes.\n", name="matrix.txt"), collection=collection
    )


def news_index(site: Site) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(site.root_page).order_by("path").first()


def make_story(target: str) -> SimpleNamespace:
    """In the target agency's site, a live story under its news index and a second news index
    to move or copy it to (story_of(target) reads them back)."""
    site = site_of(target)
    story = NewsStoryPage(
        title=f"Matrix story of {target}",
        slug=f"matrix-story-{target.lower()}",  # each its own: one may move to the other's index
        date="2026-10-01",
        kind="news",
        summary="A story the permission matrix acts on.",
        body=json.dumps([{"type": "text", "value": "<p>First words.</p>"}]),
    )
    news_index(site).add_child(instance=story)
    story.save_revision().publish()
    archive = NewsIndexPage(title=f"Matrix archive of {target}", slug="matrix-archive")
    site.root_page.add_child(instance=archive)
    archive.save_revision().publish()
    return story_of(target)


@pytest.fixture(scope="module", autouse=True)
def matrix_stories(django_db_setup, django_db_blocker):
    """Each agency's story, made once for the module's cells; what a cell does to them is
    rolled back with it."""
    yield from made_for_module(django_db_blocker, lambda: [make_story(t) for t in HOSTS])


def story_of(target: str) -> SimpleNamespace:
    """The target agency's story, its news index, home and the other news index, as the
    database has them now."""
    site = site_of(target)
    home, index = site.root_page, news_index(site)
    return SimpleNamespace(
        story=Page.objects.child_of(index).get(slug=f"matrix-story-{target.lower()}"),
        index=index,
        home=home,
        dest=Page.objects.child_of(home).get(slug="matrix-archive"),
    )


HOTLINE_PHONE = "(207) 555-0100"
APPEAL_FIELDS = {
    "goal": "5000",
    "raised": "100",
    "donate_url": "https://donate.example.org/matrix",
    "end_date": "",
}


@dataclass(frozen=True)
class SnippetKind:
    model: type
    label: str  # the field the admin shows as the object's name

    @property
    def url_prefix(self) -> str:
        return f"wagtailsnippets_blocks_{self.model._meta.model_name}"

    def form(self, name: str, owner: Site | None) -> dict[str, str]:
        owner_value = str(owner.pk) if owner else ""
        if self.model is Hotline:
            return hotline_form(owner=owner_value, name=name, phone=HOTLINE_PHONE)
        return {
            "owner": owner_value,
            "headline": name,
            "text": rich_text("<p>Why give, in a sentence.</p>"),
            **APPEAL_FIELDS,
        }

    def make(self, name: str, owner: Site | None):
        if self.model is Hotline:
            obj = Hotline(owner=owner, name=name, phone=HOTLINE_PHONE)
        else:
            obj = DonationAppeal(
                owner=owner,
                headline=name,
                text="<p>Why give, in a sentence.</p>",
                goal=5000,
                raised=100,
                donate_url=APPEAL_FIELDS["donate_url"],
            )
        obj.full_clean()
        obj.save()
        return obj

    def named(self, name: str):
        return self.model.objects.filter(**{self.label: name})


SNIPPETS = {
    "hotline": SnippetKind(Hotline, "name"),
    "appeal": SnippetKind(DonationAppeal, "headline"),
}


def row(obj) -> dict | None:
    """The database row of obj as it is now, or None once it is gone."""
    fresh = type(obj).objects.filter(pk=obj.pk).first()
    return None if fresh is None else model_to_dict(fresh)


# --- Actions: each performs one real admin request and says whether it took effect ------------

NEW_TITLE = "Retitled by the matrix"


def edit_story_form(story: NewsStoryPage, title: str, **extra) -> dict[str, str]:
    """The story's edit form with a new title and the matrix's words as its body."""
    return story_form(
        title,
        story.slug,
        "Words the matrix wrote.",
        date=str(story.date),
        kind=story.kind,
        summary=story.summary,
        names_changed=False,
        tags="",
        **extra,
    )


class PageAction:
    # Keys of the page snapshot that a draft changes without anything going live.
    DRAFT_KEYS = frozenset({"latest_revision_id", "has_unpublished_changes", "revisions"})

    def prepare(self, target, actor):
        return story_of(target)

    def snapshot(self, ctx):
        page = Page.objects.filter(pk=ctx.story.pk).first()
        state = {
            "tree": list(
                ctx.home.get_descendants().order_by("path").values_list("pk", "path", "live")
            )
        }
        if hasattr(ctx, "other_home"):
            state["other_tree"] = list(
                ctx.other_home.get_descendants().order_by("path").values_list("pk", "path", "live")
            )
        if page is not None:
            state |= {
                "title": page.title,
                "slug": page.slug,
                "live": page.live,
                "url_path": page.url_path,
                "live_revision_id": page.live_revision_id,
                "latest_revision_id": page.latest_revision_id,
                "has_unpublished_changes": page.has_unpublished_changes,
                "locked": page.locked,
                "revisions": page.revisions.count(),
                "live_title": page.specific.title,
            }
        return state

    def fresh(self, ctx):
        return Page.objects.filter(pk=ctx.story.pk).first()


class ListPages(PageAction):
    def perform(self, client, ctx):
        return client.get(reverse("wagtailadmin_explore", args=[ctx.index.pk]))

    def succeeded(self, ctx, response):
        edit_url = reverse("wagtailadmin_pages:edit", args=[ctx.story.pk])
        return response.status_code == 200 and f'href="{edit_url}"' in response.text


class OpenEditForm(PageAction):
    def perform(self, client, ctx):
        return client.get(reverse("wagtailadmin_pages:edit", args=[ctx.story.pk]))

    def succeeded(self, ctx, response):
        return response.status_code == 200 and response.context.get("page") is not None


class SaveDraft(PageAction):
    def perform(self, client, ctx):
        story = ctx.story.specific
        return client.post(
            reverse("wagtailadmin_pages:edit", args=[story.pk]), edit_story_form(story, NEW_TITLE)
        )

    def succeeded(self, ctx, response):
        page = self.fresh(ctx)
        return page.get_latest_revision_as_object().title == NEW_TITLE


class Publish(PageAction):
    def perform(self, client, ctx):
        story = ctx.story.specific
        return client.post(
            reverse("wagtailadmin_pages:edit", args=[story.pk]),
            edit_story_form(story, NEW_TITLE, **{"action-publish": "Publish"}),
        )

    def succeeded(self, ctx, response):
        page = self.fresh(ctx).specific
        return page.live and page.title == NEW_TITLE and not page.has_unpublished_changes


class Unpublish(PageAction):
    def perform(self, client, ctx):
        return client.post(reverse("wagtailadmin_pages:unpublish", args=[ctx.story.pk]))

    def succeeded(self, ctx, response):
        return not self.fresh(ctx).live


class Delete(PageAction):
    def perform(self, client, ctx):
        return client.post(reverse("wagtailadmin_pages:delete", args=[ctx.story.pk]))

    def succeeded(self, ctx, response):
        return self.fresh(ctx) is None


class Move(PageAction):
    def perform(self, client, ctx):
        return client.post(
            reverse("wagtailadmin_pages:move_confirm", args=[ctx.story.pk, ctx.dest.pk])
        )

    def succeeded(self, ctx, response):
        return self.fresh(ctx).get_parent().pk == ctx.dest.pk


class Copy(PageAction):
    def perform(self, client, ctx):
        return client.post(
            reverse("wagtailadmin_pages:copy", args=[ctx.story.pk]),
            {
                "new_title": "Matrix copy",
                "new_slug": "matrix-copy",
                "new_parent_page": str(ctx.dest.pk),
            },
        )

    def succeeded(self, ctx, response):
        return Page.objects.child_of(ctx.dest).filter(slug="matrix-copy").exists()


class ToOtherAgency:
    """The story's destination is the other agency's stories index."""

    def prepare(self, target, actor):
        ctx = story_of(target)
        other = site_of("B" if target == "A" else "A")
        ctx.other_home, ctx.dest = other.root_page, news_index(other)
        return ctx


class MoveToOtherAgency(ToOtherAgency, Move):
    pass


class CopyToOtherAgency(ToOtherAgency, Copy):
    pass


class SnippetAction:
    def __init__(self, kind: str):
        self.kind = SNIPPETS[kind]


class CreateSnippet(SnippetAction):
    def prepare(self, target, actor):
        return SimpleNamespace(name=f"Matrix {target} new", owner=site_of(target))

    def perform(self, client, ctx):
        return client.post(
            reverse(f"{self.kind.url_prefix}:add"), self.kind.form(ctx.name, ctx.owner)
        )

    def succeeded(self, ctx, response):
        return self.kind.named(ctx.name).filter(owner=ctx.owner).exists()

    def snapshot(self, ctx):
        return sorted(self.kind.model.objects.values_list("pk", flat=True))


class EditSnippet(SnippetAction):
    """Renames the target. Agency staff also post their own site as owner: a takeover attempt
    when the target is another agency's or the network's, which only the view can refuse."""

    def prepare(self, target, actor):
        owner = site_of(target)
        own = AGENCY_OF.get(actor)
        return SimpleNamespace(
            obj=self.kind.make(f"Matrix {target} old", owner),
            posted_owner=site_of(own) if own else owner,
        )

    def perform(self, client, ctx):
        return client.post(
            reverse(f"{self.kind.url_prefix}:edit", args=[ctx.obj.pk]),
            self.kind.form("Matrix renamed", ctx.posted_owner),
        )

    def succeeded(self, ctx, response):
        return getattr(self.kind.model.objects.get(pk=ctx.obj.pk), self.kind.label) == (
            "Matrix renamed"
        )

    def snapshot(self, ctx):
        return row(ctx.obj)


class DeleteSnippet(SnippetAction):
    def prepare(self, target, actor):
        return SimpleNamespace(obj=self.kind.make(f"Matrix {target} doomed", site_of(target)))

    def perform(self, client, ctx):
        return client.post(reverse(f"{self.kind.url_prefix}:delete", args=[ctx.obj.pk]))

    def succeeded(self, ctx, response):
        return not self.kind.model.objects.filter(pk=ctx.obj.pk).exists()

    def snapshot(self, ctx):
        return row(ctx.obj)


class InspectSnippet(SnippetAction):
    def prepare(self, target, actor):
        return SimpleNamespace(obj=self.kind.make(f"Matrix {target} inspected", site_of(target)))

    def perform(self, client, ctx):
        return client.get(reverse(f"{self.kind.url_prefix}:inspect", args=[ctx.obj.pk]))

    def succeeded(self, ctx, response):
        return response.status_code == 200 and escape(str(ctx.obj)) in response.text

    def snapshot(self, ctx):
        return row(ctx.obj)


def own_side(actor: str) -> str:
    """The agency whose work the actor uses a snippet in: their own; A for everyone else."""
    return AGENCY_OF.get(actor, "A")


class UseHotlineInOwnPage(PageAction):
    """Saves a draft of a story on the actor's own site with a hotline panel holding the target's
    hotline, posted by id as the chooser would post it."""

    def prepare(self, target, actor):
        ctx = story_of(own_side(actor))
        ctx.hotline = SNIPPETS["hotline"].make(f"Matrix {target} chosen", site_of(target))
        return ctx

    def perform(self, client, ctx):
        story = ctx.story.specific
        data = edit_story_form(story, NEW_TITLE) | {
            "body-0-type": "hotline_panel",
            "body-0-value-heading": "Need help now?",
            "body-0-value-hotlines-count": "1",
            "body-0-value-hotlines-0-deleted": "",
            "body-0-value-hotlines-0-order": "0",
            "body-0-value-hotlines-0-id": "",
            "body-0-value-hotlines-0-value": str(ctx.hotline.pk),
        }
        del data["body-0-value"]
        return client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data)

    def succeeded(self, ctx, response):
        body = self.fresh(ctx).get_latest_revision_as_object().body
        return any(
            hotline.pk == ctx.hotline.pk
            for block in body
            if block.block_type == "hotline_panel"
            for hotline in block.value["hotlines"]
        )


class UseHotlineAsOwnPrimary:
    def prepare(self, target, actor):
        site = site_of(own_side(actor))
        return SimpleNamespace(
            site=site,
            branding=SiteBranding.for_site(site),
            hotline=SNIPPETS["hotline"].make(f"Matrix {target} primary", site_of(target)),
        )

    def perform(self, client, ctx):
        return client.post(
            reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", ctx.site.pk]),
            branding_form(ctx.branding, primary_hotline=str(ctx.hotline.pk)),
        )

    def succeeded(self, ctx, response):
        return SiteBranding.objects.get(site=ctx.site).primary_hotline_id == ctx.hotline.pk

    def snapshot(self, ctx):
        return model_to_dict(SiteBranding.objects.get(site=ctx.site))


@dataclass(frozen=True)
class MediaKind:
    model: type
    app: str  # URL namespace: wagtailimages or wagtaildocs

    def upload(self, name: str):
        if self.model is Image:
            return SimpleUploadedFile(name + ".png", png_bytes(), content_type="image/png")
        return SimpleUploadedFile(name + ".txt", b"Matrix notes.\n", content_type="text/plain")

    def make(self, collection, title):
        return (make_image if self.model is Image else make_document)(collection, title)

    def fields(self, title, collection) -> dict:
        data = {"title": title, "collection": str(collection.pk), "tags": ""}
        if self.model is Image:
            data |= {
                "description": "",
                "focal_point_x": "",
                "focal_point_y": "",
                "focal_point_width": "",
                "focal_point_height": "",
            }
        return data


MEDIA = {"image": MediaKind(Image, "wagtailimages"), "document": MediaKind(Document, "wagtaildocs")}


class MediaAction:
    def __init__(self, kind: str):
        self.kind = MEDIA[kind]


class UploadMedia(MediaAction):
    def prepare(self, target, actor):
        return SimpleNamespace(collection=agency_of(target).collection, title=f"Matrix {target} up")

    def perform(self, client, ctx):
        data = self.kind.fields(ctx.title, ctx.collection)
        data["file"] = self.kind.upload("matrix-upload")
        return client.post(reverse(f"{self.kind.app}:add"), data)

    def succeeded(self, ctx, response):
        return self.kind.model.objects.filter(title=ctx.title, collection=ctx.collection).exists()

    def snapshot(self, ctx):
        # What lands elsewhere (an editor's upload falls back to their own collection) is not
        # this cell's business; nothing may land in the target collection.
        return sorted(
            self.kind.model.objects.filter(collection=ctx.collection).values_list("pk", flat=True)
        )


class EditMedia(MediaAction):
    def prepare(self, target, actor):
        collection = agency_of(target).collection
        return SimpleNamespace(obj=self.kind.make(collection, f"Matrix {target} media"))

    def perform(self, client, ctx):
        return client.post(
            reverse(f"{self.kind.app}:edit", args=[ctx.obj.pk]),
            self.kind.fields("Matrix retitled", ctx.obj.collection),
        )

    def succeeded(self, ctx, response):
        return self.kind.model.objects.get(pk=ctx.obj.pk).title == "Matrix retitled"

    def snapshot(self, ctx):
        return row(ctx.obj)


class DeleteMedia(EditMedia):
    def perform(self, client, ctx):
        return client.post(reverse(f"{self.kind.app}:delete", args=[ctx.obj.pk]))

    def succeeded(self, ctx, response):
        return not self.kind.model.objects.filter(pk=ctx.obj.pk).exists()


class EditBranding:
    def prepare(self, target, actor):
        site = site_of(target)
        return SimpleNamespace(site=site, branding=SiteBranding.for_site(site))

    def perform(self, client, ctx):
        return client.post(
            reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", ctx.site.pk]),
            branding_form(ctx.branding, display_name="Name set by the matrix"),
        )

    def succeeded(self, ctx, response):
        return SiteBranding.objects.get(site=ctx.site).display_name == "Name set by the matrix"

    def snapshot(self, ctx):
        return model_to_dict(SiteBranding.objects.get(site=ctx.site))


ACTIONS = {
    "page.list": ListPages(),
    "page.open_edit_form": OpenEditForm(),
    "page.save_draft": SaveDraft(),
    "page.publish": Publish(),
    "page.unpublish": Unpublish(),
    "page.delete": Delete(),
    "page.move": Move(),
    "page.copy": Copy(),
    "page.move_to_other_agency": MoveToOtherAgency(),
    "page.copy_to_other_agency": CopyToOtherAgency(),
    "hotline.create": CreateSnippet("hotline"),
    "hotline.edit": EditSnippet("hotline"),
    "hotline.delete": DeleteSnippet("hotline"),
    "hotline.inspect": InspectSnippet("hotline"),
    "hotline.use_in_own_page": UseHotlineInOwnPage(),
    "hotline.use_as_own_primary": UseHotlineAsOwnPrimary(),
    "appeal.create": CreateSnippet("appeal"),
    "appeal.edit": EditSnippet("appeal"),
    "appeal.delete": DeleteSnippet("appeal"),
    "appeal.inspect": InspectSnippet("appeal"),
    "image.upload": UploadMedia("image"),
    "image.edit": EditMedia("image"),
    "image.delete": DeleteMedia("image"),
    "document.upload": UploadMedia("document"),
    "document.edit": EditMedia("document"),
    "document.delete": DeleteMedia("document"),
    "branding.edit": EditBranding(),
}


def unchanged_view(action: str, actor: str, target: str, state):
    """The part of the snapshot a refused cell must leave alone.

    An editor who may save drafts of the page and presses Publish saves a draft (Wagtail falls
    back to saving when publishing is not allowed): only what readers see must stay the same.
    """
    if action == "page.publish" and EXPECTED[(actor, "page.save_draft", target)]:
        return {key: value for key, value in state.items() if key not in PageAction.DRAFT_KEYS}
    return state


def outcome(response) -> str:
    where = response.get("Location", "")
    text = f"HTTP {response.status_code} {where}".strip()
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    if form is not None and form.errors:
        text += f", form errors {dict(form.errors)}"
    return text


def cell_id(cell) -> str:
    actor, action, target, expected = cell
    return f"{actor}-{action}-{target}-{'allowed' if expected else 'refused'}"


@pytest.mark.parametrize(("actor", "action", "target", "expected"), CELLS, ids=map(cell_id, CELLS))
def test_permission_cell(request, actor, action, target, expected):
    act = ACTIONS[action]
    client = client_for(actor, request)
    ctx = act.prepare(target, actor)
    before = act.snapshot(ctx)

    response = act.perform(client, ctx)

    done = act.succeeded(ctx, response)
    verdict = "allowed" if done else "refused"
    assert done is expected, f"{actor} {action} on {target}: {verdict} ({outcome(response)})"
    if not expected:
        assert unchanged_view(action, actor, target, act.snapshot(ctx)) == unchanged_view(
            action, actor, target, before
        ), f"{actor} {action} on {target}: refused, but the database changed"
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


# --- What each agency sees in listings and choosers ------------------------------------------


def hotline_names(**owner):
    return [escape(name) for name in Hotline.objects.filter(**owner).values_list("name", flat=True)]


def assert_shows_own_and_network_hotlines_only(html: str):
    own = hotline_names(owner__hostname=HOSTS["A"])
    network = hotline_names(owner__isnull=True)
    other = hotline_names(owner__hostname=HOSTS["B"])
    assert own and network and other
    assert [name for name in own + network if name not in html] == []
    assert [name for name in other if name in html] == []


def test_hotline_listing_shows_editor_a_their_own_and_the_networks_not_bs(editor_a):
    response = logged_in(editor_a).get(reverse("wagtailsnippets_blocks_hotline:list"))
    assert response.status_code == 200
    assert_shows_own_and_network_hotlines_only(response.text)


def test_hotline_chooser_offers_editor_a_their_own_and_the_networks_not_bs(editor_a):
    response = logged_in(editor_a).get(reverse("wagtailsnippetchoosers_blocks_hotline:choose"))
    assert response.status_code == 200
    assert_shows_own_and_network_hotlines_only(response.json()["html"])


@pytest.mark.parametrize(
    ("app", "kind"),
    [("wagtailimages", "image"), ("wagtaildocs", "document")],
    ids=["images", "documents"],
)
def test_media_index_and_chooser_hide_bs_files_from_editor_a(editor_a, network_admin, app, kind):
    admin = logged_in(network_admin)
    for target in ("A", "B"):
        fields = MEDIA[kind].fields(f"Matrix seen in {target}", agency_of(target).collection)
        response = admin.post(
            reverse(f"{app}:add"), fields | {"file": MEDIA[kind].upload(f"seen-{target}")}
        )
        assert response.status_code == 302, outcome(response)
    assert MEDIA[kind].model.objects.filter(title__startswith="Matrix seen in").count() == 2

    client = logged_in(editor_a)
    index = client.get(reverse(f"{app}:index"))
    chooser = client.get(reverse(f"{app}_chooser:choose"))

    assert index.status_code == 200 and chooser.status_code == 200
    for html in (index.text, chooser.json()["html"]):
        assert "Matrix seen in A" in html
        assert "Matrix seen in B" not in html


def test_the_matrix_has_one_cell_per_actor_action_and_target():
    assert len(CELLS) == 384
    assert len(EXPECTED) == len(CELLS)
    assert set(ACTIONS) == {action for action, *_ in MATRIX}
    per_actor = Counter(actor for actor, *_ in CELLS)
    assert per_actor == dict.fromkeys(ACTORS, 64)
