"""The load test of `make bench` (group ``load``): its locustfile loads in locust, and locust's CSV statistics
become bench results. No load is generated here; the load itself runs only in `make bench`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ambito.devtools.loadtest import stats

LOCUSTFILE = Path(__file__).resolve().parents[1] / "loadtest" / "locustfile.py"
# Written by locust 2.47 (3 users, 4 s, one page that answered 404) on this machine.
SAMPLE = Path(__file__).parent / "data" / "locust_stats_sample.csv"


def _config(tmp_path) -> Path:
    persona = {"cookie": "sessionid=x", "token": "t", "deliveries": [{"referral": 1, "day": "2026-01-05",
                                                                      "type": "other"}]}
    config = {"urls": {"requests": "/r/", "deliveries": "/d/", "accept": "/a/{pk}/", "decline": "/x/{pk}/"},
              "social_worker": persona, "provider": {**persona, "to_answer": [1, 2]}, "planner": persona,
              "observer": persona}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


def test_the_locustfile_loads_in_locust_with_its_four_kinds_of_user(tmp_path):
    locust = Path(sys.executable).parent / "locust"
    assert locust.exists(), "locust comes with the dev dependencies (pyproject.toml): run make install"
    # A process of its own: importing locust patches the standard library with gevent.
    listed = subprocess.run([str(locust), "-f", str(LOCUSTFILE), "--list"], capture_output=True, text=True,  # noqa: S603
                            timeout=120, env={"PATH": "/usr/bin:/bin", "AMBITO_LOAD_CONFIG": str(_config(tmp_path))})
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"SocialWorker", "Provider", "Planner", "Observer"}


def test_the_locustfile_refuses_to_start_without_its_configuration():
    locust = Path(sys.executable).parent / "locust"
    assert locust.exists(), "locust comes with the dev dependencies (pyproject.toml): run make install"
    listed = subprocess.run([str(locust), "-f", str(LOCUSTFILE), "--list"], capture_output=True, text=True,  # noqa: S603
                            timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert listed.returncode != 0
    assert "AMBITO_LOAD_CONFIG" in listed.stderr


def test_locust_statistics_become_bench_results():
    results = stats.bench_results(SAMPLE.read_text(), users=3, seconds=4)
    by_name = {row["name"]: row for row in results}
    assert by_name["load: requests"] == {"name": "load: requests", "value": 27, "unit": "requests", "users": 3,
                                         "seconds": 4}
    assert by_name["load: failures"]["value"] == 9
    assert by_name["load: throughput"]["value"] == 14.1
    assert by_name["load: p95, all requests"] == {"name": "load: p95, all requests", "value": 67.0, "unit": "ms",
                                                  "p50_ms": 7.0, "p99_ms": 200.0}
    assert by_name["load p95: sw: work queue"] == {
        "name": "load p95: sw: work queue", "value": 200.0, "unit": "ms", "p50_ms": 10.0, "p99_ms": 200.0,
        "requests": 18, "failures": 0}
    assert by_name["load p95: planner: missing page"]["failures"] == 9
    assert [row["name"] for row in results][4:] == ["load p95: planner: missing page", "load p95: sw: work queue"]


def test_statistics_without_the_aggregated_row_are_refused():
    truncated = "\n".join(SAMPLE.read_text().splitlines()[:-1])
    with pytest.raises(ValueError, match="Aggregated"):
        stats.parse(truncated)


def test_a_request_type_never_answered_has_no_percentiles():
    header = SAMPLE.read_text().splitlines()[0]
    empty = ",".join(["GET", "sw: person detail", "0", "0"] + ["0"] * 7 + ["N/A"] * 11)
    aggregated = ",".join(["", "Aggregated", "0", "0"] + ["0"] * 7 + ["N/A"] * 11)
    rows, total = stats.parse("\n".join([header, empty, aggregated]))
    assert rows[0].p95 is None and rows[0].requests == 0
    assert total.p50 is None
