"""SIUSS flows in the INPS layout, built from the demo Ambito: every file validates against the XSD written in
the repository, every PS-PSA row carries what INPS asks, every SINA row the domains, every SINBA row is a
minor; the pre-flight report lists exactly the records that lack data; only the Comune's SIUSS officer
produces files, and every download is in the access log."""

import datetime as dt

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied
from lxml import etree

from ambito.access.models import Person
from ambito.accounts.models import AccessAction, AccessLog
from ambito.care.models import PlannedIntervention
from ambito.core.models import JobStatus
from ambito.monitoring.siuss import flows, services
from ambito.monitoring.siuss.models import SINA_REQUIRED, SinaDomain, SinaRecord, SinbaRecord
from ambito.territory.models import Comune

# the plan is not needed by SIUSS; both tests read one load of the demo
pytestmark = [pytest.mark.django_db, pytest.mark.shared_demo("network", "access", "care", "monitoring")]
NS = {"c": flows.NS}


@pytest.fixture
def siuss_demo(shared_demo):
    from django.utils import timezone

    return shared_demo, timezone.localdate().year


def _xml(comune, year, flow, rows):
    content = flows.build_xml(comune, year, flow, rows)
    flows.validate(flow, content)  # raises unless valid against the XSD
    return etree.fromstring(content)


def test_the_demo_flows_validate_carry_what_inps_asks_and_the_preflight_lists_what_lacks(siuss_demo):
    ctx, year = siuss_demo
    seen = {"psa": 0, "sina": 0, "sinba": 0}
    for comune in Comune.objects.filter(ambito=ctx.ambito).select_related("ambito"):
        assert flows.valid_body_fiscal_code(comune.fiscal_code)
        for flow in flows.FLOWS:
            rows = [row for row in flows.records(comune, year, flow) if row.complete]
            # every Comune of the demo has something to send in every flow (an empty flow would not validate:
            # the XSD asks for at least one record, and write_xml refuses to write one)
            assert rows, (comune.name, flow)
            seen[flow] += len(rows)
            root = _xml(comune, year, flow, rows)
            ente = root.find("c:IdentificazioneFlusso/c:Ente", NS)
            assert ente.get("Codice") == comune.fiscal_code and flows.valid_body_fiscal_code(ente.get("Codice"))
            if flow == "sinba":
                for sinba in root.findall("c:SINBA", NS):
                    born = int(sinba.get("AnnoNascita"))
                    assert year - born <= 18 and sinba.get("FasciaEtaBeneficiario") in "123456"
                    person = Person.objects.get(pseudonym=sinba.get("IDBeneficiario"))
                    assert flows.age_on(person.birth_date, dt.date(year, 1, 1)) < 18
                    assert sinba.findall("c:Famiglia/c:ComposizioneFamiglia", NS)
                    assert sinba.findall("c:Prestazioni/c:CodicePrestazione", NS)
                continue
            for beneficiary in root.findall("c:Beneficiario", NS):
                assert codicefiscale.is_valid(beneficiary.get("CodiceFiscale"))
                for benefit in beneficiary.findall("c:PrestazioniSociali", NS):
                    assert benefit.get("ProtocolloDomanda")
                    if benefit.get("CaratterePrestazione") == "2":
                        assert float(benefit.get("ImportoPrestazione")) > 0
                    else:
                        assert 1 <= int(benefit.get("PeriodoErogazione")) <= 12
                        assert float(benefit.get("ImportoMensile")) > 0
                    if benefit.get("PresenzaProvaMezzi") == "1":
                        assert benefit.get("NumeroProtocolloDSU") and benefit.get("DataDSU")
                    sina = benefit.find("c:SINA", NS)
                    assert (sina is not None) == (flow == "sina")
                    if sina is not None:
                        assert {d.value for d in SINA_REQUIRED} <= set(sina.attrib)
                        assert {SinaDomain.MOBILITY, SinaDomain.DAILY_LIVING, SinaDomain.BEHAVIOUR,
                                SinaDomain.INCOME, SinaDomain.SUPPORT, SinaDomain.SOURCE,
                                SinaDomain.INSTRUMENT} <= set(sina.attrib)
    assert seen["psa"] >= 8 and seen["sina"] >= 3 and seen["sinba"] >= 2, seen
    # One demo load for what follows (loading it takes most of the time).
    _the_preflight_lists_exactly_the_records_that_lack_data(ctx, year)
    _a_file_is_refused_while_incomplete_unless_the_complete_ones_are_chosen(ctx, year)
    _the_sina_mapping_is_the_ambito_s_to_change(ctx, year)


def _expected_incomplete(comune, year):
    """What lacks data, read straight from the records (not from the flow code)."""
    keys = set()
    for row in flows.records(comune, year, "psa"):
        referral_id = int(row.key.split("-")[1])
        intervention = PlannedIntervention.objects.get(referrals__pk=referral_id)
        person = Person.objects.get(pk=row.person_id)
        service = intervention.service
        means_tested = intervention.means_test == "1" or (not intervention.means_test and (
            service.isee_max is not None or service.fee == "income_based"))
        if (not person.citizenship or not intervention.request_protocol
                or (means_tested and not (intervention.dsu_protocol and intervention.dsu_date))
                or not codicefiscale.is_valid(person.fiscal_code or "")):
            keys.add(row.key)
    return keys


