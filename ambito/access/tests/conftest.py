import pytest


@pytest.fixture
def pua(demo_with):
    """Demo territory, accounts and network services (no access demo: tests build their own records)."""
    return demo_with("network")
