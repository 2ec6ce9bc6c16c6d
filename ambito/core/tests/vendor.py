"""One marker for tests of what exists only on PostgreSQL (row locks, triggers, COPY). On SQLite they are
reported as skipped with their reason; CI's second pass runs the whole suite on PostgreSQL, where none is."""

import pytest
from django.db import connection


def postgresql_only(why: str):
    """``skipif`` on any database but PostgreSQL, saying why the behaviour is PostgreSQL's alone."""
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=f"PostgreSQL only: {why}. CI runs it there.")
