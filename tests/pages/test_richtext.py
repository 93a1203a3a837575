import re

import pytest
from django.urls import reverse

from contacts.models import Country
from news.models import Release
from pages.models import Page
from pages.richtext import sanitize_html
from tests.admin_forms import admin_form_data
from tests.factories import country, make_page, make_release

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Intro <script>alert(1)</script>'
    '<img src="x" onerror="alert(2)"><a href="jav&#x09;ascript:alert(3)">tab</a> '
    '<a href="JaVaScRiPt:alert(4)">mixed case</a> <a href="&#106;avascript:alert(5)">entity</a> '
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
    '<a href="https://www.iom.int/" onmouseover="x()" style="color:red">IOM</a></p>'
    '<iframe src="https://evil.example/">frame text</iframe>'
    '<object data="evil.swf">object text</object><embed src="evil.swf">'
    "<style>body{display:none}</style>"
    '<p class="MsoNormal" style="margin:0cm"><span lang="EN-GB" style="font-size:12pt">'
    "Pasted <b>from</b> Word<o:p></o:p></span></p>"
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
    '<font face="Calibri" color="red">Old font</font>'
    "<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->"
    "<blockquote>Quote</blockquote><h2>Heading</h2>"
)
NEVER = [
    "<script",
    "alert",
    "onclick",
    "onerror",
    "onmouseover",
    "style=",
    "javascript",
    "data:",
    "<iframe",
    "frame text",
    "<object",
    "object text",
    "<embed",
    "mso",
    "Mso",
    "<o:p",
    "<font",
    "<xml",
    "display:none",
]
# Markup the site's own templates use, but that a body must never carry.
NEVER_IN_BODY = ["<img", "<span", "class="]


JSON_LD = re.compile(r'<script id="[a-z-]+-jsonld" type="application/ld\+json">[^<]*</script>')


def assert_clean(html):
    for fragment in NEVER:
        assert fragment not in html, fragment


def assert_stored_clean(html):
    assert_clean(html)
    for fragment in NEVER_IN_BODY:
        assert fragment not in html, fragment


def assert_shown_clean(client, item):
    """The public page shows the stored body as it is, and nothing hostile anywhere."""
    html = client.get(item.get_absolute_url()).content.decode()
    # The page's own JSON-LD is a data block (json_script escapes "<"); look past it.
    assert_clean(JSON_LD.sub("", html))
    assert type(item).objects.get(pk=item.pk).body.removeprefix("<p>") in html


def test_sanitizer_keeps_prose_and_links():
    clean = sanitize_html(HOSTILE)
    assert_stored_clean(clean)
    assert '<a href="https://www.iom.int/" rel="noopener noreferrer">IOM</a>' in clean
    assert "<p>Pasted <b>from</b> Word</p>" in clean
    assert "Old font" in clean
    assert "<blockquote>Quote</blockquote><h2>Heading</h2>" in clean
    assert "<p></p>" not in clean


def post_change(client, admin_name, item, **changes):
    url = reverse(f"admin:{admin_name}_change", args=[item.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_hostile_release_body_posted_to_the_admin_is_stored_and_shown_clean(staff_client):
    release = make_release()
    post_change(staff_client, "news_release", release, body=HOSTILE)
    stored = Release.objects.get(pk=release.pk).body
    assert_stored_clean(stored)
    assert "Pasted <b>from</b> Word" in stored
    assert_shown_clean(staff_client, release)


def test_hostile_page_and_country_bodies_are_stored_and_shown_clean(staff_client):
    page = make_page()
    post_change(staff_client, "pages_page", page, body=HOSTILE)
    assert_stored_clean(Page.objects.get(pk=page.pk).body)
    assert_shown_clean(staff_client, page)

    china = country("CN")
    post_change(staff_client, "contacts_country", china, body=HOSTILE)
    assert_stored_clean(Country.objects.get(pk=china.pk).body)
    assert_shown_clean(staff_client, china)


def test_a_release_body_that_is_empty_once_cleaned_is_a_form_error(staff_client):
    release = make_release()
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = '<p></p><p><script>alert(1)</script></p><p onclick="x()">&nbsp;</p>'
    response = staff_client.post(url, data)
    assert "body" in response.context["adminform"].form.errors
    assert Release.objects.get(pk=release.pk).body == release.body
