"""SIUSS-style exports on hand-built deliveries and assessments."""

import csv
import datetime as dt
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ambito.core.models import JobStatus
from ambito.monitoring import services, siuss
from ambito.monitoring.tests import factories


@pytest.fixture
def benefits(world):
    from ambito.network.models import TaxonomyTerm

    term = TaxonomyTerm.objects.create(code="A1.04", name="Contributi economici per il sostegno al reddito")
    svc = factories.service(world, "contributi", service_type="economic_support", area="poverta",
                            taxonomy_term=term, fee="income_based")
    ref = factories.referral(world, svc, answered_after_days=1)
    factories.delivery(world, ref, on=dt.date(2025, 2, 1), amount=Decimal("200.00"))
    factories.delivery(world, ref, on=dt.date(2025, 3, 1), amount=Decimal("150.50"))
    factories.delivery(world, ref, on=dt.date(2024, 12, 1), amount=Decimal("999.00"))  # another year
    return world, ref


def _rows(text):
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_psa_has_one_row_per_benefit_with_code_dates_amount_and_isee(benefits):
    world, ref = benefits
    out = io.StringIO()
    count = siuss.psa_write(out, comune_ids={world.comuni["a"].pk}, year=2025)
    header, row = _rows(out.getvalue())
    assert count == 1 and header == siuss.PSA_HEADER
    data = dict(zip(header, row, strict=True))
    assert data["id_beneficiario"] == ref.person.pseudonym and data["id_beneficiario"].startswith("P-")
    assert data["codice_prestazione"] == "A1.04"
    assert (data["data_inizio"], data["data_fine"]) == ("2025-02-01", "2025-03-01")
    assert Decimal(data["importo"]) == Decimal("350.50")
    assert data["frequenza"] == "settimanale" and data["ente_erogatore"] == "Comune"
    assert data["comune_ente_istat"] == "999001" and data["prestazione_isee"] == "1"
    assert "Nome" not in out.getvalue() and "Cognome" not in out.getvalue()  # no names, only pseudonyms


def test_sina_lists_completed_assessments_with_scale_scores(world):
    from ambito.access.models import AccessRequest, Assessment, Scale, ScaleScore

    person = factories.person(world)
    request = AccessRequest.objects.create(ambito=world.ambito, person=person, comune=world.comuni["a"],
                                           channel="gp", need="Non autosufficienza", area="anziani",
                                           received_at=factories.at(2025, 1, 10))
    assessment = Assessment.objects.create(request=request, person=person, status="completed",
                                           scheduled_for=dt.date(2025, 2, 1), held_on=dt.date(2025, 2, 1),
                                           need_profile="socio_health", intensity=3, decision="care_plan")
    barthel, _ = Scale.objects.get_or_create(code="barthel", defaults={"name": "Barthel", "max_score": 100})
    ScaleScore.objects.create(assessment=assessment, scale=barthel, answers={}, score=Decimal("45.0"),
                              max_score=100, applicable_items=10, scored_at=factories.at(2025, 2, 1))
    out = io.StringIO()
    assert siuss.assessment_write(out, comune_ids={world.comuni["a"].pk}, year=2025, areas=siuss.SINA_AREAS) == 1
    data = dict(zip(*_rows(out.getvalue()), strict=True))
    assert Decimal(data["barthel"]) == 45 and data["intensita"] == "3" and data["esito"] == "care_plan"
    out = io.StringIO()
    assert siuss.assessment_write(out, comune_ids={world.comuni["a"].pk}, year=2025, areas=siuss.SINBA_AREAS) == 0


def test_the_export_job_streams_to_a_file_and_is_logged(benefits, run_jobs, django_capture_on_commit_callbacks):
    from ambito.accounts.models import AccessLog

    world, ref = benefits
    with django_capture_on_commit_callbacks(execute=True):
        job = services.siuss_export_start(actor=world.users["t.sw"], ambito=world.ambito, year=2025, flow="psa")
        again = services.siuss_export_start(actor=world.users["t.sw"], ambito=world.ambito, year=2025, flow="psa")
    assert again.pk == job.pk
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_data["rows"] == 1
    with job.result_file.open("rb") as handle:
        assert ref.person.pseudonym in handle.read().decode()
    assert AccessLog.objects.filter(object_id=str(job.pk), action="export").exists()


