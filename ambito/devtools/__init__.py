"""Developer tooling, never part of the running service: `make bench` (the benchmarks, their hand-written SQL
twins of the indicators, the locust load test) and the synthetic region generator (`manage.py
seed_synthetic`). It imports every domain app; no runtime app imports it."""
