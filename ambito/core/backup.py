"""Encrypted, consistent backups of the whole database (*copia di sicurezza*) and their restore.

A backup is a table-level dump of every table of every installed model, auto-created many-to-many tables
included, with primary keys kept, so content types, permissions and reference data come back with the same
ids. It is read inside one transaction (one snapshot of all tables), streamed in primary-key order as JSON
lines, compressed and encrypted in chunks with a key from the environment (``AMBITO_BACKUP_KEY``): memory
stays flat whatever the size of the database.

File layout: a plain first line ``AMBITO-BACKUP 1`` (so the file can be recognised without the key), then one
Fernet token per line. Each token decrypts to ``dump id (16 bytes) | chunk number (8 bytes) | zlib(JSON
lines)``; the dump id and the running chunk number stop chunks from being dropped, reordered or spliced in
from another backup made with the same key. The JSON lines are a header record, then per table a ``table``
record followed by its rows (JSON arrays, one per row), then an ``end`` record with the row counts written;
a file without its end record is refused as truncated.

The files that rows point to (case attachments, job results: ``FileField``) are carried too, after the tables,
read through their storage in the same pass.

Only table names and counts are ever printed or logged: never a row's content.
"""

import base64
import datetime
import decimal
import json
import logging
import os
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.core.files import File
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string

logger = logging.getLogger(__name__)

KEY_VARIABLE = "AMBITO_BACKUP_KEY"
MAGIC = b"AMBITO-BACKUP 1\n"
FORMAT = 1
CHUNK_BYTES = 1024 * 1024  # uncompressed JSON per encrypted chunk
INSERT_BATCH = 1000
FILE_PIECE = 512 * 1024  # bytes of a stored file per record

# Tables filled by post_migrate on every migrated database (content types, permissions, the nomenclatore
# and the standard scales). Rows there do not make a database "non-empty"; a restore replaces them with
# the backup's rows so that ids match.
REFERENCE_TABLES = frozenset({
    "django_content_type", "auth_permission", "network_taxonomyterm", "access_scale", "access_scaleitem",
})

AUDIT_TABLE = "auditlog_logentry"

GENERATE_HINT = (
    f"Generate a key with `manage.py backup --generate-key`, store it in a password manager or secret store "
    f"(never next to the backups: whoever has both can read them), and export it as {KEY_VARIABLE}."
)


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass
class BackupSummary:
    path: Path
    tables: dict[str, int]
    size: int
    chunks: int
    seconds: float
    files: int = 0
    missing_files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass
class RestoreSummary:
    tables: dict[str, int]
    created_at: str
    source_vendor: str
    seconds: float = 0.0
    checked_only: bool = False
    mismatches: list[str] = field(default_factory=list)
    files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- keys ---------------------------------------------------------------------------------------------


def backup_key_generate() -> str:
    """A new random key (32 bytes, url-safe base64) for ``AMBITO_BACKUP_KEY``."""
    return Fernet.generate_key().decode()


def backup_key_from_environment() -> str:
    value = os.environ.get(KEY_VARIABLE, "").strip()
    if not value:
        raise BackupError(f"{KEY_VARIABLE} is not set: backups are always encrypted. {GENERATE_HINT}")
    return value


def _cipher(key: str) -> MultiFernet:
    """The first key encrypts; every key decrypts, so keys can be rotated (``new,old``)."""
    keys = [part.strip() for part in key.split(",") if part.strip()]
    try:
        return MultiFernet([Fernet(part) for part in keys])
    except (ValueError, TypeError):
        raise BackupError(
            f"{KEY_VARIABLE} is not a valid key (44 characters of url-safe base64 each, comma-separated "
            f"when rotating). {GENERATE_HINT}"
        ) from None


# --- what is dumped -----------------------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    model: type
    fields: list

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


