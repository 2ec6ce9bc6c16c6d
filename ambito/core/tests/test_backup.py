"""manage.py backup / restore: an encrypted, consistent dump that restores every row, and refuses cleanly."""

import functools
import hashlib
import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from ambito.access.models import Person
from ambito.access.tests.factories import make_person, make_request
from ambito.care.models import CaseAttachment
from ambito.care.services import case_note_add
from ambito.care.tests.factories import accepted_referral
from ambito.core import backup

ATTACHMENT = b"Relazione della visita domiciliare: la signora sta meglio.\n" * 50


@pytest.fixture
def key(monkeypatch):
    value = Fernet.generate_key().decode()
    monkeypatch.setenv("AMBITO_BACKUP_KEY", value)
    return value


@pytest.fixture
def records(demo_with):
    """The demo Ambito and its network, persons of the PUA with requests, and a PAI with an accepted referral
    and a case note: personal data in access, care, the access log and the audit log."""
    demo = demo_with("network")
    worker = demo.users["sw.monza"]
    persons = []
    for username, comune in (("sw.monza", "monza"), ("sw.monza", "monza"), ("sw.brugherio", "brugherio")):
        persons.append(make_person(demo.users[username], demo.comuni[comune]))
        make_request(demo.users[username], persons[-1])
    referral = accepted_referral(demo)
    note = case_note_add(actor=worker, person=referral.person, referral=referral,
                         text="Visita domiciliare: sta meglio.",
                         files=[SimpleUploadedFile("relazione.txt", ATTACHMENT, "text/plain")])
    stored = note.attachments.get().file
    yield persons
    stored.storage.delete(stored.name)


@functools.cache
def table_layout(vendor: str, name: str) -> list[tuple[str, str]]:
    """Each table in the database (introspected, not taken from the backup code) with its ORDER BY."""
    quote = connection.ops.quote_name
    layout = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            pk = connection.introspection.get_primary_key_column(cursor, table)
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            layout.append((table, quote(pk) if pk else ", ".join(map(quote, columns))))
    return layout


