import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache, so cached analysis never leaks between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
