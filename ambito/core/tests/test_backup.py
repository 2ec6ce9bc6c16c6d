"""manage.py backup / restore, run as an operator runs them: subprocesses on scratch databases of the engine the
suite runs on (SQLite files, or PostgreSQL databases named after the test database), never the test database.
Refusals that must happen before anything is written run in-process too, with database access blocked."""

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command

from ambito.core import backup

ROOT = Path(__file__).resolve().parents[3]
KEY = Fernet.generate_key().decode()
CONFIG = dict(settings.DATABASES["default"])
POSTGRES = "postgresql" in CONFIG["ENGINE"]
ENGINE = "postgresql" if POSTGRES else "sqlite"
ATTACHMENT = random.Random(7).randbytes(300 * 1024)  # incompressible: the backup spans several chunks
POPULATE = """
import random
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from ambito.access.tests.factories import make_person, make_request
from ambito.core.demo import load_demo
from ambito.core.models import Job
demo = load_demo(["territory", "accounts"])
for username, comune in (("sw.monza", "monza"), ("sw.monza", "monza"), ("sw.brugherio", "brugherio")):
    worker = demo.users[username]
    make_request(worker, make_person(worker, demo.comuni[comune]))
job = Job.objects.create(kind="export", title="Esportazione", params_key="k", requested_by=worker)
job.result_file.save("relazione.bin", ContentFile(random.Random(7).randbytes(300 * 1024)))
default_storage.save("planning/contributions/contributo.txt", ContentFile(b"Contributo del tavolo anziani"))
"""


@dataclass
class Site:
    """One installation: a database and its var/ directory (private storage and media)."""

    name: str
    url: str
    var: Path

    def manage(self, *args, key=KEY, ok=True) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": self.url, "AMBITO_VAR_DIR": str(self.var), "AMBITO_BACKUP_KEY": key}
        env.pop("AMBITO_BACKUP_KEY_FILE", None)
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert (done.returncode == 0) == ok, done.stderr[-2000:]
        return done

    def connect(self):
        if POSTGRES:
            import psycopg

            return psycopg.connect(dbname=self.url.rsplit("/", 1)[1], host=CONFIG["HOST"] or None,
                                   port=CONFIG["PORT"] or None, user=CONFIG["USER"] or None,
                                   password=CONFIG["PASSWORD"] or None)
        return sqlite3.connect(self.url.removeprefix("sqlite:///"))

    def contents(self, columns=None) -> dict[str, tuple[list[str], list[tuple]]]:
        """Every table, read by plain SQL (not by the backup code): its column names and its rows, sorted."""
        listing = ("SELECT tablename FROM pg_tables WHERE schemaname = 'public'" if POSTGRES else
                   "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        found = {}
        with self.connect() as connection:
            cursor = connection.cursor()
            cursor.execute(listing)
            for (table,) in cursor.fetchall():
                wanted = ", ".join(f'"{c}"' for c in columns[table]) if columns and table in columns else "*"
                cursor.execute(f'SELECT {wanted} FROM "{table}"')
                found[table] = ([d[0] for d in cursor.description], sorted(cursor.fetchall(), key=repr))
        return found

    def files(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.var)): p.read_bytes() for p in sorted(self.var.rglob("*"))
                if p.is_file() and p.parent != self.var}  # not var/ itself (the SQLite files live there)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Makes scratch installations (``like=`` copies another one) and drops their databases afterwards."""
    root = tmp_path_factory.mktemp("backup-sites")
    made = []

    def new(name, like=None):
        site = Site(name, f"sqlite:///{root / name / name}.sqlite3", root / name)
        if POSTGRES:
            site.url = CONFIG_URL + f"/{CONFIG['NAME']}_bk{os.getpid()}_{name}"
            admin(f'CREATE DATABASE "{site.url.rsplit("/", 1)[1]}"'
                  + (f' TEMPLATE "{like.url.rsplit("/", 1)[1]}"' if like else ""))
        if like:
            shutil.copytree(like.var, site.var)
            if not POSTGRES:
                with like.connect() as source, site.connect() as target:
                    source.backup(target)
        site.var.mkdir(exist_ok=True)
        made.append(site)
        return site

    yield new
    for site in made if POSTGRES else []:
        admin(f'DROP DATABASE IF EXISTS "{site.url.rsplit("/", 1)[1]}" WITH (FORCE)')


CONFIG_URL = (f"postgres://{CONFIG['USER']}:{CONFIG['PASSWORD']}@{CONFIG['HOST']}:{CONFIG['PORT']}" if POSTGRES else "")


def admin(statement):
    import psycopg

    with psycopg.connect(dbname="postgres", host=CONFIG["HOST"] or None, port=CONFIG["PORT"] or None,
                         user=CONFIG["USER"] or None, password=CONFIG["PASSWORD"] or None, autocommit=True) as c:
        c.execute(statement)


