"""The API baselines of `make bench` (``devtools/baseline.py``) are fair: for the bench's own callers, each
returns the same rows, in the same order, as the real list endpoint it is measured against."""

import pytest
from rest_framework.test import APIClient

from ambito.accounts.services import api_token_issue
from ambito.devtools.baseline import BASELINES
from ambito.devtools.management.commands.bench import _context
from ambito.devtools.synthetic import Scale, seed

pytestmark = pytest.mark.urls("ambito.devtools.bench_urls")


@pytest.fixture(scope="module")
def bench_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed(Scale(ambiti=1, residents_per_ambito=3_000, seed=5))
        ctx = _context()
        tokens = {name: api_token_issue(user=user)[0] for name, user in ctx["users"].items()}
    yield tokens
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.json()
    return [row.get("id", row.get("istat_code")) for row in body["results"]], body["count"]


@pytest.mark.django_db
@pytest.mark.parametrize("spec", BASELINES, ids=lambda spec: spec.slug)
def test_the_baseline_returns_the_same_rows_as_its_endpoint(bench_data, spec):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {bench_data[spec.persona]}")
    endpoint_ids, endpoint_count = _ids(client, spec.endpoint_url())
    baseline_ids, baseline_count = _ids(client, spec.baseline_url())
    assert bool(endpoint_ids) == spec.seeded, f"{spec.url_name}: {len(endpoint_ids)} rows for {spec.persona}"
    assert baseline_ids == endpoint_ids
    assert baseline_count == endpoint_count
