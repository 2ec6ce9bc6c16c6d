"""Background jobs of the privacy app: the art. 15 export of everything held on a person (PDF or JSON)."""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from ambito.access.models import Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, job_download_logged
from ambito.core.jobs import JobOutput, job_handler
from ambito.privacy import rules, selectors
from ambito.privacy.documents import export_context, render_json, render_pdf
from ambito.privacy.services import EXPORT_JOB, PURPOSE


def _person_of(job):
    """The person an art. 15 export is about: downloads of the file go to that person's access trail."""
    return Person.objects.filter(pk=job.params.get("person_id")).first()


@job_handler(EXPORT_JOB, on_download=job_download_logged(purpose=PURPOSE, audit_record=_person_of))
def subject_access(job, progress):
    person = Person.objects.select_related("ambito").get(pk=job.params["person_id"])
    # The job runs later, in a worker: check again that the requester may still read the person.
    if not rules.can_read_person_privacy(job.requested_by, person):
        raise PermissionDenied(_("You may not export this person's data."))
    fmt = job.params.get("format", "pdf")
    with translation.override("it"):
        progress(10, _("Gathering the records from every source"))
        document = selectors.person_export(person=person)
        progress(60, _("Writing the document"))
        if fmt == "json":
            content = render_json(document)
        else:
            content = render_pdf("privacy/export_pdf.html", export_context(document))
        access_log_record(actor=job.requested_by, record=person, action=AccessAction.EXPORT,
                          purpose=f"{PURPOSE}: art. 15 export ({fmt})")
        records = sum(len(s["records"]) for s in document["sources"])
        return JobOutput(name=f"dati-personali-{person.pseudonym}.{fmt}", content=content,
                         data={"person": person.pseudonym, "format": fmt, "records": records,
                               "schema_version": document["version"]},
                         message=_("The export is ready to download."))
