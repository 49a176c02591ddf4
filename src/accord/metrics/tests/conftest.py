import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Attribution credit is cached; each test starts from its own data."""
    cache.clear()
    yield
    cache.clear()
