"""Background jobs with visible progress on top of the Tasks API (django-tasks, database backend).

An app registers a handler for a job kind in its ``jobs.py``::

    @job_handler("planning.plan_pdf")
    def plan_pdf(job, progress):
        progress(30, _("Rendering tables"))
        return JobOutput(name="piano.pdf", content=pdf_bytes)

and starts it from a view or API view with ``core.services.job_start``. A large result is written to a
temporary file and returned as ``JobOutput(name=..., path=tmp_path)``: it is stored in chunks, then removed.

A job, its progress and its file belong to the user who asked for it. A kind whose file holds person-level
data passes ``on_download``, a callable ``(actor=, job=)`` that writes the access-log row of every download
(``accounts.services.job_download_logged`` makes one); a kind without it holds aggregates only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class JobOutput:
    name: str = ""
    content: bytes = b""
    path: Path | None = None  # a temporary file holding the result, for results too big for memory
    data: dict = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class JobKind:
    handler: Callable
    on_download: Callable | None = None  # (actor=, job=): accounts for a download of a person-level file


_kinds: dict[str, JobKind] = {}


def job_handler(kind: str, *, on_download: Callable | None = None):
    def register(function):
        _kinds[kind] = JobKind(function, on_download=on_download)
        return function

    return register


def kind_of(kind: str) -> JobKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"no job handler registered for {kind!r}") from None


def handler_for(kind: str) -> Callable:
    return kind_of(kind).handler
