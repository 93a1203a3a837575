import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from iomsite.settings import database_from_url
from news.models import Release
from pages.models import Page
from tests.factories import make_page, make_release

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def test_home_shows_the_organization_blurb_highlights_and_latest(client):
    make_page("Who we are", slug="who-we-are", summary="IOM is part of the United Nations System.")
    make_release("A highlighted release", featured=True)
    make_release("An ordinary release")
    html = client.get("/").content.decode()
    assert "IOM is part of the United Nations System." in html
    assert html.index("A highlighted release") < html.index("An ordinary release")
    assert 'href="/who-we-are/"' in html  # the main menu


def test_search_finds_releases_pages_countries_and_contacts(client):
    make_release("Seminar on mobility", body="<p>Beijing seminar.</p>")
    make_page("Mobility programmes", slug="mobility")
    html = client.get("/search/?q=mobility").content.decode()
    assert "Seminar on mobility" in html and "Mobility programmes" in html
    assert 'href="/where-we-work/china/"' in client.get("/search/?q=chin").content.decode()


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "%ff%fe", "a&q=b", "'\"<script>"])
def test_search_survives_odd_queries(client, query):
    response = client.get(f"/search/?q={query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_nul_bytes_are_a_bad_request_not_an_error(client):
    assert client.get("/news/?page=%00").status_code == 400
    assert client.get("/who%00/").status_code == 400


def test_robots_and_sitemap(client):
    make_release("Public release", slug="public-release")
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    assert "/news/public-release/" in client.get("/sitemap-releases.xml").content.decode()


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")


def test_load_demo_builds_the_seed_site_once(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert (
        Page.objects.filter(
            path__in=[
                "who-we-are/",
                "our-work/what-we-do/",
                "take-action/get-involved/",
                "2030-agenda/",
            ]
        ).count()
        == 4
    )
    release, french = Release.objects.order_by("pk")
    assert release.title == (
        "Director General launches EU-China migration and mobility seminar in Beijing"
    )
    assert (french.language, french.translation_of, french.is_live) == ("fr", release, True)
    assert french.contacts.get() == release.contacts.get()
    assert release.is_live and release.dateline_country.code == "CN"
    [contact] = release.contacts.all()
    assert (contact.name, contact.email, contact.phone, contact.office.name) == (
        "Ellen Wong", "ewong@iom.int", "+8618501187152", "IOM Beijing",
    )  # fmt: skip
    html = client.get(release.get_absolute_url()).content.decode()
    assert "hosted by IOM’s Liaison Office in China" in html
    assert "<blockquote><p>&quot;We would like to strengthen" in html or (
        '<blockquote><p>"We would like to strengthen' in html
    )
    who = client.get("/who-we-are/").content.decode()
    assert "175 member states and a presence in 171 countries" in who
    menu = client.get("/").content.decode()
    for label in ["Who we are", "What We Do", "Partnerships", "Highlights", "Where we work",
                  "Work with us", "Get involved", "Data and Research", "2030 Agenda"]:  # fmt: skip
        assert f">{label}</a>" in menu, label


def test_load_demo_serves_the_menu_and_the_seed_release_in_french_and_spanish(client):
    call_command("load_demo", verbosity=0)
    assert "<h1>Qui sommes-nous</h1>" in client.get("/fr/who-we-are/").text
    assert "<h1>Quiénes somos</h1>" in client.get("/es/who-we-are/").text
    for prefix, labels in [
        ("/fr", ["Notre action", "Ce que nous faisons", "Agir", "Programme 2030"]),
        ("/es", ["Nuestro trabajo", "Lo que hacemos", "Actúe", "Agenda 2030"]),
    ]:
        menu = client.get(f"{prefix}/").text
        for label in labels:
            assert f">{label}</a>" in menu, label
    newsroom = client.get("/fr/news/").text
    assert "Le Directeur général ouvre à Pékin" in newsroom
    assert "Director General launches" not in newsroom  # the group once, in French


def test_load_demo_dry_run_writes_nothing():
    call_command("load_demo", "--dry-run", verbosity=0)
    assert not Page.objects.exists() and not Release.objects.exists()


def test_ensure_admin_creates_one_account_with_a_generated_password(capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]
    assert len(password) >= 12
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("ensure_admin")
    assert "already exists" in capsys.readouterr().out


def test_database_urls():
    postgres = database_from_url("postgres://u:p%40ss@db.example:5433/iomsite")
    assert (postgres["NAME"], postgres["USER"], postgres["PASSWORD"]) == ("iomsite", "u", "p@ss")
    assert (postgres["HOST"], postgres["PORT"], postgres["CONN_HEALTH_CHECKS"]) == (
        "db.example", 5433, True,
    )  # fmt: skip
    assert database_from_url("sqlite:////tmp/x.db")["NAME"] == "/tmp/x.db"
    with pytest.raises(Exception, match="DATABASE_URL"):
        database_from_url("mysql://x")


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
