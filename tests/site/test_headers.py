import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from contacts.models import Region
from tests.factories import country, make_contact, make_page, make_release

pytestmark = pytest.mark.django_db

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
def public_urls():
    contact = make_contact()
    release = make_release("Migrants <b>helped</b>", contacts=[contact], tags=["Climate"])
    page = make_page("Who we are")
    return [
        "/",
        reverse("news:list"),
        release.get_absolute_url(),
        page.get_absolute_url(),
        country("CN").get_absolute_url(),
        reverse("contacts:countries"),
        reverse("contacts:media"),
        reverse("search") + "?q=migrants",
    ]


def test_public_pages_send_the_security_headers_over_https(client, public_urls):
    for url in public_urls:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == STRICT_CSP
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_anonymous_public_pages_set_no_cookies(client, public_urls):
    for url in public_urls:
        response = client.get(url, secure=True)
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url


# The same, but the rich-text editor's inline stylesheet is allowed: in the admin only.
ADMIN_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def inline_code(html):
    """Inline scripts, <style> blocks and style attributes: what a strict CSP refuses."""
    soup = BeautifulSoup(html, "html.parser")
    scripts = [
        tag
        for tag in soup.find_all("script")
        if not tag.get("src") and tag.get("type") not in ("application/json", "application/ld+json")
    ]
    return scripts + soup.find_all("style") + soup.find_all(style=True)


def test_public_pages_need_no_inline_script_or_style(client, public_urls):
    for url in public_urls:
        assert inline_code(client.get(url).content) == [], url


def test_admin_pages_work_under_the_strict_policy(client, admin_client):
    release = make_release()
    response = client.get("/admin/login/", secure=True)
    # The admin signs its own script tags with a nonce; nothing inline needs it here.
    assert re.sub(r" 'nonce-[^']+'", "", response["Content-Security-Policy"]) == ADMIN_CSP
    assert inline_code(response.content) == []
    for url in [
        "/admin/",
        "/admin/news/release/",
        f"/admin/news/release/{release.pk}/change/",
        "/admin/news/release/add/",
        "/admin/pages/page/add/",
        "/admin/contacts/presscontact/add/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        # The rich-text editor's import map is inline, allowed by this response's nonce only.
        policy = response["Content-Security-Policy"]
        nonce = re.search(r" 'nonce-([^']+)'", policy)
        assert policy.replace(nonce[0], "") == ADMIN_CSP if nonce else policy == ADMIN_CSP, url
        signed_by = nonce[1] if nonce else None
        unsigned = [
            tag
            for tag in inline_code(response.content)
            if signed_by is None or tag.get("nonce") != signed_by
        ]
        assert unsigned == [], url


def test_admin_cookies_are_secure_http_only_and_same_site(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@iom.int", "s3cret-pass")
    login_page = client.get("/admin/login/", secure=True)
    csrf_cookie = login_page.cookies["csrftoken"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "editor",
            "password": "s3cret-pass",
            "csrfmiddlewaretoken": csrf_cookie.value,
        },
        secure=True,
    )
    assert response.status_code == 302
    for cookie in (csrf_cookie, response.cookies["sessionid"]):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def observatory_score(response):
    """The HTTP Observatory's header tests and modifiers (its scoring.md), for one response
    served over HTTPS with only same-origin scripts (so redirection and SRI score 0)."""
    penalties, bonuses = [], []
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response.get("Content-Security-Policy", "").split(";")
        if directive.strip()
    }
    script_sources = policy.get("script-src", policy.get("default-src", []))
    style_sources = policy.get("style-src", policy.get("default-src", []))
    if not policy:
        penalties.append(25)
    elif "'unsafe-inline'" in script_sources or "'unsafe-eval'" in script_sources:
        penalties.append(20)
    elif policy.get("default-src") == ["'none'"] and "'unsafe-inline'" not in style_sources:
        bonuses.append(10)
    cookies = list(response.cookies.values())
    if cookies:
        if not all(cookie["secure"] for cookie in cookies):
            penalties.append(20)
        elif all(cookie["samesite"] for cookie in cookies) and all(
            cookie["httponly"] for cookie in cookies if cookie.key in ("sessionid", "csrftoken")
        ):
            bonuses.append(5)
    if response.get("Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ):
        bonuses.append(5)
    max_age = response.get("Strict-Transport-Security", "").partition("max-age=")[2]
    max_age = int(max_age.split(";")[0] or 0)
    if max_age == 0:
        penalties.append(20)
    elif max_age < 15_768_000:
        penalties.append(10)
    if response.get("X-Content-Type-Options") != "nosniff":
        penalties.append(5)
    if policy.get("frame-ancestors") in (["'none'"], ["'self'"]):
        bonuses.append(5)
    elif response.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN"):
        penalties.append(20)
    score = 100 - sum(penalties)
    return score + sum(bonuses) if score >= 90 else score


def test_home_release_and_admin_sign_in_score_a_plus(client, public_urls):
    """A+ is a score of 100 or more."""
    release_url = public_urls[2]
    for url in ["/", release_url, "/admin/login/"]:
        assert observatory_score(client.get(url, secure=True)) >= 100, url
    assert observatory_score(client.get("/admin/login/", secure=True)) == 115


def form_token(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("input", {"name": "csrfmiddlewaretoken"})["value"]


def test_admin_forms_work_with_csrf_checks_and_an_http_only_csrf_cookie(django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@iom.int", "s3cret-pass")
    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get("/admin/login/")
    credentials = {"username": "editor", "password": "s3cret-pass"}
    assert browser.post("/admin/login/", credentials).status_code == 403  # no token
    response = browser.post(
        "/admin/login/", credentials | {"csrfmiddlewaretoken": form_token(login_page)}
    )
    assert response.status_code == 302
    add_form = browser.get("/admin/contacts/region/add/")
    response = browser.post(
        "/admin/contacts/region/add/",
        {
            "name": "Middle East",
            "slug": "middle-east",
            "sort_order": 6,
            "csrfmiddlewaretoken": form_token(add_form),
        },
    )
    assert response.status_code == 302
    assert Region.objects.filter(slug="middle-east").exists()
