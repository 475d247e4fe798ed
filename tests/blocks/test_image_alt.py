"""Alt text on image blocks, as editors meet it in the admin and readers get it: required to
publish or submit unless the image is marked decorative, and never the file's title."""

import pytest

from django.urls import reverse

from sites.content.pages import NewsStoryPage
from tests.admin_forms import story_form
from tests.conftest import logged_in
from tests.sites.agencies.test_workflow import HARBOR, add_story, path_of
from tests.sites.test_images import Pictures, get, no_cached_renditions, photo  # noqa: F401

pytestmark = pytest.mark.django_db

ALT_REQUIRED = "Please add some alt text for your image or mark it as decorative"


def with_images(form: dict, *images: tuple) -> dict:
    """`form` with an image block after its text for each (image, alt text, decorative)."""
    data = dict(form, **{"body-count": str(1 + len(images))})
    for n, (image, alt, decorative) in enumerate(images, start=1):
        prefix = f"body-{n}-"
        data |= {
            f"{prefix}deleted": "",
            f"{prefix}order": str(n),
            f"{prefix}type": "image",
            f"{prefix}id": "",
            f"{prefix}value-image-image": str(image.pk),
            f"{prefix}value-image-alt_text": alt,
            f"{prefix}value-caption": "",
            f"{prefix}value-credit": "",
        }
        if decorative:
            data[f"{prefix}value-image-decorative"] = "on"
    return data


def story(action: str, *images, slug="harbour-walk") -> dict:
    return with_images(story_form("Harbour walk", slug, **{action: "1"}), *images)


def body_imgs(html: str) -> list[dict]:
    """The <img> of each image block, in order."""
    figures = html.split('<figure class="block-image">')[1:]
    return [Pictures(figure[: figure.index("</figure>")]).imgs[0] for figure in figures]


@pytest.mark.parametrize(
    ("who", "action"), [("moderator", "action-publish"), ("editor", "action-submit")]
)
def test_an_image_without_alt_text_is_neither_published_nor_submitted(
    who, action, editor_a, moderator_a
):
    user = {"editor": editor_a, "moderator": moderator_a}[who]
    response = add_story(logged_in(user), HARBOR, story(action, (photo(), "", False)))
    assert response.status_code == 200
    assert ALT_REQUIRED in response.content.decode()
    assert not NewsStoryPage.objects.filter(slug="harbour-walk").exists()


def test_readers_get_the_editors_alt_text_or_none_for_a_decorative_image(moderator_a):
    lantern = photo("IMG_2041")
    response = add_story(
        logged_in(moderator_a),
        HARBOR,
        story(
            "action-publish",
            (lantern, "A lantern on the harbour wall at dusk", False),
            (lantern, "", True),
        ),
    )
    assert response.status_code == 302
    imgs = body_imgs(get(path_of(NewsStoryPage.objects.get(slug="harbour-walk"))))
    assert [img["alt"] for img in imgs] == ["A lantern on the harbour wall at dusk", ""]


def test_one_image_twice_keeps_each_blocks_own_alt_text(moderator_a, kept_by_workers):
    """What workers keep of a picture's markup is kept per alt text, not per image alone."""
    lantern = photo()
    add_story(
        logged_in(moderator_a),
        HARBOR,
        story("action-publish", (lantern, "Before dawn", False), (lantern, "After dusk", False)),
    )
    path = path_of(NewsStoryPage.objects.get(slug="harbour-walk"))
    for _ in range(2):  # written, then kept
        assert [img["alt"] for img in body_imgs(get(path))] == ["Before dawn", "After dusk"]


def test_a_draft_without_alt_text_never_shows_the_files_title(editor_a):
    client = logged_in(editor_a)
    saved = add_story(client, HARBOR, story("action-draft", (photo("sunrise"), "", False)))
    assert saved.status_code == 302  # a draft may wait for its alt text
    draft = NewsStoryPage.objects.get(slug="harbour-walk")
    html = client.get(reverse("wagtailadmin_pages:view_draft", args=[draft.pk])).content.decode()
    (img,) = body_imgs(html)
    assert img["alt"] == ""