@pytest.fixture(scope="module")
def empty(sites):
    """A database migrated to this release, with only what migrate itself writes."""
    site = sites("empty")
    site.manage("migrate", "--verbosity=0")
    return site


@pytest.fixture(scope="module")
def source(sites, empty):
    site = sites("source", like=empty)
    site.manage("shell", "-c", POPULATE)
    return site


@pytest.fixture(scope="module")
def made(source, tmp_path_factory):
    """Two backups of the source with the same key."""
    folder = tmp_path_factory.mktemp("backups")
    source.manage("backup", str(folder / "first.backup"))
    source.manage("backup", str(folder / "second.backup"))
    return folder / "first.backup", folder / "second.backup"


def test_a_backup_restores_every_row_and_file_into_an_empty_database(sites, source, made):
    path = made[0]
    content = path.read_bytes()
    assert content.startswith(b"AMBITO-BACKUP 2\n") and len(content.splitlines()) > 4
    assert path.stat().st_mode & 0o777 == 0o600
    before = source.contents()
    columns = before["access_person"][0]
    secrets = [row[columns.index(name)] for row in before["access_person"][1] for name in ("fiscal_code", "last_name")]
    assert len(secrets) == 6
    for secret in [*secrets, "Contributo del tavolo", "sw.monza"]:
        assert secret.encode() not in content
    assert ATTACHMENT[:64] not in content

    target = sites("restored")  # a new, empty database: not even migrated
    output = target.manage("restore", str(path)).stdout

    after = target.contents()
    assert after == before
    assert len(after["access_person"][1]) == 3 and len(after["access_accessrequest"][1]) == 3
    assert target.files() == source.files() and len(target.files()) == 2
    assert any(content == ATTACHMENT for content in target.files().values())
    rows = sum(len(rows) for _columns, rows in before.values())
    assert f"Restored {rows:,} rows in {len(before)} tables and 2 stored files of the {ENGINE} backup" in output


def test_a_backup_of_the_previous_migration_state_restores_into_this_release(sites, empty, source, tmp_path):
    """As after an upgrade: yesterday's backup (here: access before its last two migrations, and privacy,
    which depends on them, not yet created) restores, then migrate brings it to this release."""
    previous = sites("previous", like=source)
    previous.manage("migrate", "access", "0002", "--verbosity=0")
    before = previous.contents()
    assert "restricted_at" not in before["access_person"][0] and "privacy_privacyrequest" not in before
    path = tmp_path / "previous.backup"
    previous.manage("backup", str(path))

    target = sites("upgraded", like=empty)  # migrated to this release, empty
    target.manage("restore", str(path))

    after = target.contents(columns={table: columns for table, (columns, _rows) in before.items()})
    for table, (columns, rows) in before.items():
        if table == "django_migrations":  # the backup's rows, then those of the migrations applied since
            assert set(rows) < set(after[table][1]) and after[table][0] == columns
        else:
            assert after[table] == (columns, rows), table
    assert "restricted_at" in target.contents()["access_person"][0]
    assert "privacy_privacyrequest" in after
    assert target.files() == source.files()


def rewrite(path: Path, change) -> Path:
    """The backup decrypted, changed by ``change(folder)`` and encrypted again with the same key."""
    work = path.parent / f"rewrite-{change.__name__}"
    work.mkdir()
    backup._decrypt(path, backup._cipher(KEY), work / "plain.tar.gz")
    with tarfile.open(work / "plain.tar.gz") as tar:
        tar.extractall(work / "content", filter="data")
    change(work / "content")
    with tarfile.open(work / "changed.tar.gz", "w:gz") as tar:
        for item in sorted((work / "content").iterdir()):
            tar.add(item, arcname=item.name)
    changed = work / "changed.backup"
    with open(changed, "wb") as handle:
        backup._encrypt(work / "changed.tar.gz", handle, backup._cipher(KEY))
    return changed


def test_a_damaged_or_foreign_file_is_refused_before_anything_is_written(made, tmp_path):
    """In-process with database access blocked (pytest-django): every refusal comes before the database is
    touched, and the unpacked content only ever went to a temporary directory."""
    first, second = made
    magic, *lines = first.read_bytes().splitlines(keepends=True)
    other = second.read_bytes().splitlines(keepends=True)[1:]
    middle = len(lines) // 2
    flipped = bytearray(lines[middle])
    flipped[80] = ord("A") if flipped[80] != ord("A") else ord("B")
    cases = [
        ("incomplete", magic + b"".join(lines[:-1])),
        ("damaged or was altered", magic + b"".join([*lines[:middle], lines[middle][:100] + b"\n", *lines[middle + 1:]])),
        ("damaged or was altered", magic + b"".join([*lines[:middle], bytes(flipped), *lines[middle + 1:]])),
        ("another backup", magic + b"".join([*lines[:middle], other[middle], *lines[middle + 1:]])),
        ("missing, reordered", magic + b"".join([*lines[:middle], lines[middle + 1], lines[middle], *lines[middle + 2:]])),
        ("missing, reordered", magic + b"".join([*lines[:middle], *lines[middle + 1:]])),
        ("after its end", magic + b"".join([*lines, lines[-1]])),
        ("not an Ambito backup", b"PGDMP" + magic + b"".join(lines)),
    ]
    path = tmp_path / "damaged.backup"
    for message, content in cases:
        path.write_bytes(content)
        with pytest.raises(backup.BackupError, match=message):
            backup.backup_restore(path=path, key=KEY)
    with pytest.raises(backup.BackupError, match="not the key it was made with"):
        backup.backup_restore(path=first, key=Fernet.generate_key().decode())
    assert backup.backup_restore(path=first, key=KEY, check=True).files == 2  # the file itself is fine


