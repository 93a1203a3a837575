"""Hostile strings typed into the admin come out as text everywhere: on every public page,
in admin lists and in admin messages."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from contacts.models import Office, Region
from tests.factories import (
    country,
    image_upload,
    make_contact,
    make_image,
    make_office,
    make_page,
    make_release,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE_BODY = (
    '<p>Text <a href="javascript:alert(1)">link</a><script>alert(2)</script>'
    "<img src=x onerror=alert(3)><svg onload=alert(4)></svg></p>"
)


def assert_inert(html, where):
    text = html.decode() if isinstance(html, bytes) else html
    assert SCRIPT not in text, where
    assert BREAKOUT not in text, where
    assert "alert(2)" not in text and "alert(3)" not in text, where
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, tag)
            values = value if isinstance(value, list) else [value]
            for item in values:
                assert not item.strip().lower().startswith("javascript:"), (where, tag)
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            # Data, never run: hostile text may be in it, but json_script escaped every "<".
            assert "<" not in (tag.string or ""), where
        elif tag.name == "script":
            assert "alert" not in (tag.string or ""), where


@pytest.fixture
def hostile_content():
    china = country("CN")
    china.name = f"China {SCRIPT}"
    china.summary = BREAKOUT
    china.body = HOSTILE_BODY
    china.save()
    Region.objects.filter(pk=china.region_id).update(name=f"Asia {BREAKOUT}")
    office = make_office(f"IOM Beijing {BREAKOUT}", country=china, city=SCRIPT)
    contact = make_contact(f"Jane {SCRIPT}", job_title=BREAKOUT, office=office, languages=SCRIPT)
    image = make_image(
        f"Image {SCRIPT}",
        alt_text=BREAKOUT,
        caption=SCRIPT,
        credit=BREAKOUT,
        file=image_upload(size=(120, 80)),
    )
    release = make_release(
        f"Release {SCRIPT}",
        summary=f"Summary {BREAKOUT}",
        body=HOSTILE_BODY,
        dateline=BREAKOUT,
        dateline_country=china,
        image=image,
        featured=True,
        contacts=[contact],
        tags=[SCRIPT, BREAKOUT],
        countries=[china],
    )
    page = make_page(
        f"Page {SCRIPT}",
        summary=BREAKOUT,
        body=HOSTILE_BODY,
        hero_image=image,
        seo_title=BREAKOUT,
        search_description=SCRIPT,
        menu_title=BREAKOUT,
    )
    return {"release": release, "page": page, "country": china, "contact": contact}


def test_public_pages_render_hostile_strings_as_text(client, hostile_content):
    urls = [
        "/",
        reverse("news:list"),
        hostile_content["release"].get_absolute_url(),
        hostile_content["page"].get_absolute_url(),
        hostile_content["country"].get_absolute_url(),
        reverse("contacts:countries"),
        reverse("contacts:media"),
        reverse("search") + "?q=alert",
        reverse("search") + "?q=" + SCRIPT,
        reverse("search") + "?q=" + BREAKOUT,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content, url)
    # The strings are there, as text: escaping, not deletion.
    release_page = client.get(hostile_content["release"].get_absolute_url()).content.decode()
    assert "Release &lt;script&gt;alert(1)&lt;/script&gt;" in release_page
    assert 'alt="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in release_page


def test_rich_text_loses_scripts_handlers_and_javascript_links(hostile_content):
    body = hostile_content["release"].body
    assert "script" not in body and "onerror" not in body and "javascript:" not in body
    assert "Text" in body and "link" in body


def test_admin_lists_render_hostile_strings_as_text(admin_client, hostile_content):
    for path in [
        "news/release",
        "pages/page",
        "pages/image",
        "contacts/country",
        "contacts/office",
        "contacts/presscontact",
        "contacts/region",
        "taggit/tag",
    ]:
        response = admin_client.get(f"/admin/{path}/")
        assert response.status_code == 200, path
        assert_inert(response.content, path)
    response = admin_client.get(f"/admin/news/release/{hostile_content['release'].pk}/change/")
    assert_inert(response.content, "release change form")


def test_admin_messages_render_hostile_strings_as_text(admin_client, hostile_content):
    office = Office.objects.get()
    response = admin_client.post(
        f"/admin/contacts/office/{office.pk}/change/",
        {
            "name": f"Office {SCRIPT}",
            "kind": "country",
            "country": hostile_content["country"].pk,
            "city": "Beijing",
            "address": "",
            "email": "",
            "phone": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    message = BeautifulSoup(response.content, "html.parser").select_one(".messagelist")
    assert SCRIPT in message.get_text()  # the message names the office...
    assert_inert(response.content, "admin message")  # ...as text
