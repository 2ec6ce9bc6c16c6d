"""`make bench`: the app's own code measured side by side with hand-written SQL on the same data.

Each benchmark returns results ``{"name", "value", "unit", "baseline", "ratio", ...}``; ratios are
app / baseline for times (lower is better, goal ≤ 1.3) and app / baseline for throughput (higher is
better, goal ≥ 0.5). Every SQL comparison first checks that both sides give the same answer."""

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timings(function: Callable, repeat: int = REPEAT, warmup: int = WARMUP) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        reset_queries()
    return samples


def _query_count(function: Callable) -> int:
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    return len(executed)


def run_sql(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Bench:
    scale: dict
    results: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # any makes the bench command exit non-zero
    stdout: object = None

    def say(self, line: str):
        if self.stdout is not None:
            self.stdout.write(line)

    def add(self, name, value, unit, baseline=None, ratio=None, **extra):
        row = {"name": name, "value": round(value, 3) if isinstance(value, float) else value, "unit": unit,
               "baseline": round(baseline, 3) if isinstance(baseline, float) else baseline,
               "ratio": round(ratio, 3) if ratio is not None else None, **extra}
        self.results.append(row)
        ratio_text = f"  ratio {row['ratio']:.2f}" if row["ratio"] is not None else ""
        baseline_text = f"  (SQL/baseline {row['baseline']} {unit})" if baseline is not None else ""
        extra_text = "".join(f"  {k}={v}" for k, v in extra.items())
        self.say(f"  {name:<58} {row['value']:>10} {unit}{baseline_text}{ratio_text}{extra_text}")

    def compare_with_sql(self, name: str, app: Callable, sql: Callable, same: Callable | None = None):
        """Time ``app()`` against ``sql()`` (both return comparable results) and record the ratio."""
        app_result, sql_result = app(), sql()
        if (same or (lambda a, b: a == b))(app_result, sql_result) is not True:
            raise AssertionError(f"{name}: the app and the hand-written SQL disagree: {app_result!r} vs {sql_result!r}")
        app_ms = statistics.median(timings(app))
        sql_ms = statistics.median(timings(sql))
        self.add(name, app_ms, "ms", baseline=sql_ms, ratio=app_ms / sql_ms if sql_ms else None,
                 queries=_query_count(app))

    def page(self, name: str, client: Client, url: str):
        """Median and p95 of a page or API call through the test client, with its query count."""
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{name}: GET {url} answered {response.status_code}")
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        samples = timings(lambda: client.get(url))
        self.add(name, statistics.median(samples), "ms", p95_ms=round(_percentile(samples, 0.95), 1),
                 queries=len(executed))

    def memory(self, name: str, function: Callable, rows_of: Callable):
        tracemalloc.start()
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows = rows_of(result)
        self.add(f"{name} rows/s", rows / elapsed if elapsed else 0.0, "rows/s", rows=rows)
        self.add(f"{name} peak memory", peak / 1_048_576, "MiB", rows=rows)

    def write(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"scale": self.scale, "results": self.results, "notes": self.notes,
                                    "failures": self.failures}, indent=2, default=str))


class Server:
    """gunicorn with 2 workers on loopback, for the throughput benchmarks. It runs the bench's settings
    (``bench_settings``): the project's, with the plain DRF baselines mounted beside the API
    (``baseline.py``), so an endpoint and its baseline are measured in the same server."""

    def __init__(self, port: int = 8199):
        self.port = port
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        env = {**os.environ, "DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-never-used-in-production-8c1f2a7e"),
               "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING",
               "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
               "DJANGO_SETTINGS_MODULE": "ambito.devtools.bench_settings"}
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [str(gunicorn), "ambito.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env,
        )
        import urllib.request

        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def wrk(url: str, *, token: str | None = None, seconds: int = 5, script: str | None = None) -> float:
    """Requests per second measured by wrk (2 threads, 8 connections) from loopback."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    non_2xx = [line for line in output.splitlines() if "Non-2xx" in line]
    if non_2xx:
        raise AssertionError(f"wrk {url}: {non_2xx[0].strip()}")
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise AssertionError(f"wrk printed no rate:\n{output}")
