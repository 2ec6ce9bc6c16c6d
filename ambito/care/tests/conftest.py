import pytest


@pytest.fixture
def care_demo(demo_with):
    """Territory, accounts and the network catalogue (services with their providers)."""
    return demo_with("network")
