import pytest

from ambito.monitoring.tests import factories


@pytest.fixture
def world(db):
    return factories.world()
