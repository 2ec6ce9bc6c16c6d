from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

# Jobs whose result holds a person's whole record: only the requester (the DPO) reads them, never an
# administrator looking after the job queue.
PERSONAL_RESULT_JOBS = frozenset({"privacy.subject_access"})


def job_visible_to(*, actor, job) -> bool:
    """The requester sees a job; an administrator sees the others' too, except those holding a person's
    record."""
    if job.requested_by_id == actor.id:
        return True
    return job.kind not in PERSONAL_RESULT_JOBS and scope_for(actor).has(Role.ADMINISTRATOR)
