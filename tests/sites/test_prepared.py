"""Queries compiled once per worker (sites.prepared): the same rows as the queryset compiled
each time, whatever the values, and the SQL compiled only once for each shape."""

import datetime
import io
import re

import pytest

from django.core.management import call_command
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, Site

from sites.pages import (
    AwarenessArticlePage,
    HomePage,
    NewsStoryPage,
    by_story_date,
    newest_stories,
    story_types,
)
from sites.prepared import Prepared, Written
from sites.routing import child_query
from sites.specific import specific_rows
from sites.synthetic import hostname_for
from sites.visibility import privacy, readable, within
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def test_every_child_of_every_page_is_found_as_the_orm_finds_it():
    parents = [page for page in Page.objects.filter(numchild__gt=0).specific() if page.depth > 1]
    assert len(parents) > 10
    for parent in parents:
        prepared, types = child_query(parent.specific_class)
        for child in parent.get_children():
            found = specific_rows(
                prepared.run(path=parent.path, depth=parent.depth + 1, slug=child.slug), types
            )
            assert [page.pk for page in found] == [child.pk], (parent, child.slug)
            assert type(found[0]) is child.specific_class
        nowhere = prepared.run(path=parent.path, depth=parent.depth + 1, slug="no-such-page")
        assert list(nowhere) == []


def test_the_sql_is_compiled_once_for_each_shape(monkeypatch):
    pages = list(Page.objects.order_by("pk")[:6])
    compiled = []
    real = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler,
        "as_sql",
        lambda self, *a, **k: compiled.append(1) or real(self, *a, **k),
    )
    titles = Prepared(Page, lambda ids: Page.objects.filter(pk__in=ids).order_by("pk"))
    for first, second in [(0, 1), (2, 3), (4, 5)]:
        ids = [pages[first].pk, pages[second].pk]
        assert [page.pk for page in titles.run(ids=ids)] == ids
    assert len(compiled) == 1, "two ids: one shape, compiled once"
    assert [page.pk for page in titles.run(ids=[pages[3].pk])] == [pages[3].pk]
    assert len(compiled) == 2, "one id is another shape"
    assert list(titles.run(ids=[])) == [], "no ids: nothing, and no query to prepare"


def test_values_inside_a_like_pattern_are_escaped_as_django_escapes_them():
    starting = Prepared(Page, lambda start: Page.objects.filter(title__startswith=start))
    home = Page.objects.filter(depth=2).first()
    home.title = "50% more shelter beds"
    home.save(update_fields=["title"])
    assert [page.pk for page in starting.run(start="50%")] == [home.pk]
    assert list(starting.run(start="5_%")) == [], "_ and % are letters here, not wildcards"
    assert list(starting.run(start="50")) == list(Page.objects.filter(title__startswith="50"))


def test_a_value_with_a_suffix_is_filled_in_as_it_is():
    """Not escaped as a LIKE pattern would be: `within`'s upper bound is a path and a "~"."""
    up_to = Prepared(Page, lambda end: Page.objects.filter(title__lt=end + "~").order_by("pk"))
    first, second = Page.objects.filter(depth=2)[:2]
    Page.objects.filter(pk=first.pk).update(title="50%_off")
    # Past "50%_off~", but before "50\%\_off~", as the escaped value would have it.
    Page.objects.filter(pk=second.pk).update(title="50A")
    for end in ("50%_off", "50", "Z"):
        expected = list(Page.objects.filter(title__lt=end + "~").order_by("pk"))
        assert list(up_to.run(end=end)) == expected, end
    assert second not in up_to.run(end="50%_off")


def test_pages_within_a_page_are_those_under_its_path():
    for page in Page.objects.all():
        below = Page.objects.filter(path__startswith=page.path).exclude(pk=page.pk)
        assert set(Page.objects.filter(within(page.path))) == set(below), page
        assert set(Page.objects.filter(within(page.path, inclusive=True))) == {*below, page}


def test_a_moment_is_filled_in_as_the_database_wants_it():
    story = NewsStoryPage.objects.live().first()
    story.expire_at = timezone.now() + datetime.timedelta(days=1)
    story.save(update_fields=["expire_at"])
    stories = Prepared(
        Page, lambda now: readable(Page.objects, now).filter(pk=story.pk).order_by("pk")
    )
    assert [page.pk for page in stories.run(now=timezone.now())] == [story.pk]
    later = timezone.now() + datetime.timedelta(days=2)
    assert list(stories.run(now=later)) == []


