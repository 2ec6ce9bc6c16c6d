from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.navigation import items_for


def home_context(*, actor) -> dict:
    """What a user's home page shows: one group of entries per role it holds, in Role order."""
    scope = scope_for(actor)
    items = items_for(scope)
    groups = []
    for role in Role:
        if not scope.has(role):
            continue
        entries = [item for item in items if not item.public and (not item.roles or role in item.roles)]
        groups.append({"role": role, "items": entries})
    public_items = [item for item in items if item.public]
    return {"role_groups": groups, "public_items": public_items, "scope": scope}


# Jobs whose result holds a person's whole record: only the requester (the DPO) reads them, never an
# administrator looking after the job queue.
PERSONAL_RESULT_JOBS = frozenset({"privacy.subject_access"})


def job_visible_to(*, actor, job) -> bool:
    """The requester sees a job; an administrator sees the others' too, except those holding a person's
    record."""
    if job.requested_by_id == actor.id:
        return True
    return job.kind not in PERSONAL_RESULT_JOBS and scope_for(actor).has(Role.ADMINISTRATOR)
