"""Shared fixtures: the demo personas and the browser (Debian's Chromium, never a downloaded one)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("AMBITO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"

# Live-server tests run Django in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    config.addinivalue_line("markers", "shared_demo(*apps): the module's tests share one load of these demo apps")


@pytest.fixture(autouse=True)
def italian_first():
    """Each test starts in Italian: a request switching language must not leak into the next test."""
    from django.utils import translation

    translation.activate("it")
    yield
    translation.activate("it")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness buys nothing in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The demo Ambito's territory and accounts (personas: planner, sw.monza, sw.brugherio, asl.operator,
    gp, ets.operator, observer, admin, citizen). Apps add their own demo data with ``demo_with``."""
    from ambito.core.demo import load_demo

    return load_demo(["territory", "accounts"])


@pytest.fixture
def demo_with(db):
    """Load the demo of the given apps on top of territory and accounts: ``demo_with("network")``."""
    from ambito.core.demo import load_demo

    def load(*apps):
        return load_demo(["territory", "accounts", *apps])

    return load


@pytest.fixture(scope="module")
def _shared_demo_context(request, django_db_setup, django_db_blocker):
    """The module's one load of the demo (see ``shared_demo``), inside an outer transaction that is rolled back
    when the module ends; each test's own transaction (the ``db`` fixture) is a savepoint within it."""
    from django.db import transaction
    from django.test import override_settings
    from django.utils import translation

    from ambito.core.demo import load_demo

    marker = request.node.get_closest_marker("shared_demo")
    if marker is None:
        pytest.fail("shared_demo needs the module's pytestmark to name the apps: pytest.mark.shared_demo(...)")
    # Any other test of the module would see the demo left open, and a transactional (browser) test would flush
    # it from under the outer transaction: every test of such a module takes the shared demo.
    others = [item.name for item in request.session.items
              if getattr(item, "module", None) is request.module and "shared_demo" not in item.fixturenames]
    if others:
        pytest.fail(f"every test of a module with a shared demo must use the shared_demo fixture: {others}")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # as each test's own fixtures would have it: fast hashing (the hashes must verify in the tests), Italian
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
                    translation.override("it"):
                ctx = load_demo(["territory", "accounts", *marker.args])
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield ctx
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def shared_demo(_shared_demo_context, db):
    """The demo loaded once for the whole module, for modules whose tests all read the same large demo:
    ``pytestmark = [pytest.mark.django_db, pytest.mark.shared_demo("network", "access", ...)]`` names the apps
    (territory and accounts always). Every test still starts from the demo as loaded (its writes roll back
    with its savepoint) and gets its own copy of the context, so objects a test changes do not leak. Not for
    transactional or browser tests."""
    import copy

    return copy.deepcopy(_shared_demo_context)


@pytest.fixture
def client_as(client, demo):
    """A test client signed in as a demo persona: ``client_as("sw.monza")``."""

    def sign_in(username):
        client.logout()
        client.force_login(demo.users[username])
        return client

    return sign_in


@pytest.fixture
def run_jobs(monkeypatch):
    """Run queued background jobs with the real database task worker, as `manage.py db_worker` does.
    The worker recycles connections between tasks; inside a test's transaction that would close it."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run


# --- Browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "it-IT"}


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


# Loaded from the app's own static files with a script element of our own: the Content Security Policy
# refuses inline scripts, and Playwright's add_script_tag fails whenever any CSP report (Bootstrap Italia
# logs one while it starts) arrives while the tag loads.
_LOAD_AXE = """url => window.axe ? true : new Promise((loaded, failed) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => loaded(true);
    script.onerror = () => failed(new Error('axe-core did not load from ' + url));
    document.head.appendChild(script);
})"""
_RUN_AXE = """async () => await axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""


@pytest.fixture
def axe_violations():
    """WCAG 2.1 AA violations on the page, as found by axe-core: ``assert axe_violations(page) == []``."""
    from django.templatetags.static import static

    def scan(page):
        page.wait_for_load_state()
        page.evaluate(_LOAD_AXE, static("vendor/axe/axe.min.js"))
        result = page.evaluate(_RUN_AXE)
        return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in result["violations"]]

    return scan


@pytest.fixture
def browser_login(live_server):
    from ambito.core.demo import DEMO_PASSWORD

    def sign_in(page, username, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accesso/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        return page

    return sign_in
