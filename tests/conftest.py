import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark the browser tests and run them after every other test.

    Playwright's sync API keeps an event loop running in the main thread from its start to the
    end of the session, and Django refuses to open a database connection while a loop runs
    unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Running the browser tests last means no other test
    runs beside that loop, or sees that variable. `trylast`, so that this order survives
    pytest-django's own reordering (database tests first), which runs before it.
    """
    browser = [item for item in items if "tests/browser/" in str(item.path)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if "tests/browser/" not in str(item.path)]
    items[:] = others + browser


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache, so cached analysis never leaks between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