def _the_preflight_lists_exactly_the_records_that_lack_data(ctx, year):
    monza = ctx.comuni["monza"]
    psa = flows.records(monza, year, "psa")
    incomplete = {row.key for row in psa if not row.complete}
    assert incomplete and incomplete == _expected_incomplete(monza, year)
    for row in psa:
        for problem in row.problems:
            assert problem.url.startswith("/monitoraggio/siuss/") or problem.url.startswith("/rete/")
    sinba = flows.records(monza, year, "sinba")
    missing_card = [row for row in sinba if not SinbaRecord.objects.filter(person_id=row.person_id).exists()]
    assert missing_card and all(not row.complete for row in missing_card)
    sina = flows.records(monza, year, "sina") + flows.records(ctx.comuni["brugherio"], year, "sina")
    assert any(any(p.field == "invalidity" for p in row.problems) for row in sina)

    # Filling the missing citizenship takes the person's records off the list.
    row = next(r for r in psa if any(p.field == "citizenship" for p in r.problems))
    person = Person.objects.get(pk=row.person_id)
    services.person_siuss_update(actor=ctx.users["siuss.monza"], person=person, citizenship="100",
                                 birthplace_code=person.birthplace_code)
    after = {r.key: r for r in flows.records(monza, year, "psa")}
    assert not any(p.field == "citizenship" for p in after[row.key].problems)


def _a_file_is_refused_while_incomplete_unless_the_complete_ones_are_chosen(ctx, year):
    monza = ctx.comuni["monza"]
    rows = flows.records(monza, year, "psa")
    with pytest.raises(ValueError):
        flows.write_xml(monza, year, "psa")
    content, written, left_out = flows.write_xml(monza, year, "psa", partial=True)
    assert written == sum(1 for r in rows if r.complete) and left_out == len(rows) - written
    flows.validate("psa", content)
    # An invalid file never passes: a PeriodoErogazione of 13 is refused by the schema.
    broken = content.replace(b'PeriodoErogazione="', b'PeriodoErogazione="13', 1)
    with pytest.raises(flows.InvalidFlow):
        flows.validate("psa", broken)


def test_only_the_comune_siuss_officer_produces_files_and_each_download_is_logged(
        siuss_demo, client, run_jobs, django_capture_on_commit_callbacks):
    ctx, year = siuss_demo
    monza, brugherio = ctx.comuni["monza"], ctx.comuni["brugherio"]
    officer, planner, observer = ctx.users["siuss.monza"], ctx.users["planner"], ctx.users["observer"]
    for user in (planner, observer, ctx.users["sw.monza"]):
        with pytest.raises(PermissionDenied):
            services.export_start(actor=user, comune=monza, year=year, flow="psa", partial=True)
    with pytest.raises(PermissionDenied):
        services.export_start(actor=officer, comune=brugherio, year=year, flow="psa", partial=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(actor=officer, comune=monza, year=year, flow="psa", partial=True)
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.result_name == f"siuss-psa-{monza.istat_code}-{year}.xml"
    client.force_login(officer)
    before = AccessLog.objects.filter(user=officer, action=AccessAction.EXPORT).count()
    response = client.get(f"/lavori/{job.pk}/scarica/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    flows.validate("psa", body)
    assert AccessLog.objects.filter(user=officer).count() > before

    # The planning office and the Region see counts and completeness, never a record.
    incomplete = next(r for r in flows.records(monza, year, "psa") if not r.complete)
    for user in (planner, observer):
        client.force_login(user)
        page = client.get(f"/monitoraggio/siuss/?anno={year}")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Monza" in text and incomplete.label.split(" · ")[0] not in text
        assert 'name="flow"' not in text
    client.force_login(officer)
    page = client.get(f"/monitoraggio/siuss/?anno={year}").content.decode()
    assert incomplete.label.split(" · ")[0] in page and 'name="flow"' in page
    # A citizen or a provider gets nothing.
    client.force_login(ctx.users["ets.operator"])
    assert client.get(f"/monitoraggio/siuss/?anno={year}").status_code == 403


def _the_sina_mapping_is_the_ambito_s_to_change(ctx, year):
    from ambito.access.models import Scale
    from ambito.monitoring.siuss.models import SinaRule

    record = SinaRecord.objects.filter(assessment__request__comune=ctx.comuni["monza"]).select_related(
        "assessment").first()
    assessment = record.assessment
    rules = flows.rules_by_domain(ctx.ambito.pk)
    before = flows.sina_values(assessment, rules, record)[SinaDomain.DAILY_LIVING.value]
    SinaRule.objects.filter(ambito=ctx.ambito, domain=SinaDomain.DAILY_LIVING).delete()
    barthel = Scale.objects.get(code="barthel")
    services.sina_rule_save(actor=ctx.users["planner"], ambito=ctx.ambito, domain=SinaDomain.DAILY_LIVING,
                            scale=barthel, item="", min_score=0, max_score=100, code="3" if before != "3" else "1",
                            order=1)
    after = flows.sina_values(assessment, flows.rules_by_domain(ctx.ambito.pk), record)
    assert after[SinaDomain.DAILY_LIVING.value] != before
    with pytest.raises(PermissionDenied):
        services.sina_rule_save(actor=ctx.users["siuss.monza"], ambito=ctx.ambito, domain=SinaDomain.MOBILITY,
                                scale=None, item="", min_score=None, max_score=None, code="1", order=1)
