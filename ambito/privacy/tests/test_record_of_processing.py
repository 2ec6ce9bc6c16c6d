"""Art. 30: the record of processing activities, generated from the data model and the registry, as a page
for the DPO, a PDF and JSON."""

import json
from io import BytesIO

from pypdf import PdfReader

from ambito.privacy import registry
from ambito.privacy.selectors import ROPA_SCHEMA, record_of_processing


def test_the_record_lists_every_source_with_its_field_groups(world):
    record = record_of_processing(actor=world.users["dpo"])
    assert record["schema"] == ROPA_SCHEMA and record["controller"]["name"] == world.ambito.name
    assert record["dpo"][0]["name"] == "Francesca Marino"
    datasets = {d["model"]: d for a in record["activities"] for d in a["datasets"]}
    assert set(datasets) == {s.model for s in registry.sources()}
    person_groups = {c["key"]: c["fields"] for c in datasets["access.Person"]["categories"]}
    assert "codice fiscale" in person_groups["identification"] and "telefono" in person_groups["contact"]
    assert "restricted at" not in str(person_groups)
    scores = {c["key"]: c for c in datasets["access.ScaleScore"]["categories"]}
    assert scores["health"]["special"] and "risposte" in scores["health"]["fields"]
    care = next(a for a in record["activities"] if any(d["model"] == "care.CaseNote" for d in a["datasets"]))
    assert care["special_categories"] and any("art. 6" in b or "Art. 6" in b for b in care["legal_bases"])
    assert any("Circ." in r for a in record["activities"] for r in a["retention"])
    assert record["security_measures"] and record["other_activities"]


def test_the_dpo_reads_the_record_as_a_page_pdf_and_json_and_others_cannot(world, client_as):
    client = client_as("dpo")
    page = client.get("/privacy/registro-trattamenti/")
    assert page.status_code == 200 and "Registro delle attività di trattamento" in page.content.decode()
    document = json.loads(client.get("/privacy/registro-trattamenti/registro.json").content)
    assert document["version"] == 1 and document["activities"]
    pdf = client.get("/privacy/registro-trattamenti/registro.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages).split())
    assert "Registro delle attività di trattamento" in text
    for activity in document["activities"]:
        assert activity["purpose"][:40] in text, activity["purpose"]
    assert client_as("admin").get("/privacy/registro-trattamenti/").status_code == 200
    for username in ("sw.monza", "planner", "observer", "ets.operator"):
        assert client_as(username).get("/privacy/registro-trattamenti/").status_code == 403, username
        assert client_as(username).get("/api/v1/privacy/record-of-processing/").status_code == 403, username
    assert client_as("dpo").get("/api/v1/privacy/record-of-processing/").json()["schema"] == ROPA_SCHEMA