def _tables(using: str) -> list[_Table]:
    """Every table of every installed model (auto-created through tables too), parents before children."""
    found: dict[str, _Table] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or not router.allow_migrate_model(using, model):
            continue
        if opts.db_table in found:
            continue
        fields = [f for f in opts.concrete_fields if not getattr(f, "generated", False)]
        found[opts.db_table] = _Table(name=opts.db_table, model=model, fields=fields)
    depends = {
        name: {f.related_model._meta.db_table for f in table.fields
               if f.is_relation and f.related_model is not None and f.related_model._meta.db_table != name}
        & found.keys()
        for name, table in found.items()
    }
    ordered: list[str] = []
    remaining = dict(depends)
    while remaining:
        ready = sorted(name for name, deps in remaining.items() if not deps - set(ordered))
        if not ready:  # a cycle: deferred constraints cover it, order the rest by name
            ready = sorted(remaining)
        ordered.extend(ready)
        for name in ready:
            remaining.pop(name)
    return [found[name] for name in ordered]


def _require_migrated(using: str) -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise BackupError(f"The database has unapplied migrations ({pending}…): run `manage.py migrate` first.")


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The latest applied migration(s) of each app (more than one only between a branch and its merge)."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    graph = loader.graph
    applied = {key for key in loader.applied_migrations if key in graph.nodes}
    state: dict[str, list[str]] = {}
    for app, name in applied:
        children = graph.node_map[(app, name)].children
        if not any(child in applied and child[0] == app for child in children):
            state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


# --- encoding -----------------------------------------------------------------------------------------


