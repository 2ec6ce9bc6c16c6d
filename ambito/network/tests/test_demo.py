"""The demo catalogue: realistic, complete enough for the other apps, idempotent."""

from ambito.core.demo import load_demo
from ambito.network.models import InfoPointContact, ProviderProfile, Service
from ambito.network.taxonomy import ServiceType


def test_the_demo_catalogue_covers_the_network(demo_with):
    demo = demo_with("network")
    assert {"sad_monza", "sad_brugherio", "adi", "school", "cdd", "pua"} <= set(demo.services)
    services = Service.objects.all()
    assert services.count() >= 25
    assert len({s.area for s in services}) >= 7
    kinds = {s.provider.kind for s in services.select_related("provider")}
    assert {"comune", "health_authority", "ets", "planning_office"} <= kinds
    oncology = demo.services["oncology_info"]
    assert oncology.service_type == ServiceType.INFO_POINT and oncology.provider == demo.organisations["odv_oncologia"]
    assert InfoPointContact.objects.filter(info_point=oncology).count() == 48
    assert ProviderProfile.objects.get(organisation=demo.organisations["odv_oncologia"]).runts_section == "a"
    assert all(s.taxonomy_term_id for s in services)


def test_loading_twice_changes_nothing(demo_with):
    demo_with("network")
    counts = (Service.objects.count(), InfoPointContact.objects.count(), ProviderProfile.objects.count())
    load_demo(["territory", "accounts", "network"])
    assert counts == (Service.objects.count(), InfoPointContact.objects.count(), ProviderProfile.objects.count())
