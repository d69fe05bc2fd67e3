"""Prepared queries: a page's queryset compiled to SQL once per shape, then only re-bound to new values.

Building and compiling a Django queryset costs 0.5–1.5 ms, running it on this data 0.1–0.3 ms, and
a page runs the same handful of querysets on every request with other ids. ``@prepared`` keeps the
SQL that Django compiled for a queryset and, on the next call of the same shape, runs it with the new
values, through Django's own iterables (so converters, ``select_related`` and annotations behave as
usual). The visibility rules stay where they are (``visible_to``): the SQL is always Django's.

- **Shape.** The SQL of a call depends on the database vendor, the dataset, the visibility class of the
  user (``public``, ``ministry``, ``officer-<province>``: what ``visible_to`` reads), the non-bound
  arguments, and, for each bound argument, its type, whether it is None and, for a list, its length.
- **Binding.** Bound arguments (ids, slugs, lists of ids) are compiled twice with two different
  sets of stand-in values; the SQL must come out identical and the parameters must differ exactly
  where a stand-in sits. Anything else (a value that changes the SQL, a stand-in Django folded away)
  makes the shape unpreparable, and it is then run through the ORM every time, as before.
- **Checked in tests.** With ``CCHC_CHECK_PREPARED`` (set by the test suite), every call also builds
  the queryset with its real values and compares Django's SQL and parameters with the bound ones.

Compiled shapes are kept per process, and never go stale: they hold SQL, not data.

Running a compiled query reuses Django's compiler (its ``select``, ``col_count``, converters and
``results_iter``), which is not public API: Django is pinned to 5.2 in pyproject.toml, and the checked
test suite is what tells whether a new Django version still runs these queries the same way.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DecimalField, QuerySet
from django.db.models.query import ValuesListIterable

_UNPREPARABLE = object()
_EMPTY = object()  # the shape compiles to "no rows" (an empty IN list, say): no query at all
_lock = threading.Lock()


class PreparedMismatch(AssertionError):
    """The bound SQL of a call differs from what Django compiles for it (only raised when checking)."""


def _stand_ins(kwargs: dict, bind: tuple[str, ...], base: int) -> tuple[dict, dict]:
    """``kwargs`` with every bound value replaced by a distinct stand-in, and stand-in → (name, index)."""
    values = dict(kwargs)
    where: dict = {}
    counter = base
    for name in bind:
        value = kwargs[name]
        if value is None:
            continue
        if isinstance(value, list | tuple):
            stand = []
            for position, item in enumerate(value):
                counter += 1
                token = counter if isinstance(item, int) else f"\x1fcchc-{counter}\x1f"
                stand.append(token)
                where[token] = (name, position)
            values[name] = stand
        else:
            counter += 1
            token = counter if isinstance(value, int) else f"\x1fcchc-{counter}\x1f"
            values[name] = token
            where[token] = (name, None)
    return values, where


def _shape_of(value) -> tuple:
    if value is None:
        return (None,)
    if isinstance(value, list | tuple):
        return ("list", len(value), type(value[0]).__name__ if value else "")
    return (type(value).__name__,)


# Decimal columns: SQLite returns a float, which Django turns into a Decimal of the field's places
# (~0.6 µs each; a rankings page reads ~700). The same float always gives the same Decimal, and a
# Decimal is immutable, so each prepared column keeps the ones it has made: a score recurs on every
# request that shows it. Bounded per column (a 2-place score out of 100 has 10,001 values). Zero is
# left out so that 0.0 and -0.0, equal as keys, keep their own signs; on PostgreSQL the driver
# already returns Decimals and there is no converter to skip.
DECIMAL_MEMO_SIZE = 20_000


def _is_decimal(expression) -> bool:
    return isinstance(getattr(expression, "output_field", None), DecimalField)


def _compile(queryset: QuerySet):
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return compiler, None, ()
    return compiler, sql or None, tuple(params)


class Prepared:
    """``build(user, **kwargs) -> QuerySet`` run as a prepared query: ``run(user, **kwargs) -> list``."""

    def __init__(self, build: Callable[..., QuerySet], bind: tuple[str, ...]):
        self.build = build
        self.bind = bind
        self.shapes: dict = {}
        functools.update_wrapper(self, build)

    def __call__(self, user, **kwargs) -> list:
        from dashboard.caching import visibility_class  # caching imports models at call time only

        for name in self.bind:  # duplicates change neither the rows nor, after this, the shape
            if isinstance(kwargs.get(name), list | tuple | set | frozenset):
                kwargs[name] = list(dict.fromkeys(kwargs[name]))
        key = (
            connections[DEFAULT_DB_ALIAS].vendor,
            settings.CCHC_DATASET,
            visibility_class(user),
            tuple(sorted((k, v) for k, v in kwargs.items() if k not in self.bind)),
            tuple(_shape_of(kwargs[name]) for name in self.bind),
        )
        entry = self.shapes.get(key)
        if entry is None:
            entry = self._prepare(user, kwargs)
            with _lock:
                self.shapes[key] = entry
        if entry is _UNPREPARABLE:
            return list(self.build(user, **kwargs))
        if entry is _EMPTY:
            rows: list = []
        else:
            rows = self._run(entry, kwargs)
        if getattr(settings, "CCHC_CHECK_PREPARED", False):
            self._check(entry, user, kwargs)
        return rows

    def _prepare(self, user, kwargs: dict):
        first, where = _stand_ins(kwargs, self.bind, 29_000)
        second, _where = _stand_ins(kwargs, self.bind, 29_500)
        queryset = self.build(user, **first)
        compiler, sql, params = _compile(queryset)
        _c, sql2, params2 = _compile(self.build(user, **second))
        if sql is None and sql2 is None:
            return _EMPTY
        if sql is None or sql != sql2 or len(params) != len(params2):
            return _UNPREPARABLE
        slots = []
        for position, (a, b) in enumerate(zip(params, params2, strict=True)):
            if a == b:
                continue
            try:
                slot = where[a]
            except (KeyError, TypeError):
                return _UNPREPARABLE  # a parameter that changed but is no stand-in: unsafe
            slots.append((position, slot))
        if {slot for _p, slot in slots} != set(where.values()):
            return _UNPREPARABLE  # a stand-in Django did not pass as a parameter
        converters = None
        if queryset._iterable_class is ValuesListIterable:
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            if not compiler.has_composite_fields(fields):
                converters = tuple(
                    (position, tuple(convs), expression, {} if _is_decimal(expression) else None)
                    for position, (convs, expression) in compiler.get_converters(fields).items()
                )
        return queryset, compiler, sql, params, tuple(slots), converters

    @staticmethod
    def _bound_params(params: tuple, slots: tuple, kwargs: dict) -> list:
        bound = list(params)
        for position, (name, index) in slots:
            value = kwargs[name]
            bound[position] = value if index is None else value[index]
        return bound

    def _run(self, entry, kwargs: dict) -> list:
        queryset, compiler, sql, params, slots, converters = entry
        bound = self._bound_params(params, slots, kwargs)
        if converters is not None:
            return self._tuples(compiler, sql, bound, converters)
        # A copy of the compiled compiler (its select, klass_info and converters are set up), on this
        # thread's connection, answering as_sql with the bound SQL instead of compiling again.
        runner = copy.copy(compiler)
        runner.connection = connections[compiler.using]
        runner.as_sql = lambda *args, **options: (sql, bound)
        query = copy.copy(queryset.query)
        query.get_compiler = lambda *args, **options: runner
        run = queryset.__class__(model=queryset.model, query=query, using=queryset._db, hints=queryset._hints)
        run._iterable_class = queryset._iterable_class
        run._fields = queryset._fields
        run._prefetch_related_lookups = queryset._prefetch_related_lookups
        return list(run)

    @staticmethod
    def _tuples(compiler, sql: str, params: list, converters: tuple) -> list[tuple]:
        """A ``values_list`` query's rows: what ValuesListIterable yields, read in one fetch and
        converted column by column (a rankings page converts a few hundred scores)."""
        connection = connections[compiler.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        if not converters:
            return [tuple(row) for row in rows]
        rows = [list(row) for row in rows]
        for position, functions, expression, memo in converters:
            for row in rows:
                value = row[position]
                if memo is not None and value:
                    converted = memo.get(value)
                    if converted is None:
                        converted = value
                        for function in functions:
                            converted = function(converted, expression, connection)
                        if len(memo) < DECIMAL_MEMO_SIZE:
                            memo[value] = converted
                    row[position] = converted
                    continue
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        return [tuple(row) for row in rows]

    def _check(self, entry, user, kwargs: dict) -> None:
        _c, expected_sql, expected_params = _compile(self.build(user, **kwargs))
        if entry is _EMPTY:
            actual = (None, ())
        else:
            _q, _c, sql, params, slots, _converters = entry
            actual = (sql, tuple(self._bound_params(params, slots, kwargs)))
        if actual != (expected_sql, expected_params):
            raise PreparedMismatch(
                f"{self.build.__qualname__}{kwargs}: prepared {actual!r}, Django {(expected_sql, expected_params)!r}"
            )


def prepared(*bind: str) -> Callable[[Callable[..., QuerySet]], Prepared]:
    """Decorator: ``build(user, **kwargs)`` returns a queryset; the names in ``bind`` (ids, slugs, lists
    of ids) are bound as parameters, every other argument is part of the shape. Call with keywords."""

    def decorate(build: Callable[..., QuerySet]) -> Prepared:
        return Prepared(build, bind)

    return decorate