def _encode(value):
    """JSON for the values the ORM reads; each field's ``to_python`` reads them back exactly
    (unlike DjangoJSONEncoder, datetimes keep their microseconds)."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()  # BinaryField.to_python decodes base64
    raise TypeError(f"cannot encode a {type(value).__name__}")


class _ChunkWriter:
    def __init__(self, handle, cipher: MultiFernet, chunk_bytes: int):
        self.handle, self.cipher, self.chunk_bytes = handle, cipher, chunk_bytes
        self.dump_id = os.urandom(16)
        self.chunks = 0
        self.buffer: list[bytes] = []
        self.buffered = 0
        handle.write(MAGIC)

    def write(self, record) -> None:
        line = json.dumps(record, default=_encode, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self.buffer.append(line)
        self.buffered += len(line)
        if self.buffered >= self.chunk_bytes:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        plain = self.dump_id + self.chunks.to_bytes(8, "big") + zlib.compress(b"".join(self.buffer), 6)
        self.handle.write(self.cipher.encrypt(plain) + b"\n")
        self.chunks += 1
        self.buffer, self.buffered = [], 0


def _records(path: Path, cipher: MultiFernet) -> Iterator:
    """Decrypt and yield the records in order; raise BackupError on anything missing, altered or extra."""
    with open(path, "rb") as handle:
        if handle.readline() != MAGIC:
            raise BackupError(f"{path} is not an Ambito backup (or a backup of a newer, unknown format).")
        dump_id, expected, ended = None, 0, False
        for raw in handle:
            token = raw.strip()
            if not token:
                continue
            if ended:
                raise BackupError("The backup file has data after its end: it was altered. Nothing was restored.")
            try:
                plain = cipher.decrypt(token)
            except InvalidToken:
                if expected == 0:
                    raise BackupError(
                        f"The backup cannot be decrypted: {KEY_VARIABLE} is not the key it was made with, "
                        "or the file was altered. Nothing was restored."
                    ) from None
                raise BackupError(
                    f"The backup file is damaged or was altered (chunk {expected + 1} does not authenticate). "
                    "Nothing was restored."
                ) from None
            if dump_id is None:
                dump_id = plain[:16]
            if plain[:16] != dump_id or int.from_bytes(plain[16:24], "big") != expected:
                raise BackupError(
                    "The backup file was altered: its chunks are missing, reordered or come from another backup. "
                    "Nothing was restored."
                )
            expected += 1
            for line in zlib.decompress(plain[24:]).splitlines():
                record = json.loads(line)
                if isinstance(record, dict) and record.get("kind") == "end":
                    ended = True
                yield record
        if not ended:
            raise BackupError("The backup file is incomplete (truncated before its end). Nothing was restored.")


# --- backup -------------------------------------------------------------------------------------------


@contextmanager
def _snapshot(using: str):
    """One read-only snapshot of every table for the whole dump."""
    connection = connections[using]
    if connection.in_atomic_block:  # the caller's transaction already is the snapshot (tests)
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A deferred read transaction: in WAL mode it sees one snapshot and never blocks writers, where
        # Django's atomic() would take the write lock (transaction_mode IMMEDIATE) for the whole dump.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic(using=using):
            yield


def backup_create(*, path, key: str, using: str = DEFAULT_DB_ALIAS, chunk_bytes: int = CHUNK_BYTES,
                  progress=None) -> BackupSummary:
    """Write an encrypted, compressed, consistent dump of the whole database to ``path``.

    The file appears only when complete (written beside it, then renamed), readable by its owner only."""
    cipher = _cipher(key)
    path = Path(path)
    started = time.monotonic()
    tables = _tables(using)
    _require_migrated(using)
    descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent or ".")
    counts: dict[str, int] = {}
    try:
        with os.fdopen(descriptor, "wb") as handle:
            writer = _ChunkWriter(handle, cipher, chunk_bytes)
            with _snapshot(using):
                connection = connections[using]
                with connection.cursor() as cursor:
                    expected = {}
                    for table in tables:
                        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table.name)}")
                        expected[table.name] = cursor.fetchone()[0]
                writer.write({
                    "kind": "header", "format": FORMAT, "created_at": timezone.now().isoformat(),
                    "django": django.get_version(), "vendor": connection.vendor,
                    "migrations": migration_state(using),
                    "tables": [{"table": t.name, "model": t.model._meta.label, "columns": t.columns,
                                "rows": expected[t.name]} for t in tables],
                })
                for table in tables:
                    writer.write({"kind": "table", "table": table.name, "columns": table.columns})
                    rows = (table.model._base_manager.using(using).order_by(table.model._meta.pk.attname)
                            .values_list(*[f.attname for f in table.fields]).iterator(chunk_size=2000))
                    count = 0
                    for row in rows:
                        writer.write(row)
                        count += 1
                    counts[table.name] = count
                    if progress:
                        progress(table.name, count)
                files, missing = _write_files(writer, tables, using)
            writer.write({"kind": "end", "rows": counts, "files": files})
            writer.flush()
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    summary = BackupSummary(path=path, tables=counts, size=path.stat().st_size, chunks=writer.chunks,
                            seconds=time.monotonic() - started, files=files, missing_files=missing)
    logger.info("backup written: %d tables, %d rows, %d files (%d missing), %d bytes", len(counts), summary.rows,
                files, missing, summary.size)
    return summary


def _file_fields(tables) -> Iterator[tuple[str, models.FileField, _Table]]:
    for table in tables:
        for f in table.fields:
            if isinstance(f, models.FileField):
                yield f"{table.model._meta.label}.{f.name}", f, table


def _write_files(writer: _ChunkWriter, tables: list[_Table], using: str) -> tuple[int, int]:
    """The stored files the rows point to (attachments, job results), read through their storage: a
    record naming the file, then its bytes in base64 pieces. A file missing on disk is counted, not fatal."""
    written = missing = 0
    for label, f, table in _file_fields(tables):
        names = (table.model._base_manager.using(using).exclude(**{f.attname: ""})
                 .exclude(**{f"{f.attname}__isnull": True}).order_by(f.attname)
                 .values_list(f.attname, flat=True).distinct().iterator())
        for name in names:
            try:
                handle = f.storage.open(name, "rb")
            except OSError:
                missing += 1
                continue
            with handle:
                writer.write({"kind": "file", "field": label, "name": name})
                while piece := handle.read(FILE_PIECE):
                    writer.write({"kind": "data", "b64": base64.b64encode(piece).decode()})
            written += 1
    if missing:
        logger.warning("backup: %d stored files named by rows were missing on disk", missing)
    return written, missing


# --- restore ------------------------------------------------------------------------------------------


def _readable(path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    return path


def _header(records: Iterator) -> dict:
    header = next(records, None)
    if not isinstance(header, dict) or header.get("kind") != "header":
        raise BackupError("The backup file has no header: it is not an Ambito backup.")
    if header.get("format") != FORMAT:
        raise BackupError(f"The backup has format {header.get('format')}; this version reads format {FORMAT}.")
    return header


def _check_schema(header: dict, tables: dict[str, _Table], using: str) -> None:
    ours = migration_state(using)
    theirs = header["migrations"]
    differences = [
        f"{app}: backup at {', '.join(theirs.get(app, [])) or 'no migration'}, "
        f"this database at {', '.join(ours.get(app, [])) or 'no migration'}"
        for app in sorted(set(ours) | set(theirs)) if ours.get(app) != theirs.get(app)
    ]
    if differences:
        raise BackupError(
            "The backup was made at another migration state than this database's, so its tables do not match:\n  "
            + "\n  ".join(differences)
            + "\nMigrate an empty database to the backup's state (`manage.py migrate APP MIGRATION` with the "
            "version of Ambito that made the backup), restore, then migrate forward."
        )
    listed = {entry["table"]: entry["columns"] for entry in header["tables"]}
    if set(listed) != set(tables):
        missing, extra = sorted(set(tables) - set(listed)), sorted(set(listed) - set(tables))
        raise BackupError(f"The backup's tables differ from this database's (missing: {missing}, unknown: {extra}).")
    for name, columns in listed.items():
        if columns != tables[name].columns:
            raise BackupError(f"The columns of {name} in the backup differ from this database's.")


def _filled(tables: dict[str, _Table], using: str) -> tuple[list[str], list[str]]:
    """The tables holding rows, and among them those holding more than reference data."""
    connection = connections[using]
    filled, occupied = [], []
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(name)} LIMIT 1")
            if cursor.fetchone():
                filled.append(name)
                if name not in REFERENCE_TABLES and name != AUDIT_TABLE:
                    occupied.append(name)
    if AUDIT_TABLE in filled:
        # Creating the reference data writes audit-log entries about it: those do not count either.
        from django.contrib.contenttypes.models import ContentType

        reference = [t.model for name, t in tables.items() if name in REFERENCE_TABLES]
        types = ContentType.objects.db_manager(using).get_for_models(*reference).values()
        if tables[AUDIT_TABLE].model._base_manager.using(using).exclude(content_type__in=types).exists():
            occupied.append(AUDIT_TABLE)
    return filled, occupied


def _converter(table: _Table, connection):
    fields = table.fields

    def convert(row: list) -> list:
        return [None if value is None else f.get_db_prep_save(f.to_python(value), connection)
                for f, value in zip(fields, row, strict=True)]

    return convert


def backup_verify(*, path, key: str) -> RestoreSummary:
    """Decrypt and read a whole backup without touching the database: every chunk authenticates, the file
    is complete and the rows per table match its header."""
    started = time.monotonic()
    records = _records(_readable(path), _cipher(key))
    header = _header(records)
    counts: dict[str, int] = {}
    current = None
    files = 0
    for record in records:
        if isinstance(record, list):
            counts[current] += 1
        elif record["kind"] == "table":
            current = record["table"]
            counts[current] = 0
        elif record["kind"] == "file":
            files += 1
        elif record["kind"] == "end" and record.get("files", 0) != files:
            raise BackupError("The backup's files do not match its end record.")
    summary = RestoreSummary(tables=counts, created_at=header["created_at"], source_vendor=header["vendor"],
                             checked_only=True, seconds=time.monotonic() - started, files=files)
    summary.mismatches = _mismatches(header, counts, counts)
    return summary


def _mismatches(header: dict, written: dict, found: dict) -> list[str]:
    problems = []
    for entry in header["tables"]:
        name, rows = entry["table"], entry["rows"]
        if written.get(name) != rows or found.get(name) != rows:
            problems.append(f"{name}: header {rows}, file {written.get(name)}, restored {found.get(name)}")
    return problems


class _FileRestorer:
    """Writes the backup's stored files back through their storage. If the restore fails, the files it
    created are removed again, so a refused restore leaves nothing behind on disk either."""

    def __init__(self, tables, replace: bool):
        self.fields = {label: f for label, f, _table in _file_fields(tables)}
        self.replace = replace
        self.created: list[tuple[object, str]] = []
        # Files overwritten under --replace: (storage, name, side copy), put back if the restore fails.
        self.set_aside: list[tuple[object, str, str]] = []
        self.current = None
        self.spool = None
        self.count = 0

    def start(self, record: dict) -> None:
        self.finish()
        f = self.fields.get(record["field"])
        if f is None:
            raise BackupError(f"The backup holds files of {record['field']}, which this version does not know.")
        self.current = (f.storage, record["name"], record["field"])
        self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)

    def data(self, record: dict) -> None:
        if self.spool is None:
            raise BackupError("The backup file is malformed (file data outside a file).")
        self.spool.write(base64.b64decode(record["b64"]))

    def finish(self) -> None:
        if self.current is None:
            return
        (storage, name, label), spool = self.current, self.spool
        self.current = self.spool = None
        with spool:
            if storage.exists(name):
                spool.seek(0)
                with storage.open(name, "rb") as existing:
                    if _same_bytes(existing, spool):
                        self.count += 1
                        return
                if not self.replace:  # the label, not the name: file names may carry a person's name
                    raise BackupError(f"A stored file of {label} already exists with other content; "
                                      "pass --replace to overwrite it.")
                with storage.open(name, "rb") as existing:
                    side = storage.save(f"{name}.pre-restore", File(existing, name=name))
                self.set_aside.append((storage, name, side))
                storage.delete(name)
            spool.seek(0)
            saved = storage.save(name, File(spool, name=name))
            self.created.append((storage, saved))
            if saved != name:
                raise BackupError(f"A stored file of {label} could not be written back under its name.")
        self.count += 1

    def undo(self) -> None:
        for storage, name in self.created:
            storage.delete(name)
        self.created.clear()
        for storage, name, side in self.set_aside:  # the database rolled back to rows that point at these
            with storage.open(side, "rb") as kept:
                storage.save(name, File(kept, name=name))
            storage.delete(side)
        self.set_aside.clear()

    def commit(self) -> None:
        for storage, _name, side in self.set_aside:
            storage.delete(side)
        self.set_aside.clear()


def _same_bytes(first, second) -> bool:
    while True:
        a, b = first.read(FILE_PIECE), second.read(FILE_PIECE)
        if a != b:
            return False
        if not a:
            return True


def backup_restore(*, path, key: str, replace: bool = False, using: str = DEFAULT_DB_ALIAS,
                   progress=None) -> RestoreSummary:
    """Load a backup into this (migrated) database, all or nothing.

    Refused when the database already holds data beyond the reference tables, unless ``replace``: then every
    table is emptied first. Reference tables (content types, permissions, nomenclatore, scales) are always
    replaced by the backup's rows so that ids match. Sequences are reset afterwards, foreign keys checked,
    and the rows of every table counted against the backup's header before the transaction commits. The
    stored files the rows point to (attachments, job results) are written back through their storage."""
    started = time.monotonic()
    records = _records(_readable(path), _cipher(key))
    header = _header(records)  # a wrong key fails here, before anything is read from or written to the db
    tables = {table.name: table for table in _tables(using)}
    _check_schema(header, tables, using)
    files = _FileRestorer(tables.values(), replace)
    try:
        found = _load(records, header, tables, files, replace=replace, using=using, progress=progress)
    except BaseException:
        files.undo()
        raise
    files.commit()
    summary = RestoreSummary(tables=found, created_at=header["created_at"], source_vendor=header["vendor"],
                             seconds=time.monotonic() - started, files=files.count)
    logger.info("backup restored: %d tables, %d rows, %d files", len(found), summary.rows, files.count)
    return summary


def _load(records, header: dict, tables: dict[str, _Table], files: _FileRestorer, *, replace: bool, using: str,
          progress) -> dict[str, int]:
    """Empty, load, count, reset sequences and check foreign keys, in one transaction."""
    connection = connections[using]
    qn = connection.ops.quote_name
    inserted: dict[str, int] = {}
    ended = None
    with transaction.atomic(using=using):
        filled, occupied = _filled(tables, using)
        if occupied and not replace:
            raise BackupError(
                f"This database already holds data ({len(occupied)} tables, e.g. {', '.join(occupied[:5])}). "
                "Restore into an empty, migrated database, or pass --replace to delete everything first."
            )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Fire the checks still pending in an enclosing transaction: TRUNCATE refuses tables with
                # pending trigger events. Then defer every check to the end of the load.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if replace:
                connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), list(tables)))
            else:  # only reference data: a few small tables, DELETE is quicker than TRUNCATE
                for name in filled:
                    cursor.execute(f"DELETE FROM {qn(name)}")
            table, convert, sql, copy_sql, batch = None, None, None, None, []

            def insert():
                try:
                    if copy_sql:  # COPY is several times faster than INSERT on PostgreSQL
                        with cursor.cursor.copy(copy_sql) as copy:
                            for row in batch:
                                copy.write_row(row)
                    else:
                        cursor.executemany(sql, batch)
                except DatabaseError as exc:  # the database's detail may quote a row: keep it out of the message
                    raise BackupError(
                        f"The database refused rows of {table.name} ({type(exc).__name__}). Nothing was restored."
                    ) from exc
                inserted[table.name] += len(batch)
                batch.clear()

            for record in records:
                if isinstance(record, list):
                    batch.append(convert(record))
                    if len(batch) >= INSERT_BATCH:
                        insert()
                    continue
                if batch:
                    insert()
                if table is not None and progress:
                    progress(table.name, inserted[table.name])
                table = None
                if record["kind"] == "file":
                    files.start(record)
                elif record["kind"] == "data":
                    files.data(record)
                elif record["kind"] == "table":
                    table = tables[record["table"]]
                    if record["columns"] != table.columns:
                        raise BackupError(f"The columns of {table.name} in the backup differ from its header.")
                    convert = _converter(table, connection)
                    columns = ", ".join(qn(c) for c in table.columns)
                    sql = f"INSERT INTO {qn(table.name)} ({columns}) VALUES ({', '.join(['%s'] * len(table.columns))})"
                    if connection.vendor == "postgresql":
                        copy_sql = f"COPY {qn(table.name)} ({columns}) FROM STDIN"
                    inserted[table.name] = 0
                elif record["kind"] == "end":
                    files.finish()
                    ended = record
            found = {}
            for name in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {qn(name)}")
                found[name] = cursor.fetchone()[0]
            mismatches = _mismatches(header, ended["rows"], found)
            if files.count != ended.get("files", 0):
                mismatches.append(f"stored files: end record {ended.get('files', 0)}, restored {files.count}")
            if mismatches or inserted != ended["rows"]:
                raise BackupError("The restored rows do not match the backup's header (nothing was restored):\n  "
                                  + "\n  ".join(mismatches))
            for statement in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables.values()]):
                cursor.execute(statement)
        try:
            connection.check_constraints(table_names=list(tables))
        except DatabaseError as exc:
            raise BackupError(
                f"The restored rows break a foreign key ({type(exc).__name__}). Nothing was restored."
            ) from exc
    return found
