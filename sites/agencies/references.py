"""Which pages an agency's staff may reference in blocks, and where in a stream each reference sits.

A block (related stories, a call to action, a link in rich text, the home page's featured
stories) may name a page of the agency's own site, in any of its languages and in any state,
or a live story another agency shares with the network. Network administrators may name any
page. The admin's page form and the management API (which binds the same form) ask
`pages_usable_by`; readers are protected again when the page is shown (blocks.chosen).
"""

from collections.abc import Mapping

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import escape

from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import LinkRewriter

from sites.agencies.tenancy import is_network_admin
from sites.agencies.walls import own_tree_q


def shared_stories():
    """Stories another agency has shared with the network and that are live."""
    story = apps.get_model("agency_sites", "NewsStoryPage")
    return story.objects.filter(share_with_network=True, live=True)


def pages_usable_by(user):
    """The pages `user` may reference in a block: their agencies' sites' pages (every language
    tree, drafts included) and the network's shared live stories. None for a network
    administrator, who may reference any page."""
    if is_network_admin(user):
        return None
    return Page.objects.filter(own_tree_q(user) | Q(pk__in=shared_stories().values("pk")))


def refusal(pk) -> str:
    """Why a page the user may not reference is refused, without telling its title (it may be
    another agency's draft)."""
    if shared_stories().model.objects.filter(pk=pk, share_with_network=True).exists():
        return (
            f"Page {pk} is a story another agency shares with the network, but it is not "
            "published: choose it once it is live."
        )
    return (
        f"Page {pk} belongs to another agency and is not shared with the network: choose one "
        "of your agency's pages or a story a partner shares."
    )


def choosers(block, value, path=()):
    """(path, block, value) for every chooser, rich text and other field in a stream `value`
    of `block`, at any depth: `path` is the stream indexes, struct names and list indexes
    leading to it, as Wagtail's block errors are keyed."""
    if isinstance(block, blocks.StreamBlock):
        for index, child in enumerate(value or []):
            yield from choosers(child.block, child.value, (*path, index))
    elif isinstance(block, blocks.StructBlock) and isinstance(value, Mapping):
        # (Wagtail's ImageBlock is a StructBlock whose value is an image: one leaf.)
        for name, child in block.child_blocks.items():
            yield from choosers(child, value.get(name), (*path, name))
    elif isinstance(block, blocks.ListBlock):
        for index, item in enumerate(value or []):
            yield from choosers(block.child_block, item, (*path, index))
    else:
        yield path, block, value


def error_at(block, value, messages: dict[tuple, list[str]]) -> ValidationError:
    """Wagtail's nested block error for `messages` (path → messages) inside `value` of `block`:
    the admin shows each at the chooser it is about, the management API names its place."""
    if () in messages:
        return ValidationError(messages[()])
    heads: dict = {}
    for (head, *rest), found in messages.items():
        heads.setdefault(head, {})[tuple(rest)] = found
    if isinstance(block, blocks.StreamBlock):
        children = list(value)
        return StreamBlockValidationError(
            block_errors={
                index: error_at(children[index].block, children[index].value, inner)
                for index, inner in heads.items()
            }
        )
    if isinstance(block, blocks.StructBlock):
        return StructBlockValidationError(
            block_errors={
                name: error_at(block.child_blocks[name], value.get(name), inner)
                for name, inner in heads.items()
            }
        )
    items = list(value)
    return ListBlockValidationError(
        block_errors={
            index: error_at(block.child_block, items[index], inner)
            for index, inner in heads.items()
        }
    )


def child_at(block, value, key):
    """The child block and value at `key` (a stream or list index, a struct name)."""
    if isinstance(block, blocks.StreamBlock):
        child = value[key]
        return child.block, child.value
    if isinstance(block, blocks.StructBlock):
        return block.child_blocks[key], value.get(key)
    return block.child_block, value[key]


def forget_refused(block, value, path: tuple, refused_ids: set[str]) -> None:
    """Take the refused pages out of `value` (in place) at `path`: a chooser left empty, links
    in rich text left without their page. The form shown again with its errors then does not
    show back another agency's page (the chooser would give its title and address)."""
    *above, last = path
    for key in above:
        block, value = child_at(block, value, key)
    leaf_block, leaf = child_at(block, value, last)
    if isinstance(leaf_block, blocks.RichTextBlock) and leaf is not None:

        def page_link(attrs):
            if attrs.get("id") in refused_ids:
                return "<a>"
            return f'<a linktype="page" id="{escape(attrs.get("id", ""))}">'

        replacement = RichText(LinkRewriter(rules={"page": page_link})(leaf.source))
    elif isinstance(leaf_block, blocks.ChooserBlock):
        replacement = None
    else:
        return
    if isinstance(block, blocks.StreamBlock):
        value[last].value = replacement
    else:
        value[last] = replacement
