"""modelcluster's child relations, kept per model (sites.clusters), answer as modelcluster's
own code does, and follow a model whose fields change."""

import pytest

import modelcluster.models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.models import Page, get_page_models

from sites import clusters
from sites.pages import NewsIndexPage, NewsStoryPage
from sites.sharing import SharedStory


def worked_out(model) -> tuple[list, list]:
    """What modelcluster works out each time (its own code, before sites.clusters)."""
    fields = model._meta.get_fields()
    return (
        [field for field in fields if isinstance(field.remote_field, ParentalKey)],
        [field for field in fields if isinstance(field, ParentalManyToManyField)],
    )


def test_modelcluster_asks_lantern_for_child_relations():
    assert modelcluster.models.get_all_child_relations is clusters.get_all_child_relations
    assert modelcluster.models.get_all_child_m2m_relations is clusters.get_all_child_m2m_relations


@pytest.mark.django_db  # a new page object looks up its content type
def test_the_kept_answer_is_modelclusters_for_every_page_type_and_object():
    for model in get_page_models():
        relations, m2m = worked_out(model)
        assert clusters.get_all_child_relations(model) == relations, model
        assert clusters.get_all_child_m2m_relations(model) == m2m, model
        assert clusters.get_all_child_relations(model()) == relations, model
    names = {field.name for field in clusters.get_all_child_relations(NewsIndexPage)}
    assert "shared_stories" in names
    assert "tagged_items" in {f.name for f in clusters.get_all_child_relations(NewsStoryPage)}


def test_a_caller_changing_the_answer_changes_nothing_kept():
    clusters.get_all_child_relations(NewsIndexPage).clear()
    assert clusters.get_all_child_relations(NewsIndexPage) == worked_out(NewsIndexPage)[0]


def test_the_answer_follows_the_models_fields_when_django_works_them_out_again():
    clusters.get_all_child_relations(NewsIndexPage)
    kept_from = clusters._found[NewsIndexPage][0]
    NewsIndexPage._meta._expire_cache()  # as Django does when another model is registered
    assert NewsIndexPage._meta.get_fields() is not kept_from
    assert clusters.get_all_child_relations(NewsIndexPage) == worked_out(NewsIndexPage)[0]
    assert clusters._found[NewsIndexPage][0] is NewsIndexPage._meta.get_fields()


@pytest.mark.django_db
def test_child_objects_passed_to_a_page_are_still_its_children():
    placement = SharedStory(story=NewsStoryPage(title="Shared"))
    index = NewsIndexPage(title="Stories", shared_stories=[placement])
    assert list(index.shared_stories.all()) == [placement]
    assert Page(title="Plain").title == "Plain"
