def job_visible_to(*, actor, job) -> bool:
    """A job, its progress and its file are the requester's only: nobody else sees them, administrators
    included (to anyone else a job answers 404, as one that does not exist)."""
    return bool(actor is not None and actor.is_authenticated and job.requested_by_id is not None
                and job.requested_by_id == actor.pk)
