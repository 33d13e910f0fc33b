"""Signing in and out, passwords, sessions, the public/signed-in map, and django-axes behind a
proxy."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN = "/account/sign-in/"


def sign_in(client, username, password, *, address="203.0.113.9", forwarded=None, next_url=""):
    meta = {"REMOTE_ADDR": address}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        SIGN_IN, {"username": username, "password": password, "next": next_url}, **meta
    )


def test_sign_in_page_is_the_sites_own(client):
    """The sign-in page uses the site's GOV.UK layout, not the admin's."""
    page = client.get(SIGN_IN).content.decode()
    assert "govuk-template" in page and "Kent post-16 offer map" in page
    assert 'autocomplete="current-password"' in page
    assert "django-admin" not in page


def test_admin_sends_anonymous_visitors_to_the_same_sign_in_page(client):
    """The admin's sign-in is the site's page, and signing in there returns to the admin."""
    response = client.get("/admin/providers/provider/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.templates[0].name == "accounts/sign_in.html"
    make_user("officer", staff=True)
    signed_in = sign_in(client, "officer", PASSWORD, next_url="/admin/")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_wrong_password_is_reported_in_an_error_summary(client):
    """A wrong password shows the GOV.UK error summary and signs nobody in."""
    make_user("officer", staff=True)
    response = sign_in(client, "officer", "not-the-password-at-all")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Enter a correct username and password" in page
    assert SESSION_KEY not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client):
    """Sign-out refuses GET (a link cannot sign anyone out) and a POST ends the session."""
    make_user("officer", staff=True)
    sign_in(client, "officer", PASSWORD)
    assert SESSION_KEY in client.session
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_header_offers_sign_in_and_then_sign_out(client):
    """Every page's header links to sign-in, and once signed in offers a sign-out button."""
    page = client.get(reverse("offermap:accessibility")).content.decode()
    assert 'href="/account/sign-in/?next=' in page
    make_user("officer", staff=True)
    sign_in(client, "officer", PASSWORD)
    page = client.get(reverse("offermap:accessibility")).content.decode()
    assert 'action="/account/sign-out/"' in page and "Sign out" in page


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("Short-pw-1", True),  # 10 characters
        ("password1234", True),  # long enough but on the common-password list
        ("123456789012345", True),  # all digits
        ("correct-horse-battery", False),
    ],
)
def test_password_rules(password, refused):
    """Passwords need 12 characters and must not be common or all digits."""
    if refused:
        with pytest.raises(ValidationError):
            validate_password(password)
    else:
        validate_password(password)


def test_sessions_last_a_working_day_and_end_with_the_browser(settings):
    """A session ends after nine hours at most, and when the browser closes."""
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_signed_in_session_cookie_is_a_browser_session_cookie(client):
    """The session cookie carries no expiry date, so closing the browser drops it."""
    make_user("officer", staff=True)
    response = sign_in(client, "officer", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_map_needs_sign_in_only_when_the_setting_says_so(client, settings, world):
    """With MAP_REQUIRES_SIGN_IN the map sends visitors to sign in and back; without, it is open."""
    settings.MAP_REQUIRES_SIGN_IN = False
    assert client.get("/").status_code == 200
    settings.MAP_REQUIRES_SIGN_IN = True
    response = client.get("/?year=2016/17")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/%3Fyear%3D2016/17"
    signed_in = sign_in(client, "lead", PASSWORD, next_url="/?year=2016/17")
    assert signed_in["Location"] == "/?year=2016/17"
    assert client.get("/?year=2016/17").status_code == 200


# django-axes behind the TLS proxy -------------------------------------------------------------

PROXY = "10.0.0.2"  # the TLS proxy's own address, as gunicorn sees it


def test_five_failures_lock_that_username_at_that_address(client, settings):
    """Five wrong passwords lock the user at that address, whatever X-Forwarded-For claims."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("officer", staff=True)
    for attempt in range(5):
        # The attacker puts a different made-up address in front each time; the proxy appends
        # the real one, and only that is trusted.
        sign_in(client, "officer", "wrong-password-x", address=PROXY,
                forwarded=f"198.18.0.{attempt}, 203.0.113.9")
    locked = sign_in(client, "officer", PASSWORD, address=PROXY,
                     forwarded="198.18.0.99, 203.0.113.9")
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    # The same officer at another address (another office) still signs in.
    elsewhere = sign_in(client, "officer", PASSWORD, address=PROXY, forwarded="198.51.100.7")
    assert elsewhere.status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    """With TRUSTED_PROXY_COUNT 0 a client cannot dodge the lockout with X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 0
    make_user("officer", staff=True)
    for attempt in range(5):
        sign_in(client, "officer", "wrong-password-x", address="203.0.113.9",
                forwarded=f"198.18.0.{attempt}")
    locked = sign_in(client, "officer", PASSWORD, address="203.0.113.9",
                     forwarded="198.18.0.200")
    assert locked.status_code == 429


def test_one_address_cannot_try_unlimited_usernames(client, settings):
    """An address failing the address limit, across many usernames, is locked for all of them."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    make_user("officer", staff=True)
    for attempt in range(12):  # never five for one username
        sign_in(client, f"guess{attempt}", "wrong-password-x", address=PROXY,
                forwarded="203.0.113.50")
    locked = sign_in(client, "officer", PASSWORD, address=PROXY, forwarded="203.0.113.50")
    assert locked.status_code == 429
    # Officers at other addresses are not affected.
    assert sign_in(client, "officer", PASSWORD, address=PROXY,
                   forwarded="203.0.113.51").status_code == 302


def test_one_address_cannot_lock_every_officer_out(client, settings):
    """Failures for one officer at one address leave the other officers there free to sign in."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("officer", staff=True)
    make_user("colleague", staff=True)
    for _ in range(5):
        sign_in(client, "officer", "wrong-password-x", address=PROXY, forwarded="203.0.113.9")
    assert sign_in(client, "colleague", PASSWORD, address=PROXY,
                   forwarded="203.0.113.9").status_code == 302


# Optional single sign-on -----------------------------------------------------------------------

def settings_with(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", "import kent_offer.settings as s; " + code],
        cwd=ROOT, env={"DEBUG": "1", "PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, timeout=60,
    )


def test_single_sign_on_is_off_without_its_settings():
    """With no OIDC_RP_CLIENT_ID only local accounts are used."""
    result = settings_with({}, "print(s.OIDC_ENABLED, 'mozilla_django_oidc' in s.INSTALLED_APPS)")
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_single_sign_on_is_on_with_its_settings():
    """With the OIDC settings present the OIDC backend and app are added beside local accounts."""
    env = {
        "OIDC_RP_CLIENT_ID": "kent-offer", "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.org/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.org/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example.org/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.example.org/keys",
    }
    result = settings_with(
        env,
        "print(s.OIDC_ENABLED, 'mozilla_django_oidc' in s.INSTALLED_APPS, "
        "'mozilla_django_oidc.auth.OIDCAuthenticationBackend' in s.AUTHENTICATION_BACKENDS, "
        "'django.contrib.auth.backends.ModelBackend' in s.AUTHENTICATION_BACKENDS)",
    )
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr


def test_signing_in_at_the_admin_address_goes_to_the_admin(client):
    """/admin/login/ with no next page returns to the admin's index, as Django's admin does."""
    make_user("officer", staff=True)
    response = client.post("/admin/login/", {"username": "officer", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response["Location"] == "/admin/"
