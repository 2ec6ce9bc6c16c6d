"""Locust's ``<prefix>_stats.csv`` turned into `make bench` results.

One row per request type plus locust's ``Aggregated`` row: requests, failures, requests per second and the
50th/95th/99th percentile response times (ms). The bench records for each request type its p95 as the
value, and for the whole run the request count, the failures, the throughput and the p50/p95/p99."""

import csv
import io
from dataclasses import dataclass

AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class RequestStats:
    method: str
    name: str
    requests: int
    failures: int
    rps: float
    p50: float | None
    p95: float | None
    p99: float | None


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def parse(text: str) -> tuple[list[RequestStats], RequestStats]:
    """The request types and the aggregated row of a locust stats CSV; ValueError when it has no
    aggregated row (locust did not finish writing it)."""
    rows, total = [], None
    for row in csv.DictReader(io.StringIO(text)):
        stats = RequestStats(method=row["Type"], name=row["Name"], requests=int(row["Request Count"]),
                             failures=int(row["Failure Count"]), rps=float(row["Requests/s"]), p50=_ms(row["50%"]),
                             p95=_ms(row["95%"]), p99=_ms(row["99%"]))
        if stats.name == AGGREGATED and not stats.method:
            total = stats
        else:
            rows.append(stats)
    if total is None:
        raise ValueError("the locust stats have no Aggregated row")
    return rows, total


def bench_results(text: str, *, users: int, seconds: int) -> list[dict]:
    """Results in the shape `Bench.add` takes (``name``, ``value``, ``unit`` and extra fields)."""
    rows, total = parse(text)
    results = [
        {"name": "load: requests", "value": total.requests, "unit": "requests", "users": users,
         "seconds": seconds},
        {"name": "load: failures", "value": total.failures, "unit": "requests"},
        {"name": "load: throughput", "value": round(total.rps, 2), "unit": "req/s"},
        {"name": "load: p95, all requests", "value": total.p95, "unit": "ms", "p50_ms": total.p50,
         "p99_ms": total.p99},
    ]
    for stats in sorted(rows, key=lambda s: s.name):
        results.append({"name": f"load p95: {stats.name}", "value": stats.p95, "unit": "ms", "p50_ms": stats.p50,
                        "p99_ms": stats.p99, "requests": stats.requests, "failures": stats.failures})
    return results
