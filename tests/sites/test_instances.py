"""Objects made from rows without Django's constructor (sites.instances) are the objects
Django's constructor makes: the same attributes with the same values, for every model with
rows in the demo network, and the same signals."""

import pytest

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_init, pre_init

from wagtail.fields import StreamValue
from wagtail.images import get_image_model
from wagtail.models import Page

from sites import instances
from sites.pages import NewsStoryPage
from tests.sites.test_images import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    """The demo network's stories have no pictures: one, with a real file."""
    return photo(size=(320, 200))


def comparable(obj) -> dict:
    found = {}
    for name, value in obj.__dict__.items():
        if name == "_state":
            value = (value.adding, value.db)
        elif isinstance(value, StreamValue):
            value = ("stream", value.get_prep_value())
        found[name] = value
    return found


def loaded(model, monkeypatch, *, as_django: bool) -> list:
    with monkeypatch.context() as patch:
        if as_django:
            patch.setattr(Model, "from_db", classmethod(instances._django_from_db))
        objects = list(model._base_manager.order_by("pk")[:20])
        # What came with select_related is made by the same from_db.
        if issubclass(model, Page):
            objects += list(model._base_manager.select_related("locale").order_by("pk")[:5])
        return objects


def test_lantern_makes_objects_from_rows():
    assert Model.from_db.__func__ is instances.from_db


def test_every_model_gets_from_a_row_what_djangos_constructor_gives_it(monkeypatch, image):
    compared = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        ours = loaded(model, monkeypatch, as_django=False)
        djangos = loaded(model, monkeypatch, as_django=True)
        assert len(ours) == len(djangos), model
        for mine, theirs in zip(ours, djangos, strict=True):
            assert type(mine) is type(theirs)
            assert comparable(mine) == comparable(theirs), (model, mine.pk)
        if ours and instances._plans.get(model):
            compared.add(model)
    # The demo network has rows of the models a reader page loads, each made the quick way.
    assert {NewsStoryPage, Page, get_image_model(), apps.get_model("blocks.Hotline")} <= compared


def test_a_loaded_page_works_as_djangos(monkeypatch):
    story = NewsStoryPage.objects.live().order_by("pk").first()
    assert story.body.raw_data and story.body[0].block_type  # a StreamField, not its JSON
    assert story.specific_class is NewsStoryPage and not story._state.adding
    story.title = "Renamed"
    story.save_revision()  # a loaded object saves as any other
    assert NewsStoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().title == (
        "Renamed"
    )


def test_an_image_has_its_file_and_the_attributes_its_constructor_sets(image):
    loaded = get_image_model().objects.get(pk=image.pk)
    assert loaded.file.name == image.file.name and loaded.file.instance is loaded  # a FieldFile
    assert loaded.decorative is False and loaded.contextual_alt_text is None
    assert (loaded.width, loaded.height) == (320, 200)


def test_post_init_is_sent_for_every_object_made():
    made = []

    def receiver(sender, instance, **kwargs):
        made.append((sender, instance.pk))

    post_init.connect(receiver, sender=NewsStoryPage)
    try:
        stories = list(NewsStoryPage.objects.order_by("pk")[:3])
    finally:
        post_init.disconnect(receiver, sender=NewsStoryPage)
    assert made == [(NewsStoryPage, story.pk) for story in stories]


def test_a_model_with_pre_init_receivers_is_made_by_its_constructor():
    given = []

    def receiver(sender, args, kwargs, **rest):
        given.append(len(args))

    pre_init.connect(receiver, sender=NewsStoryPage)
    try:
        story = NewsStoryPage.objects.order_by("pk").first()
    finally:
        pre_init.disconnect(receiver, sender=NewsStoryPage)
    assert given == [len(NewsStoryPage._meta.concrete_fields)]
    assert story.title


def test_a_model_with_a_constructor_of_its_own_is_made_by_it():
    class Counted(NewsStoryPage):
        made = 0

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            type(self).made += 1

        class Meta:
            proxy = True
            app_label = "agency_sites"

    assert instances._plan(Counted) is None
    stories = list(Counted.objects.order_by("pk")[:2])
    assert Counted.made == len(stories) == 2