def test_a_value_that_changes_the_sql_is_compiled_each_time_and_still_right():
    titled = Prepared(Page, lambda title: Page.objects.filter(title=title).order_by("pk"))
    for title in (None, "Root", None, Page.objects.filter(depth=2).first().title):
        expected = list(Page.objects.filter(title=title).order_by("pk"))
        assert list(titled.run(title=title)) == expected, title


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
        found = specific_rows(
            newest_stories(home.path, timezone.now()),
            story_types(),
        )
        expected = by_story_date(readable(Page.objects).type(*story_types()).descendant_of(home))[
            :3
        ]
        assert [page.pk for page in found] == [page.pk for page in expected], home


def test_every_run_gives_values_in_their_python_types():
    """What converts each column (dates, moments, booleans) is worked out once: later runs,
    with other values, still get them converted."""
    stories = Prepared(
        NewsStoryPage,
        lambda ids: (
            NewsStoryPage.objects.filter(pk__in=ids)
            .order_by("pk")
            .values("pk", "date", "first_published_at", "live", "share_with_network")
        ),
    )
    ids = list(NewsStoryPage.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 4
    for pair in (ids[:2], ids[2:4], ids[:2]):
        found = list(stories.run(ids=pair))
        assert found == list(stories.build(ids=pair))
        assert isinstance(found[0]["date"], datetime.date)
        assert found[0]["first_published_at"].tzinfo is not None
        assert found[0]["live"] is True


def test_an_integer_value_is_prepared_on_every_database():
    """Django's PostgreSQL backend hands an IntegerField's value to psycopg as an Int4: still a
    value to fill in, so the query is compiled once (routing to a child page filters on its
    depth: it was compiled on every request on PostgreSQL)."""
    at_depth = Prepared(Page, lambda depth: Page.objects.filter(depth=depth).order_by("pk"))
    for depth in (2, 3, 2):
        assert list(at_depth.run(depth=depth)) == list(at_depth.build(depth=depth))
    assert list(at_depth._compiled.values()) != [None]
    parent = Page.objects.filter(depth=3, numchild__gt=0).specific().first()
    prepared, types = child_query(parent.specific_class)
    child = parent.get_children().first()
    found = prepared.run(path=parent.path, depth=parent.depth + 1, slug=child.slug)
    assert [page.pk for page in specific_rows(found, types)] == [child.pk]
    assert None not in prepared._compiled.values()


def test_a_uuid_value_is_prepared_on_every_database():
    """Translation keys are UUIDs: a value too (SQLite writes them as hex digits)."""
    translations = Prepared(
        Page, lambda key: Page.objects.filter(translation_key=key).order_by("pk")
    )
    for page in Page.objects.filter(depth__gt=1).order_by("pk")[:4]:
        expected = list(Page.objects.filter(translation_key=page.translation_key).order_by("pk"))
        assert list(translations.run(key=page.translation_key)) == expected
    assert len(translations._compiled) == 1 and None not in translations._compiled.values()


@pytest.mark.parametrize("kind", [HomePage, NewsStoryPage, AwarenessArticlePage])
def test_a_reader_page_served_again_compiles_no_sql(kind, kept_by_workers, monkeypatch):
    """Every query of a home page, a story or an article is compiled once per worker, checking
    a public page's view restrictions included (Django compiles even an empty queryset)."""
    compiled = []
    real = SQLCompiler.as_sql
    for page in kind.objects.live().filter(locale__language_code="en"):
        site = page.get_site()
        client, path = site_client(site.hostname), page.get_url_parts()[2]
        assert client.get(path).status_code == 200, path
        monkeypatch.setattr(
            SQLCompiler,
            "as_sql",
            lambda self, *a, **k: (
                compiled.append(__import__("traceback").format_stack(limit=14))
                or real(self, *a, **k)
            ),
        )
        assert client.get(path).status_code == 200, path
        monkeypatch.setattr(SQLCompiler, "as_sql", real)
        assert compiled == [], path


def prepared_on_server() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_postgresql_keeps_a_reader_pages_queries_prepared(kept_by_workers, settings):
    """On PostgreSQL a story's queries are parsed and planned once per connection (psycopg
    prepares a query it has run five times): its routing query among them, and the page the
    same every time. `LANTERN_PREPARED_STATEMENTS = False`: nothing is prepared."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; CI runs this on PostgreSQL")
    page = NewsStoryPage.objects.live().filter(locale__language_code="en").first()
    client, path = site_client(page.get_site().hostname), page.get_url_parts()[2]
    settings.LANTERN_PREPARED_STATEMENTS = False
    first = client.get(path).content
    for _ in range(7):
        assert client.get(path).content == first
    assert not any('"agency_sites_newsstorypage"' in sql for sql in prepared_on_server())
    settings.LANTERN_PREPARED_STATEMENTS = True
    for _ in range(7):
        assert client.get(path).content == first
    prepared = prepared_on_server()
    routing = [sql for sql in prepared if '"wagtailcore_page"."slug" = $' in sql]
    assert routing, prepared
    assert all("$1" in sql for sql in prepared), "values bound apart from the SQL"


@pytest.mark.parametrize(
    "listing, statement",
    [("home", "%%UNION ALL%%"), ("api", '%%AS "listed"%%')],
    ids=["home page's newest stories", "API listing's window"],
)
def test_postgresql_plans_a_sites_listings_for_the_site(kept_by_workers, listing, statement):
    """PostgreSQL keeps a generic plan for a prepared query after five runs, made without its
    values. Made without the site's path, the home page's newest stories looked like a scan of
    every page, so it planned them afresh on every home page (1 ms, ten times their run); the
    API's window took the site for a handful of pages and sorted all of them (1.1 ms against
    0.4). The site's path is written into their SQL: each site's own statement, planned for it."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; CI runs this on PostgreSQL")
    # A site of a few hundred stories, and what autovacuum would know of the tables.
    call_command("generate_content", sites=1, pages_per_site=300, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    home = Site.objects.get(hostname=hostname_for(1)).root_page
    client = site_client(hostname_for(1))
    path = home.get_url_parts()[2] if listing == "home" else "/api/pages?limit=20"
    first = client.get(path).content
    for _ in range(14):  # psycopg prepares a query it has run 5 times; PostgreSQL plans 5 more
        assert client.get(path).content == first
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [statement],
        )
        (generic, custom, sql), *others = cursor.fetchall()
    assert not others
    assert re.search(rf"\"path\" >=? \(?'{home.path}'\)?", sql), "the site's path, written in"
    assert generic >= 4 and custom == 5, (generic, custom)


