"""The reader path's own queries find what Django's ORM finds the ordinary way: each child of
each page by its slug, the pages under a page by its path's range, a site's newest stories."""

import pytest

from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

from sites.content.pages import by_story_date, newest_stories, story_types
from sites.content.specific import specific_rows
from sites.content.visibility import readable, within
from sites.serving.routing import child_query

pytestmark = pytest.mark.django_db


def test_every_child_of_every_page_is_found_as_the_orm_finds_it():
    parents = [page for page in Page.objects.filter(numchild__gt=0).specific() if page.depth > 1]
    assert len(parents) > 10
    for parent in parents:
        for child in parent.get_children():
            found = specific_rows(
                *child_query(parent.specific_class, parent.path, parent.depth + 1, child.slug)
            )
            assert [page.pk for page in found] == [child.pk], (parent, child.slug)
            assert type(found[0]) is child.specific_class
        nowhere = child_query(parent.specific_class, parent.path, parent.depth + 1, "no-such-page")
        assert specific_rows(*nowhere) == []


def test_pages_within_a_page_are_those_under_its_path():
    for page in Page.objects.all():
        below = Page.objects.filter(path__startswith=page.path).exclude(pk=page.pk)
        assert set(Page.objects.filter(within(page.path))) == set(below), page
        assert set(Page.objects.filter(within(page.path, inclusive=True))) == {*below, page}


@pytest.mark.parametrize("hidden", ["none", "private", "expired", "draft"])
def test_the_newest_stories_of_every_site_are_those_the_orm_orders_first(hidden):
    """However the newest of each site is hidden from readers, the next ones take its place."""
    for home in Page.objects.filter(depth=2):
        newest = by_story_date(readable(Page.objects).type(*story_types()).descendant_of(home))
        newest = newest.first()
        if newest is None or hidden == "none":
            continue
        if hidden == "private":
            PageViewRestriction.objects.create(page=newest, restriction_type="login")
        elif hidden == "expired":
            Page.objects.filter(pk=newest.pk).update(expire_at=timezone.now())
        else:
            Page.objects.filter(pk=newest.pk).update(live=False)
    for home in Page.objects.filter(depth=2).specific():
        found = specific_rows(newest_stories(home.path, timezone.now()), story_types())
        expected = by_story_date(readable(Page.objects).type(*story_types()).descendant_of(home))
        assert [page.pk for page in found] == [page.pk for page in expected[:3]], home
