"""Encrypted backups made with the engines' own tools (*copia di sicurezza*), and their restore.

A backup is a tar.gz of ``manifest.json`` (format, engine, creation time, the migrations applied per app, the
rows of every table), ``database.dump`` (``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's backup API), and
``files/<storage>/…`` (the file-system storages the models' FileFields use), encrypted in chunks: a plain line
``AMBITO-BACKUP 2``, then one Fernet token a line, each ``backup id (16 bytes) | chunk number (8) | last (1) |
data``, so a chunk altered, dropped, reordered or taken from another backup is refused, and so is a cut file.

A restore decrypts and checks the whole file before it writes anything, loads the dump into an empty database,
compares every table's rows with the manifest, runs ``migrate`` (a backup of the previous release restores into
this one), then puts the files in place; if any step fails the database is put back from a copy taken just
before and no file is left. Only table names and counts are ever printed or logged, never a row.
"""

import filecmp
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import django
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

logger = logging.getLogger(__name__)

KEY_VARIABLE = "AMBITO_BACKUP_KEY"
MAGIC = b"AMBITO-BACKUP 2\n"
FORMAT = 2
CHUNK_BYTES = 64 * 1024
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Tables that `migrate` itself fills (migrations, post_migrate): their rows do not make a database non-empty.
REFERENCE_TABLES = {"django_migrations", "django_content_type", "auth_permission", "network_taxonomyterm",
                    "access_scale", "access_scaleitem"}
GENERATE_HINT = (f"Generate a key with `manage.py backup --generate-key`, keep it in a secret store (never next "
                 f"to the backups) and give it as {KEY_VARIABLE}, or in a file named by {KEY_VARIABLE}_FILE.")


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass
class Summary:
    manifest: dict
    files: int
    seconds: float
    size: int = 0

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())


def backup_key_generate() -> str:
    return Fernet.generate_key().decode()


def backup_key_from_environment() -> str:
    """The key in the file named by ``AMBITO_BACKUP_KEY_FILE`` (first) or in ``AMBITO_BACKUP_KEY``."""
    value = os.environ.get(KEY_VARIABLE, "")
    if name := os.environ.get(f"{KEY_VARIABLE}_FILE"):
        try:
            value = Path(name).read_text()
        except OSError as exc:
            raise BackupError(f"{KEY_VARIABLE}_FILE names {name}, which cannot be read ({exc.strerror}).") from None
    if not value.strip():
        raise BackupError(f"{KEY_VARIABLE} is not set: backups are always encrypted. {GENERATE_HINT}")
    return value.strip()


def _cipher(key: str) -> MultiFernet:
    """The first key encrypts; every key decrypts, so keys can be rotated (``new,old``)."""
    try:
        return MultiFernet([Fernet(part.strip()) for part in key.split(",") if part.strip()])
    except (ValueError, TypeError):
        raise BackupError(f"{KEY_VARIABLE} is not a valid key (44 characters of url-safe base64 each, "
                          f"comma-separated when rotating). {GENERATE_HINT}") from None


def _encrypt(source: Path, handle, cipher: MultiFernet) -> None:
    handle.write(MAGIC)
    backup_id, number = os.urandom(16), 0
    with open(source, "rb") as plain:
        data = plain.read(CHUNK_BYTES)
        while True:
            following = plain.read(CHUNK_BYTES)
            header = backup_id + number.to_bytes(8, "big") + (b"\0" if following else b"\1")
            handle.write(cipher.encrypt(header + data) + b"\n")
            if not following:
                return
            data, number = following, number + 1


def _decrypt(path: Path, cipher: MultiFernet, target: Path) -> None:
    """Decrypt to ``target``; BackupError on anything missing, altered, spliced in, or after the end."""
    with open(path, "rb") as handle, open(target, "wb") as out:
        if handle.readline() != MAGIC:
            raise BackupError(f"{path} is not an Ambito backup of this format (first line AMBITO-BACKUP 2).")
        backup_id, number, last = None, 0, False
        for line in handle:
            if last:
                raise BackupError("The backup file has data after its end: it was altered. Nothing was restored.")
            try:
                plain = cipher.decrypt(line.strip())
            except InvalidToken:
                raise BackupError((f"The backup cannot be decrypted: {KEY_VARIABLE} is not the key it was made "
                                   "with, or the file was altered." if number == 0 else f"The backup file is "
                                   f"damaged or was altered (chunk {number + 1} does not authenticate).")
                                  + " Nothing was restored.") from None
            backup_id = backup_id or plain[:16]
            if plain[:16] != backup_id or int.from_bytes(plain[16:24], "big") != number:
                raise BackupError("The backup file was altered: its chunks are missing, reordered or come from "
                                  "another backup. Nothing was restored.")
            number, last = number + 1, plain[24] == 1
            out.write(plain[25:])
        if not last:
            raise BackupError("The backup file is incomplete (truncated before its end). Nothing was restored.")


