"""Synthetic region generator for benchmarks: seeded, reproducible, loaded in bulk.

Volumes scale from one Ambito (~100,000 residents) to a region (~100 Ambiti, ~10 million residents).
Rows get explicit primary keys so foreign keys can be written without reading anything back; on
PostgreSQL they stream through ``COPY … FROM STDIN``, elsewhere through batched ``bulk_create``.
Each part lives in a module of this package with ``seed(gen)``; ``PARTS`` gives the order.
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module

from django.core.management.color import no_style
from django.db import connection, models

PARTS = ["territory", "accounts", "network", "planning", "access", "care"]
SYNTHETIC_PREFIX = "syn-"


@dataclass(frozen=True)
class Scale:
    ambiti: int = 1
    residents_per_ambito: int = 100_000
    years: int = 1
    seed: int = 42
    end_year: int = 2025

    @property
    def residents(self) -> int:
        return self.ambiti * self.residents_per_ambito

    @property
    def years_list(self) -> list[int]:
        return list(range(self.end_year - self.years + 1, self.end_year + 1))


@dataclass
class Generator:
    scale: Scale
    stdout: object = None
    rng: random.Random = field(init=False)
    state: dict = field(default_factory=dict)  # what earlier parts produced, for later parts
    counts: dict = field(default_factory=dict)
    _next_id: dict = field(default_factory=dict)
    _touched: set = field(default_factory=set)

    def __post_init__(self):
        self.rng = random.Random(self.scale.seed)

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def reserve_ids(self, model, count: int) -> range:
        if model not in self._next_id:
            current = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self._next_id[model] = current + 1
        start = self._next_id[model]
        self._next_id[model] = start + count
        return range(start, start + count)

    def load(self, model, fields: list[str], rows) -> int:
        """Write ``rows`` (tuples in ``fields`` order) into ``model``'s table in bulk."""
        started = time.monotonic()
        self._touched.add(model)
        fields, rows = _with_defaults(model, fields, rows)
        columns = [model._meta.get_field(name).column for name in fields]
        written = 0
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor, _without_indexes(cursor, model._meta.db_table):
                with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
        else:
            batch = []
            attnames = [model._meta.get_field(name).attname for name in fields]
            for row in rows:
                batch.append(model(**dict(zip(attnames, row, strict=True))))
                if len(batch) >= 5000:
                    model.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                written += len(batch)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        self.say(f"    {model._meta.label}: {written:,} rows in {time.monotonic() - started:.1f}s")
        return written

    def finish(self):
        """Move the primary-key sequences past the explicit ids we wrote (PostgreSQL)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._touched))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


@contextmanager
def _without_indexes(cursor, table: str):
    """Load ``table`` with its foreign keys and plain indexes dropped, then put them back (PostgreSQL): one
    sorted build per index and one validating scan per key instead of a B-tree insert and a key lookup for
    every row. The primary key, unique indexes and check constraints stay, so every row is still checked as
    it arrives; the foreign keys are checked when re-added (``ADD CONSTRAINT`` validates every row). The
    definitions are read from the catalogue, so what comes back is exactly what the migrations made."""
    cursor.execute("""SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                      WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary""", [table])
    indexes = cursor.fetchall()
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'f'", [table])
    keys = cursor.fetchall()
    quoted = connection.ops.quote_name(table)
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def as_json(value):
    """A JSON column's value as COPY (text) wants it on PostgreSQL, as bulk_create wants it elsewhere."""
    import json

    return json.dumps(value) if connection.vendor == "postgresql" else value


def _with_defaults(model, fields, rows):
    """Add the model's defaults for NOT NULL columns the caller left out (Django keeps defaults in Python).
    Callable defaults (uuid4 identifiers) are called for every row."""
    from django.utils import timezone

    given = {model._meta.get_field(name).attname for name in fields}
    extra_names, makers = [], []
    now = timezone.now()
    for field_ in model._meta.concrete_fields:
        if field_.attname in given or field_.primary_key or field_.null:
            continue
        if getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False):
            makers.append(lambda: now)
        elif field_.has_default() and callable(field_.default):
            json_field = isinstance(field_, models.JSONField)
            makers.append(lambda f=field_, j=json_field: as_json(f.default()) if j else f.default())
        elif field_.has_default():
            value = as_json(field_.default) if isinstance(field_, models.JSONField) else field_.default
            makers.append(lambda v=value: v)
        elif isinstance(field_, models.CharField | models.TextField):
            makers.append(lambda: "")
        else:
            continue
        extra_names.append(field_.name)
    if not extra_names:
        return fields, rows
    return [*fields, *extra_names], (tuple(row) + tuple(make() for make in makers) for row in rows)


def seeded_ambiti() -> int:
    from ambito.territory.models import Ambito

    return Ambito.objects.filter(code__startswith=SYNTHETIC_PREFIX).count()


def seed(scale: Scale, *, stdout=None, parts: list[str] | None = None) -> Generator:
    gen = Generator(scale=scale, stdout=stdout)
    if connection.vendor == "postgresql":
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: at region scale the deferred checks of
        # ~70 million rows queued up for COMMIT (measured: over 11 minutes). Parents are always loaded
        # before children, so checking each row as it arrives is correct and keeps no queue.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for part in parts or PARTS:
        try:
            module = import_module(f"ambito.devtools.synthetic.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ambito.devtools.synthetic.{part}":
                raise
            continue
        started = time.monotonic()
        gen.say(f"  {part}…")
        module.seed(gen)
        gen.say(f"  {part} done in {time.monotonic() - started:.1f}s")
    gen.finish()
    return gen
