from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(related: QuerySet, key: str) -> Coalesce:
    """How many ``related`` rows point at the outer row through ``key``, as a scalar subquery (0 when none).
    A list that shows a count per row keeps its paginator's ``COUNT`` a plain count, and PostgreSQL counts for
    the page's rows only, after the sort and ``LIMIT``; a join and ``GROUP BY`` would group every row first."""
    counted = related.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def job_visible_to(*, actor, job) -> bool:
    """A job, its progress and its file are the requester's only: nobody else sees them, administrators
    included (to anyone else a job answers 404, as one that does not exist)."""
    return bool(actor is not None and actor.is_authenticated and job.requested_by_id is not None
                and job.requested_by_id == actor.pk)
