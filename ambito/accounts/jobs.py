"""Background jobs of the accounts app: the daily retention purge of the access log."""

from django.utils.translation import gettext as _

from ambito.core.jobs import JobOutput, job_handler


@job_handler("accounts.access_log_purge")
def access_log_purge_job(job, progress):
    from ambito.accounts.services import access_log_purge

    deleted = access_log_purge()
    return JobOutput(data={"deleted": deleted},
                     message=_("%(count)s access log entries past retention deleted.") % {"count": deleted})
