"""The load test of `make bench` (group ``load``): a locustfile run as its own process, and the parser of its
CSV statistics. Nothing here imports locust: locust patches the standard library with gevent on import, so
only the locust process itself ever loads ``locustfile.py``."""