def _pg(connection, tool: str, *args: str) -> None:
    """Run pg_dump / pg_restore on the connection's database (the password through the environment)."""
    from django.db.backends.postgresql.client import DatabaseClient

    target, env = [], {}
    if connection is not None:
        config = connection.settings_dict
        env = DatabaseClient.settings_to_cmd_args_env(config, [])[1] or {}
        target = [f"--{option}={config[key]}" for option, key in (("host", "HOST"), ("port", "PORT"),
                  ("username", "USER"), ("dbname", "NAME")) if config.get(key)]
    try:
        done = subprocess.run([tool, *target, *args], env={**os.environ, **env}, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client of the server's version.") from None
    if done.returncode:  # only the tool's own lines: DETAIL and "Command was" lines may quote a row
        errors = [line for line in done.stderr.splitlines() if line.startswith(f"{tool}:")][:3]
        raise BackupError(f"{tool} failed (exit {done.returncode}): {' / '.join(errors)}")


def _sqlite_copy(source, target) -> None:
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
        read.backup(write)


def _describe(cursor, tables, quote) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The rows of each table, and the migrations applied per app."""
    counts, migrations = {}, {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return counts, migrations


def _sqlite_describe(path):
    with closing(sqlite3.connect(path)) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if n[:7] != "sqlite_"]
        return _describe(db.cursor(), names, lambda name: '"' + name.replace('"', '""') + '"')


def _live_counts(connection) -> dict[str, int]:
    if connection.vendor == "sqlite":
        return _sqlite_describe(connection.settings_dict["NAME"])[0]
    with connection.cursor() as cursor:
        return _describe(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)[0]


def _copy_out(connection, target: Path):
    """The database into ``target`` with its engine's tool; the rows and migrations of that same snapshot."""
    if connection.vendor == "sqlite":
        _sqlite_copy(connection.settings_dict["NAME"], target)
        return _sqlite_describe(target)
    nested = connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if not nested:  # pg_dump reads the snapshot these counts were taken in
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        described = _describe(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        _pg(connection, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return described


def _copy_in(connection, source: Path) -> None:
    """Replace the whole database by ``source``: the SQLite backup API in reverse, or pg_restore in one
    transaction into an emptied schema."""
    if connection.vendor == "sqlite":
        connection.close()
        _sqlite_copy(source, connection.settings_dict["NAME"])
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"DROP SCHEMA {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
    connection.close()
    _pg(connection, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        str(source))


def _storage_roots() -> dict[str, Path]:
    """The file-system storages (by their name in STORAGES) that some model's FileField stores into."""
    used = {os.path.abspath(f.storage.location) for model in apps.get_models() for f in model._meta.fields
            if isinstance(f, models.FileField) and isinstance(f.storage, FileSystemStorage)}
    return {alias: Path(storages[alias].location) for alias in settings.STORAGES
            if os.path.abspath(getattr(storages[alias], "location", "")) in used}


def backup_create(*, path, key: str, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the encrypted backup to ``path``: complete or not at all (written beside it, then renamed)."""
    cipher, path, started, connection = _cipher(key), Path(path), time.monotonic(), connections[using]
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    files = []
    with tempfile.TemporaryDirectory() as work:
        dump, archive = Path(work) / DUMPS[connection.vendor], Path(work) / "backup.tar.gz"
        tables, migrations = _copy_out(connection, dump)
        manifest = {"format": FORMAT, "engine": connection.vendor, "created_at": timezone.now().isoformat(),
                    "django": django.get_version(), "migrations": migrations, "tables": tables}
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=1))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(Path(work) / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            for alias, root in _storage_roots().items():
                if root.is_dir():
                    tar.add(root, arcname=f"files/{alias}", filter=lambda info: files.append(info.isfile()) or info)
        descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                _encrypt(archive, handle, cipher)
            os.replace(partial, path)  # mkstemp made it readable by its owner only
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    summary = Summary(manifest, sum(files), time.monotonic() - started, path.stat().st_size)
    logger.info("backup written: %d tables, %d rows, %d files", len(tables), summary.rows, summary.files)
    return summary


def _unpack(path, cipher: MultiFernet, work: Path, into: Path) -> dict:
    """Decrypt and check the whole backup, then unpack it into ``into``; its manifest."""
    if not Path(path).is_file():
        raise BackupError(f"There is no backup file at {path}.")
    _decrypt(Path(path), cipher, work / "backup.tar.gz")
    into.mkdir(mode=0o700)
    with tarfile.open(work / "backup.tar.gz") as tar:
        tar.extractall(into, filter="data")
    (work / "backup.tar.gz").unlink()
    manifest = json.loads((into / "manifest.json").read_text()) if (into / "manifest.json").is_file() else {}
    if manifest.get("format") != FORMAT or not (into / DUMPS.get(manifest.get("engine"), "-")).is_file():
        raise BackupError("The backup does not hold a manifest and a database of this format.")
    return manifest


def _compare(expected: dict, found: dict) -> None:
    wrong = [f"{t}: backup {expected.get(t)}, found {found.get(t)}" for t in sorted(set(expected) | set(found))
             if expected.get(t) != found.get(t)]
    if wrong:
        raise BackupError("The rows do not match the backup's manifest:\n  " + "\n  ".join(wrong))


def _verify(manifest: dict, unpacked: Path) -> int:
    """Check the unpacked database with its engine's tool (SQLite: integrity and rows); count the files."""
    dump = unpacked / DUMPS[manifest["engine"]]
    if manifest["engine"] == "sqlite":
        with closing(sqlite3.connect(dump)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("The backup's SQLite database fails its integrity check.")
        _compare(manifest["tables"], _sqlite_describe(dump)[0])
    else:
        _pg(None, "pg_restore", "--list", "--file=/dev/null", str(dump))
    return sum(1 for p in (unpacked / "files").rglob("*") if p.is_file())


def _staged_files(root: Path, replace: bool) -> tuple[list[tuple[Path, Path]], int]:
    """(unpacked, destination) of each file to put in place, and how many files the backup holds."""
    roots, staged, total = _storage_roots(), [], 0
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if folder.name not in roots:
            raise BackupError(f"The backup holds files of the storage {folder.name!r}, not configured here.")
        for source in sorted(p for p in folder.rglob("*") if p.is_file()):
            total += 1
            target = roots[folder.name] / source.relative_to(folder)
            if target.exists() and filecmp.cmp(source, target, shallow=False):
                continue
            if target.exists() and not replace:  # never the name: file names may carry a person's name
                raise BackupError(f"A stored file of the {folder.name!r} storage already exists with other "
                                  "content; pass --replace to overwrite it.")
            staged.append((source, target))
    return staged, total


def _put_files(staged: list[tuple[Path, Path]]) -> None:
    """Move the files in place; on failure remove them again and put back the files they replaced."""
    done = []
    try:
        for source, target in staged:
            side = target.with_name(f"{target.name}.pre-restore") if target.exists() else None
            if side:
                os.replace(target, side)
            done.append((target, side))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
    except BaseException:
        for target, side in reversed(done):
            target.unlink(missing_ok=True)
            if side:
                os.replace(side, target)
        raise
    for _target, side in done:
        if side:
            side.unlink()


def backup_restore(*, path, key: str, using: str = DEFAULT_DB_ALIAS, replace: bool = False,
                   check: bool = False, extract_to=None) -> Summary:
    """Restore a backup into an empty database (any database with ``replace``), all or nothing; with ``check``
    only verify it, with ``extract_to`` only unpack it there (a new directory: the content is in clear)."""
    cipher, started, connection = _cipher(key), time.monotonic(), connections[using]
    if extract_to and Path(extract_to).exists():
        raise BackupError(f"{extract_to} already exists: name a new directory (the content is in clear).")
    with tempfile.TemporaryDirectory() as work:
        unpacked = Path(extract_to or Path(work) / "backup")
        manifest = _unpack(path, cipher, Path(work), unpacked)
        if check or extract_to:
            return Summary(manifest, _verify(manifest, unpacked), time.monotonic() - started)
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"This is a backup of a {manifest['engine']} database and this database is "
                              f"{connection.vendor}: a backup restores only into the same engine. To move a pilot "
                              "between engines use dumpdata and loaddata (docs/operations.md).")
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations  # apps no longer installed: fine
        unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
                   if (app, name) not in known and any(app == label for label, _name in known)]
        if unknown:
            raise BackupError(f"The backup was made by a newer release of Ambito ({', '.join(unknown[:5])} are "
                              "unknown here): restore it with that release or a later one.")
        occupied = [t for t, rows in _live_counts(connection).items() if rows and t not in REFERENCE_TABLES]
        if occupied and not replace:
            raise BackupError(f"This database already holds data ({len(occupied)} tables, e.g. "
                              f"{', '.join(occupied[:5])}). Restore into an empty database, or pass --replace.")
        staged, files = _staged_files(unpacked / "files", replace)
        before = Path(work) / f"before-{DUMPS[connection.vendor]}"
        _copy_out(connection, before)
        try:
            _copy_in(connection, unpacked / DUMPS[connection.vendor])
            _compare(manifest["tables"], _live_counts(connection))  # before migrate, which may change tables
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
            call_command("migrate", database=using, interactive=False, verbosity=0)
            _put_files(staged)
        except BaseException as failure:
            try:
                _copy_in(connection, before)
            except Exception:
                kept = shutil.copy(before, Path(path).with_name(f"{Path(path).name}.{before.name}"))
                raise BackupError(f"The restore failed ({failure}) and putting the database back failed too: "
                                  f"its state before the restore is in {kept}.") from failure
            raise
    summary = Summary(manifest, files, time.monotonic() - started)
    logger.info("backup restored: %d tables, %d rows, %d files", len(manifest["tables"]), summary.rows, files)
    return summary