def test_a_written_value_is_written_into_the_sql_each_its_own_copy(monkeypatch):
    """`Written` values go into the SQL's text (checked to hold only a tree path's characters),
    compiled once: each value its own text, the rows those the ORM finds."""
    root = Page.get_first_root_node()
    homes = [root.add_child(instance=Page(title=f"Tree {n}", slug=f"tree-{n}")) for n in (1, 2)]
    for home in homes:
        for n in range(3):
            home.add_child(instance=Page(title=f"Leaf {n}", slug=f"leaf-{n}"))
    expected = {
        home.path: list(
            Page.objects.filter(path__startswith=home.path).exclude(pk=home.pk).order_by("path")
        )
        for home in homes
    }
    compiled = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    pages = Prepared(Page, lambda path: Page.objects.filter(within(path)).order_by("path"))
    for home in homes:
        with CaptureQueriesContext(connection) as queries:
            assert list(pages.run(path=Written(home.path))) == expected[home.path], home
        (query,) = queries.captured_queries
        assert re.search(rf"> \(?'{home.path}'\)?", query["sql"]), "written into the SQL"
    assert len(compiled) == 1, "compiled once"
    with pytest.raises(ValueError, match="not a value to write"):
        list(pages.run(path=Written("0001' OR '1'='1")))


def test_the_privacy_check_writes_its_constants_into_the_sql():
    """PostgreSQL keeps a generic plan for a prepared query, made without its values: the
    aliases' `alias_of > 0` passed as a value looked to it like a third of every page, and it
    scanned all of them for every page routed (17 ms at 50 sites). Written into the SQL, it
    walks the index of the few aliases."""
    sql, _ = Page.objects.annotate(**privacy()).query.get_compiler("default").as_sql()
    assert re.search(r'"alias_of_id" > \(?0\)?', sql), sql
    assert re.search(r"SUBSTR(ING)?\([^,]+, \(?1\)?,", sql), "an ancestor's path from its start"


def test_sqlite_rewrites_a_prepared_querys_sql_once(kept_by_workers, monkeypatch):
    """On SQLite, Django rewrites each query's `%s` into `?` as it runs it: a prepared query's
    is rewritten once per worker, and the page is the same."""
    if connection.vendor != "sqlite":
        pytest.skip("the rewriting is SQLite's; CI runs this on SQLite")
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    page = NewsStoryPage.objects.live().filter(locale__language_code="en").first()
    client, path = site_client(page.get_site().hostname), page.get_url_parts()[2]
    first = client.get(path).content
    rewritten = []
    real = SQLiteCursorWrapper.convert_query
    monkeypatch.setattr(
        SQLiteCursorWrapper,
        "convert_query",
        lambda self, query, **kwargs: rewritten.append(query) or real(self, query, **kwargs),
    )
    assert client.get(path).content == first
    assert rewritten, "Django's own queries are still rewritten each time"
    assert not any('"wagtailcore_page"."slug" = %s' in sql for sql in rewritten), (
        "the routing query was rewritten again"
    )
