"""A Salesforce org on loopback for the sync's tests, trusted through a throwaway CA."""

import pytest
import trustme
from tests.fakes.salesforce import FakeSalesforce


@pytest.fixture(scope="session")
def loopback_ca(tmp_path_factory):
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


@pytest.fixture
def salesforce(loopback_ca, monkeypatch):
    ca, path = loopback_ca
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(path))
    org = FakeSalesforce()
    org.start(ca)
    yield org
    org.stop()