def table_digests() -> dict[str, tuple[int, str]]:
    """Every table in the database, read by plain SQL: its rows and a digest of all their values in
    primary-key order."""
    digests = {}
    with connection.cursor() as cursor:
        for table, order in table_layout(connection.vendor, connection.settings_dict["NAME"]):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")
            rows = cursor.fetchall()
            digests[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return digests


def empty_database():
    """``flush`` inside the test's transaction (PostgreSQL's TRUNCATE wants no foreign-key check pending)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("flush", interactive=False, verbosity=0)


def run(command, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_into_an_empty_database(records, key, tmp_path):
    """Committed for real (no test transaction): the backup reads one snapshot, the restore commits."""
    before = table_digests()
    path = tmp_path / "ambito.backup"
    run("backup", str(path))

    content = path.read_bytes()
    assert content.startswith(b"AMBITO-BACKUP 1\n")
    secrets = [value for person in Person.objects.all()
               for value in (person.fiscal_code, person.last_name, person.pseudonym) if value]
    assert len(secrets) >= 7
    for secret in [*secrets, "Visita domiciliare", "Relazione della visita", "sw.monza"]:
        assert secret.encode() not in content

    attachment = CaseAttachment.objects.get()
    empty_database()  # reference data re-created by post_migrate
    attachment.file.storage.delete(attachment.file.name)  # as on a new server
    emptied = table_digests()
    assert emptied["access_person"][0] == 0 and emptied["auth_user"][0] == 0
    assert emptied["django_content_type"][0] > 0

    output = run("restore", str(path))

    after = table_digests()
    assert after == before
    with attachment.file.storage.open(attachment.file.name, "rb") as restored_file:
        assert restored_file.read() == ATTACHMENT
    restored = sum(rows for table, (rows, _digest) in after.items() if table != "django_migrations")
    assert f"Restored {restored:,} rows in {len(after) - 1} tables and 1 stored files" in output
    print(f"\nrestored and verified {restored} rows in {len(after) - 1} tables "
          f"({connection.vendor}); persons {after['access_person'][0]}, audit entries "
          f"{after['auditlog_logentry'][0]}, access log {after['accounts_accesslog'][0]}")
    # The primary-key sequences moved past the restored ids, so new rows do not collide.
    worker = get_user_model().objects.get(username="sw.monza")
    person = make_person(worker, records[0].residence_comune)
    assert person.pk > max(p.pk for p in records)
    assert get_user_model().objects.create(username="after-restore").pk > worker.pk


def test_a_wrong_key_is_refused_and_nothing_changes(records, key, tmp_path, monkeypatch):
    path = tmp_path / "ambito.backup"
    run("backup", str(path))
    before = table_digests()
    monkeypatch.setenv("AMBITO_BACKUP_KEY", Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="not the key it was made with"):
        run("restore", str(path), replace=True)
    assert table_digests() == before


def test_a_tampered_file_is_refused_and_nothing_changes(records, key, tmp_path):
    path = tmp_path / "ambito.backup"
    backup.backup_create(path=path, key=key, chunk_bytes=16 * 1024)  # many chunks
    magic, *tokens = path.read_bytes().splitlines(keepends=True)
    assert len(tokens) >= 5
    before = table_digests()
    middle = len(tokens) // 2
    flipped = bytearray(tokens[middle])
    flipped[60] = ord("A") if flipped[60] != ord("A") else ord("B")
    other = tmp_path / "other.backup"
    backup.backup_create(path=other, key=key, chunk_bytes=16 * 1024)
    foreign = other.read_bytes().splitlines(keepends=True)[1 + middle]
    flipped_file = magic + b"".join([*tokens[:middle], bytes(flipped), *tokens[middle + 1:]])
    cases = {
        "missing, reordered": [*tokens[:middle], *tokens[middle + 1:]],
        "reordered": [*tokens[:middle], tokens[middle + 1], tokens[middle], *tokens[middle + 2:]],
        "another backup": [*tokens[:middle], foreign, *tokens[middle + 1:]],
        "incomplete": tokens[:-1],
        "after its end": [*tokens, tokens[-1]],
    }
    # --replace empties every table before the damaged chunk is reached: the refusal rolls that back too.
    path.write_bytes(flipped_file)
    with pytest.raises(CommandError, match="damaged or was altered"):
        run("restore", str(path), replace=True)
    assert table_digests() == before

    attachment = CaseAttachment.objects.get().file
    empty_database()
    attachment.storage.delete(attachment.name)
    empty = table_digests()
    for message, lines in cases.items():
        path.write_bytes(magic + b"".join(lines))
        with pytest.raises(CommandError, match=message):
            run("restore", str(path))
        assert table_digests() == empty, message
        assert not attachment.storage.exists(attachment.name), message  # a file written back is removed again


def test_a_database_with_data_is_refused_unless_replace(records, key, tmp_path):
    path = tmp_path / "ambito.backup"
    run("backup", str(path))
    before = table_digests()
    with pytest.raises(CommandError, match="already holds data .* --replace"):
        run("restore", str(path))
    assert table_digests() == before

    make_person(get_user_model().objects.get(username="sw.monza"), records[0].residence_comune)  # after the backup
    assert Person.objects.count() == len(records) + 1 + 1  # factories' persons, the PAI's person, the new one
    output = run("restore", str(path), replace=True)
    assert "every table's row count matches" in output
    assert table_digests() == before


def test_a_backup_of_another_migration_state_is_refused(records, key, tmp_path, monkeypatch):
    path = tmp_path / "ambito.backup"
    state = backup.migration_state()
    with monkeypatch.context() as patch:
        patch.setattr(backup, "migration_state", lambda using="default": state | {"care": ["9999_future"]})
        run("backup", str(path))
    before = table_digests()
    with pytest.raises(CommandError, match=r"care: backup at 9999_future, this database at \d{4}_"):
        run("restore", str(path), replace=True)
    assert table_digests() == before


def test_check_reads_the_whole_file_without_the_database(records, key, tmp_path):
    path = tmp_path / "ambito.backup"
    run("backup", str(path))
    rows = sum(rows for table, (rows, _digest) in table_digests().items() if table != "django_migrations")
    assert f"Verified {rows:,} rows" in run("restore", str(path), check=True)


def test_without_a_key_the_command_says_how_to_make_one(db, tmp_path, monkeypatch):
    monkeypatch.delenv("AMBITO_BACKUP_KEY", raising=False)
    with pytest.raises(CommandError, match="--generate-key"):
        run("backup", str(tmp_path / "x.backup"))
    assert not (tmp_path / "x.backup").exists()
    monkeypatch.setenv("AMBITO_BACKUP_KEY", "not-a-key")
    with pytest.raises(CommandError, match="not a valid key"):
        run("backup", str(tmp_path / "x.backup"))
    generated = run("backup", generate_key=True).strip()
    assert Fernet(generated).decrypt(Fernet(generated).encrypt(b"ok")) == b"ok"


def test_a_rotated_key_still_reads_old_backups(records, key, tmp_path, monkeypatch):
    path = tmp_path / "ambito.backup"
    run("backup", str(path))
    monkeypatch.setenv("AMBITO_BACKUP_KEY", f"{Fernet.generate_key().decode()},{key}")
    assert "Verified" in run("restore", str(path), check=True)


@pytest.mark.django_db(transaction=True)
def test_rows_committed_while_the_backup_runs_are_not_in_it(key, tmp_path):
    """One snapshot: a session and a group committed by another connection after the dump has started are
    in neither the header nor the tables, so the counts agree."""
    if connection.vendor != "postgresql":
        pytest.skip("a second writer needs PostgreSQL (the in-memory SQLite test database locks whole tables)")
    from django.db import connections

    other = connections.create_connection("default")
    other.settings_dict["NAME"] = connection.settings_dict["NAME"]

    def write_elsewhere(table, rows):
        if table == "access_scale":  # the first table dumped; sessions and groups come later
            with other.cursor() as cursor:
                cursor.execute("INSERT INTO django_session (session_key, session_data, expire_date) "
                               "VALUES ('x' || md5(random()::text), 'e30', now() + interval '1 day')")
                cursor.execute("INSERT INTO auth_group (name) VALUES ('written during the backup')")

    path = tmp_path / "ambito.backup"
    try:
        backup.backup_create(path=path, key=key, progress=write_elsewhere)
    finally:
        other.close()
    in_file = backup.backup_verify(path=path, key=key)
    assert in_file.mismatches == []
    assert in_file.tables["django_session"] == 0 and in_file.tables["auth_group"] == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT COUNT(*) FROM django_session), (SELECT COUNT(*) FROM auth_group)")
        assert cursor.fetchone() == (1, 1)


@pytest.mark.parametrize("outcome", ["fails", "commits"])
def test_a_file_overwritten_by_replace_comes_back_if_the_restore_fails(db, outcome):
    """Files are not transactional: under --replace an existing file is set aside, put back when the restore
    fails (the database rolls back to rows pointing at it) and removed once it succeeds."""
    import base64

    from django.core.files.base import ContentFile

    restorer = backup._FileRestorer(backup._tables("default"), replace=True)
    field = restorer.fields["care.CaseAttachment.file"]
    name = field.storage.save("care/attachments/test-restore.txt", ContentFile(b"what the database points at"))
    try:
        restorer.start({"field": "care.CaseAttachment.file", "name": name})
        restorer.data({"b64": base64.b64encode(b"the backup's copy").decode()})
        restorer.finish()
        with field.storage.open(name, "rb") as handle:
            assert handle.read() == b"the backup's copy"
        if outcome == "fails":
            restorer.undo()
            expected = b"what the database points at"
        else:
            restorer.commit()
            expected = b"the backup's copy"
        with field.storage.open(name, "rb") as handle:
            assert handle.read() == expected
        assert not field.storage.exists(f"{name}.pre-restore")
    finally:
        field.storage.delete(name)