def test_a_refused_restore_leaves_the_database_and_the_storages_as_they_were(sites, empty, source, made):
    """The same refusals, end to end on a real target; and a backup whose rows do not match its manifest is
    loaded, found wrong, and the database put back as it was."""
    target = sites("refusing", like=empty)
    before = target.contents()
    truncated = made[0].parent / "truncated.backup"
    truncated.write_bytes(b"".join(made[0].read_bytes().splitlines(keepends=True)[:-1]))
    assert "incomplete" in target.manage("restore", str(truncated), ok=False).stderr
    assert "not the key" in target.manage("restore", str(made[0]), key=Fernet.generate_key().decode(),
                                          ok=False).stderr

    def one_more_person(folder):
        manifest = folder / "manifest.json"
        manifest.write_text(manifest.read_text().replace('"access_person": 3', '"access_person": 4'))

    output = target.manage("restore", str(rewrite(made[0], one_more_person)), ok=False).stderr
    assert "access_person: backup 4, found 3" in output

    def other_engine(folder):
        dump = folder / backup.DUMPS[ENGINE]
        dump.rename(folder / backup.DUMPS["sqlite" if POSTGRES else "postgresql"])
        manifest = folder / "manifest.json"
        manifest.write_text(manifest.read_text().replace(f'"engine": "{ENGINE}"',
                                                         f'"engine": "{"sqlite" if POSTGRES else "postgresql"}"'))

    assert "restores only into the same engine" in target.manage(
        "restore", str(rewrite(made[0], other_engine)), ok=False).stderr
    assert target.contents() == before
    assert target.files() == {}

    refused = source.manage("restore", str(made[0]), ok=False).stderr  # the source holds data
    assert "already holds data" in refused and "--replace" in refused


def test_replace_restores_over_a_database_that_holds_data(sites, source, made):
    changed = sites("changed", like=source)
    changed.manage("shell", "-c", "from django.contrib.auth.models import User; User.objects.create(username='later')")
    (changed.var / "private" / "jobs").rename(changed.var / "private" / "moved")
    changed.manage("restore", "--replace", str(made[0]))
    assert changed.contents() == source.contents()
    restored = changed.files()
    assert {name: content for name, content in restored.items() if "moved" not in name} == source.files()


def test_keys(tmp_path, monkeypatch, made):
    monkeypatch.delenv("AMBITO_BACKUP_KEY", raising=False)
    monkeypatch.delenv("AMBITO_BACKUP_KEY_FILE", raising=False)
    with pytest.raises(CommandError, match="--generate-key"):
        call_command("backup", str(tmp_path / "x.backup"))
    monkeypatch.setenv("AMBITO_BACKUP_KEY", "not-a-key")
    with pytest.raises(CommandError, match="not a valid key"):
        call_command("restore", str(made[0]), check=True)
    assert not (tmp_path / "x.backup").exists()
    key_file = tmp_path / "backup.key"
    key_file.write_text(f"{Fernet.generate_key().decode()},{KEY}\n")  # rotated: new first, then the old one
    monkeypatch.setenv("AMBITO_BACKUP_KEY_FILE", str(key_file))  # wins over AMBITO_BACKUP_KEY
    assert backup.backup_key_from_environment() == key_file.read_text().strip()
    assert backup.backup_restore(path=made[0], key=backup.backup_key_from_environment(), check=True).files == 2
    generated = backup.backup_key_generate()
    assert Fernet(generated).decrypt(Fernet(generated).encrypt(b"ok")) == b"ok"


def test_extract_unpacks_the_standard_pieces(made, tmp_path):
    folder = tmp_path / "extracted"
    summary = backup.backup_restore(path=made[0], key=KEY, extract_to=folder)
    assert (folder / "manifest.json").is_file() and (folder / backup.DUMPS[ENGINE]).is_file()
    assert summary.manifest["engine"] == ENGINE and summary.manifest["tables"]["access_person"] == 3
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    if not POSTGRES:
        with sqlite3.connect(folder / "database.sqlite3") as db:
            assert db.execute("SELECT COUNT(*) FROM access_person").fetchone() == (3,)
