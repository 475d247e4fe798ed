"""Queries a worker compiles to SQL once, then runs with each request's own values.

Django turns a queryset into SQL afresh every time it runs it. For the wide queries that bring
a page in its specific type with its language, picture and privacy (`sites.specific`), that
compiling costs about ten times what the database then takes to answer (measured: 3.4 ms to
compile the routing query of a story, 0.3 ms to run it and build the page). The queries that
run on every reader page (finding a page by its address, the stories a page points to) have
the same shape every time, with different values: each is compiled once per worker, with
stand-ins for its values, and each run puts its own values in the stand-ins' places.

Only the values change, never the SQL (so nothing read from the database, a content type's
id say, may be written into a prepared query other than as a value): a value that would change the SQL's shape (a list of
another length, None, which Django writes as IS NULL) must be part of the key the caller
prepares under. A query whose stand-ins cannot all be found in the compiled parameters (Django
folded one into the SQL text, say) is not prepared: it is compiled each time, as before.
"""

import copy
import functools
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators


class Prepared:
    """`build(**values)` → a queryset of `model`; `prepared.run(**values)` → the same queryset, compiled
    once per database connection and shape. Values are ints, strings (also inside a LIKE
    pattern, as `path__startswith` makes, or with a suffix, as `within` makes), datetimes, UUIDs,
    or lists of ints (whose length is part of the shape: `run` prepares once for each length it
    meets). A `Written` value is written into the SQL's text, each value its own copy of it.

    The queryset `run` returns is to be iterated only: chaining it (`.filter()`, `.count()`)
    would run the prepared SQL, not the chained query's.
    """

    def __init__(self, model, build: Callable[..., QuerySet]):
        self.model = model
        self.build = build
        self._compiled: dict[tuple, tuple | None] = {}
        self._converters: dict[tuple, tuple] = {}
        self._layouts: dict[tuple, tuple] = {}
        self._texts: dict[tuple, str] = {}  # (key, written values) -> their SQL
        self._lock = threading.Lock()

    def run(self, **values) -> QuerySet:
        shape = tuple(
            (name, len(value) if isinstance(value, list) else type(value).__name__)
            for name, value in sorted(values.items())
        )
        alias = router.db_for_read(self.model)
        key = (connections[alias].vendor, alias, shape)
        compiled = self._compiled.get(key)
        if compiled is None and key not in self._compiled:
            compiled = self._compile(values)
            with self._lock:
                self._compiled[key] = compiled
        if compiled is None:
            return self.build(**values)
        template, compiler, sql, params, slots = compiled
        written = tuple(
            (name, value) for name, value in sorted(values.items()) if type(value) is Written
        )
        if written:
            sql = self._text_for(key, sql, written)
        filled = list(params)
        connection = connections[template.db]
        for index, name, position, pattern in slots:
            value = values[name] if position is None else values[name][position]
            if pattern is DATETIME:  # as Django writes a datetime for this database
                value = connection.ops.adapt_datetimefield_value(value)
            elif pattern is UUID_HEX:  # as Django writes a UUID where it has no UUID type
                value = value.hex
            elif pattern is not None:  # inside a longer string
                if "%" in pattern:  # a LIKE pattern: escaped as Django escapes it
                    value = connection.ops.prep_for_like_query(value)
                value = pattern.replace(stand_in(name), value)
            elif is_int(params[index]):  # in the class Django gave it (psycopg's Int4, Int8)
                value = type(params[index])(value)
            filled[index] = value
        queryset = template._chain()
        running = copy.copy(compiler)
        running.connection = on_server(connection)
        running.as_sql = lambda *args, **kwargs: (sql, tuple(filled))
        converters, count = self._converters_for(key, compiler, connection), compiler.col_count
        # Asked only for the compiled query's own columns, when iterating its rows.
        running.get_converters = lambda expressions: (
            converters
            if len(expressions) == count
            else type(running).get_converters(running, expressions)
        )
        queryset.query.get_compiler = lambda *args, **kwargs: running
        if queryset._iterable_class is ModelIterable and not queryset._known_related_objects:
            running.lantern_layout = self._layout_for(key, compiler, template.db)
            queryset._iterable_class = PreparedModelIterable
        return queryset

    def _text_for(self, key, sql: str, written: tuple) -> str:
        """The compiled SQL with `written` values in their stand-ins' places (kept: the same
        values, the same text, which is what the database's prepared statements go by)."""
        found = self._texts.get((key, written))
        if found is None:
            found = sql
            for name, value in written:
                found = found.replace(stand_in_written(name), Written.check(value))
            with self._lock:
                if len(self._texts) >= MAX_WRITTEN_TEXTS:
                    self._texts.clear()
                self._texts[(key, written)] = found
        return found

    def _layout_for(self, key, compiler, db) -> tuple:
        """What Django's ModelIterable works out from a compiled query before it reads a row
        (which columns make the object, the helpers making what came with select_related, the
        annotations' columns), worked out once: the same for every run of the same SQL."""
        found = self._layouts.get(key)
        if found is None:
            klass_info, select = compiler.klass_info, compiler.select
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            found = (
                klass_info["model"],
                start,
                end,
                [column[0].target.attname for column in select[start:end]],
                get_related_populators(klass_info, select, db),
                tuple(compiler.annotation_col_map.items()),
            )
            with self._lock:
                self._layouts[key] = found
        return found

    def _converters_for(self, key, compiler, connection) -> dict:
        """What turns each column of the compiled query's rows into Python values, worked out
        once per connection (Django works it out on every run: some 200 columns for a query
        bringing pages in their specific types)."""
        found = self._converters.get((key, id(connection)))
        if found is None or found[0] is not connection:
            running = copy.copy(compiler)
            running.connection = connection
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            found = (connection, running.get_converters(columns))
            with self._lock:
                self._converters[(key, id(connection))] = found
        return found[1]

    def _compile(self, values: dict):
        stand_ins = {}
        for number, (name, value) in enumerate(sorted(values.items())):
            if isinstance(value, bool):
                return None  # Django may write it into the SQL text
            if type(value) is Written:
                stand_ins[name] = Written(stand_in_written(name))
            elif isinstance(value, list):
                stand_ins[name] = [stand_in_int(number, position) for position in range(len(value))]
            elif isinstance(value, datetime):
                stand_ins[name] = stand_in_datetime(number)
            elif isinstance(value, int):
                stand_ins[name] = stand_in_int(number, 0)
            elif isinstance(value, str):
                stand_ins[name] = stand_in(name)
            elif isinstance(value, uuid.UUID):
                stand_ins[name] = stand_in_uuid(number)
            else:
                return None  # a value whose SQL may differ with it (None, a date…)
        template = self.build(**stand_ins)
        compiler = template.query.get_compiler(using=template.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty list: Django runs no query at all
            return None
        slots, found = [], set()
        for name, placeholder in stand_ins.items():
            if type(placeholder) is Written:
                if placeholder not in sql or any(placeholder in str(param) for param in params):
                    return None  # not written where it was meant to be: compile each time
                found.add((name, None))
        for index, param in enumerate(params):
            for name, placeholder in stand_ins.items():
                if type(placeholder) is Written:
                    continue
                if isinstance(placeholder, list):
                    if is_int(param) and param in placeholder:
                        slots.append((index, name, placeholder.index(param), None))
                        found.add((name, placeholder.index(param)))
                elif isinstance(placeholder, datetime):
                    adapted = connections[template.db].ops.adapt_datetimefield_value(placeholder)
                    if param == adapted:
                        slots.append((index, name, None, DATETIME))
                        found.add((name, None))
                elif isinstance(placeholder, uuid.UUID):
                    if param == placeholder or param == placeholder.hex:
                        slots.append(
                            (index, name, None, UUID_HEX if param == placeholder.hex else None)
                        )
                        found.add((name, None))
                elif isinstance(placeholder, int):
                    if is_int(param) and param == placeholder:
                        slots.append((index, name, None, None))
                        found.add((name, None))
                elif isinstance(param, str) and placeholder in param:
                    slots.append((index, name, None, None if param == placeholder else param))
                    found.add((name, None))
        expected = {
            (name, position)
            for name, placeholder in stand_ins.items()
            for position in (range(len(placeholder)) if isinstance(placeholder, list) else [None])
        }
        if found != expected or STAND_IN in sql:
            return None  # a value went into the SQL text itself: compile each time
        return template, compiler, sql, params, slots


class PreparedModelIterable(ModelIterable):
    """Django's ModelIterable for a prepared query, with what it works out from the compiled
    query before reading rows taken from `Prepared._layout_for` (about 3% of a story page)."""

    def __iter__(self):
        queryset = self.queryset
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        model, start, end, init_list, populators, annotations = compiler.lantern_layout
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        for row in compiler.results_iter(results):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            yield obj


def on_server(connection):
    """`connection`, or on PostgreSQL a stand-in for it whose cursors send the values apart from
    the SQL (server-side binding): psycopg then has PostgreSQL keep a query it has run five
    times prepared, parsed and planned once per connection. Planning the wide queries that
    bring pages in their specific types was most of what PostgreSQL did for a page (1.2 ms
    for a story's routing). Only these queries, compiled once and always the same SQL: the rest
    keep Django's client-side binding, which some of its SQL needs (Django ticket #34255).

    `LANTERN_PREPARED_STATEMENTS = False` (DB_PREPARED_STATEMENTS=false) turns it off, for a
    pooler that cannot keep statements prepared (PgBouncer in transaction mode before 1.21, or
    without `max_prepared_statements`)."""
    if connection.vendor == "sqlite":
        return converted_once(connection)
    if connection.vendor != "postgresql" or not settings.LANTERN_PREPARED_STATEMENTS:
        return connection
    found = getattr(connection, "_lantern_server_binding", None)
    if found is None:
        found = connection._lantern_server_binding = ServerBinding(connection)
    return found


def plans_kept(model) -> bool:
    """Whether the database `model` is read from keeps prepared queries' plans, made without
    their values (PostgreSQL, `on_server`): a site's path is then better `Written` into a
    query than passed beside it."""
    connection = connections[router.db_for_read(model)]
    return connection.vendor == "postgresql" and settings.LANTERN_PREPARED_STATEMENTS


def converted_once(connection):
    """On SQLite, a stand-in for `connection` whose cursors rewrite a prepared query's `%s`
    into SQLite's `?` once per worker, not on every run (a regular expression over a few
    thousand characters of SQL: about 2% of a story)."""
    found = getattr(connection, "_lantern_converted_once", None)
    if found is None:
        found = connection._lantern_converted_once = ConvertedOnce(connection)
    return found


class OwnCursors:
    """A database connection whose `cursor()` makes cursors of another class (`make`), as
    Django's own `connection.cursor()` does otherwise."""

    def __init__(self, connection):
        self.wrapped = connection

    def __getattr__(self, name):
        return getattr(self.wrapped, name)

    def cursor(self):
        connection = self.wrapped
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(self.make(connection))

    def make(self, connection):
        raise NotImplementedError


class ConvertedOnce(OwnCursors):
    """A SQLite connection whose cursors remember each query's rewriting (`converted_once`)."""

    def make(self, connection):
        return connection.connection.cursor(factory=converting_cursor())


_converted: dict[str, str] = {}  # a prepared query's SQL → as SQLite takes it
MAX_CONVERTED = 2000  # queries' SQL (a few KB each); then it starts again


@functools.cache
def converting_cursor():
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    class ConvertingOnce(SQLiteCursorWrapper):
        def convert_query(self, query, *, param_names=None):
            if param_names is not None:
                return super().convert_query(query, param_names=param_names)
            found = _converted.get(query)
            if found is None:
                if len(_converted) >= MAX_CONVERTED:
                    _converted.clear()
                found = _converted[query] = super().convert_query(query)
            return found

    return ConvertingOnce


class ServerBinding(OwnCursors):
    """A database connection whose cursors bind values on the server (see `on_server`)."""

    def make(self, connection):
        kind = logged_cursor() if connection.queries_logged else plain_cursor()
        return kind(connection.connection)


@functools.cache
def plain_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    return ServerBindingCursor


@functools.cache
def logged_cursor():
    class LoggedCursor(plain_cursor()):
        """For a connection whose queries are logged (DEBUG, tests): a query run as a prepared
        statement keeps its SQL where Django's log reads it (psycopg keeps none)."""

        def execute(self, query, params=None, **kwargs):
            super().execute(query, params, **kwargs)
            if self._query is None:
                self._query = self._convert_query(query, params)
            return self

    return LoggedCursor


def is_int(param) -> bool:
    """An integer parameter: an int, or the int subclass Django's PostgreSQL backend wraps one
    in (psycopg's Int4, Int8), never a bool."""
    return isinstance(param, int) and not isinstance(param, bool)


STAND_IN = "lantern-stand-in-"
DATETIME = object()  # a slot's kind: a datetime, adapted to the database
UUID_HEX = object()  # a slot's kind: a UUID, written as its hex digits (SQLite)


def stand_in(name: str) -> str:
    return f"{STAND_IN}{name}-5f3a9c"


def stand_in_written(name: str) -> str:
    """Where a `Written` value goes: characters a tree path may hold, found nowhere else."""
    return "ZZ5F3A9C" + name.upper().encode().hex().upper() + "ZZ"


MAX_WRITTEN_TEXTS = 2000  # copies of SQL text (a few KB each) a query keeps; then it starts again


class Written(str):
    """A value for `Prepared.run` to write into the SQL's text rather than pass beside it.

    PostgreSQL keeps a generic plan for a prepared query, made without its values, and a value
    that tells how much of the install a query takes in (a site's path) misleads it as a value:
    the plan then suits no site. The SQL is compiled once, with a stand-in written where the
    value goes (the query's build writes it: `sites.visibility.within` does, given a Written
    path), and each value gets its own copy of the text: its own prepared statement, planned
    for it. Only a tree path's characters (0-9, A-Z), which need no quoting."""

    ALLOWED = re.compile(r"[0-9A-Z]+")

    @classmethod
    def check(cls, value: str) -> str:
        if not cls.ALLOWED.fullmatch(value):
            raise ValueError(f"not a value to write into SQL: {value!r}")
        return value


def stand_in_datetime(number: int) -> datetime:
    return datetime(1901, 2, 3, 4, 5, 6, 789_000 + number, tzinfo=UTC)


def stand_in_uuid(number: int) -> uuid.UUID:
    return uuid.UUID(int=0x5F3A9C << 100 | number)


def stand_in_int(number: int, position: int) -> int:
    # Far outside any id, depth or count a query of Lantern's meets.
    return 1_987_000_000 + number * 1000 + position


def type_ids(*types) -> list[int]:
    """The content type ids of `types` and their subclasses, as Wagtail's `.type()` filters
    by them: pass them to a prepared query as a value, never baked into its SQL (a test
    database flushed and loaded again gives them new ids)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    models = {model for model in apps.get_models() if issubclass(model, types)}
    return sorted(ct.pk for ct in ContentType.objects.get_for_models(*models).values())


_by_ids: dict[type, Prepared] = {}


def in_bulk(model, ids) -> dict:
    """pk → object for the objects of `model` (its default manager's) whose ids are `ids`, as
    `QuerySet.in_bulk` finds them, in a query compiled once per number of ids."""
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return {}
    if model not in _by_ids:
        _by_ids[model] = Prepared(model, lambda ids: model._default_manager.filter(pk__in=ids))
    return {obj.pk: obj for obj in _by_ids[model].run(ids=wanted)}