def test_two_users_asking_the_same_export_get_each_their_own_job_and_file(benefits, client, run_jobs,
                                                                         django_capture_on_commit_callbacks):
    """A social worker asking what the planning office is already exporting gets their own job (their own
    Comuni), never the planner's job id; a download is the requester's only and is written to the access log."""
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import AccessLog, Membership
    from ambito.accounts.roles import Role

    world, ref = benefits
    planner, worker = world.users["t.planner"], world.users["t.sw"]
    administrator = get_user_model().objects.create(username="t.admin", is_staff=True)
    Membership.objects.create(user=administrator, organisation=world.orgs["udp"], role=Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        planners = services.siuss_export_start(actor=planner, ambito=world.ambito, year=2025, flow="psa")
        workers = services.siuss_export_start(actor=worker, ambito=world.ambito, year=2025, flow="psa")
    assert planners.pk != workers.pk
    assert (planners.requested_by, workers.requested_by) == (planner, worker)
    run_jobs()
    for job, owner in ((planners, planner), (workers, worker)):
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        for stranger in {planner, worker, administrator} - {owner}:
            client.force_login(stranger)
            assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
            assert client.get(f"/lavori/{job.pk}/").status_code == 404
            assert client.get(f"/lavori/{job.pk}/scarica/").status_code == 404
        client.force_login(owner)
        before = AccessLog.objects.filter(object_id=str(job.pk), user=owner).count()
        download = client.get(f"/lavori/{job.pk}/scarica/")
        assert download.status_code == 200
        assert ref.person.pseudonym in b"".join(download.streaming_content).decode()
        entry = AccessLog.objects.filter(object_id=str(job.pk), user=owner).order_by("-pk").first()
        assert AccessLog.objects.filter(object_id=str(job.pk), user=owner).count() == before + 1
        assert (entry.action, entry.purpose_code) == ("export", "reporting")
        assert job.result_name in entry.purpose


def test_a_regional_observer_never_gets_a_siuss_file(benefits, client):
    world, _ref = benefits
    with pytest.raises(PermissionDenied):
        services.siuss_export_start(actor=world.users["t.observer"], ambito=world.ambito, year=2025, flow="psa")
    client.force_login(world.users["t.observer"])
    assert client.post("/api/v1/monitoring/siuss/", {"year": 2025, "format": "psa"}).status_code == 403


def _peak(world, ref, n, extra):
    from ambito.care.models import Delivery

    Delivery.objects.bulk_create(
        Delivery(referral=extra[i % len(extra)], person=extra[i % len(extra)].person, comune=ref.comune,
                 service=ref.service, provider=ref.provider, delivery_type="economic_benefit",
                 delivered_on=dt.date(2025, 4, 1), amount=Decimal("10.00"), operator_name="x")
        for i in range(n)
    )
    tracemalloc.start()
    out = io.StringIO()
    siuss.psa_write(_Discard(), comune_ids={world.comuni["a"].pk}, year=2025, chunk_size=50)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, out


class _Discard:
    """A file that forgets what is written: only the exporter's own memory is measured."""

    def write(self, text):
        return len(text)


def test_psa_memory_does_not_grow_with_the_number_of_benefits(benefits):
    world, ref = benefits
    small = [factories.referral(world, ref.service, answered_after_days=1) for _ in range(20)]
    peak_small, _ = _peak(world, ref, 40, small)
    large = [factories.referral(world, ref.service, answered_after_days=1) for _ in range(200)]
    peak_large, _ = _peak(world, ref, 1000, large)
    # ten times the benefits and 25 times the deliveries, same chunked read: memory may wobble, it must not scale
    assert peak_large < peak_small * 3, (peak_small, peak_large)
