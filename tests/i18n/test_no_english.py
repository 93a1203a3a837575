"""No English interface text on a French or Spanish page, feed or email: every text node and
every attribute people read (aria-label, alt, title, placeholder, meta descriptions) is checked
against the messages of the catalogue (the English source texts)."""

import functools
import json
import re
import warnings

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from iomsite import catalogues
from news.alerts import composed
from news.subscriptions import confirmation_token
from tests.factories import (
    country,
    make_contact,
    make_embargo_link,
    make_release,
    make_releases,
    make_subscriber,
    tomorrow,
    yesterday,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "es"]
# Messages whose translation is the English word itself, where a page shows them.
SAME_IN = {
    "fr": {
        "Pages",  # "Pages": the search results' heading, the pagination's label
        "page %(number)s",  # "page 2" in the newsroom's title
    },
    "es": {
        "Tel.",  # the usual abbreviation of "teléfono"
        "Tel.: %(phone)s",
    },
}
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
READ_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}


@functools.cache
def message_patterns(language):
    """(message, pattern, whole) for each English text: one-word messages must be the whole
    text ("Home", "on %(topics)s": they may be a French or Spanish word too), others are
    searched anywhere."""
    patterns = []
    for message in catalogues.extracted_messages():
        if not message.id:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            if text in SAME_IN[language]:
                continue
            parts = re.split(r"%\(\w+\)[sd]", text.replace("%%", "%"))
            if not re.search(r"[^\W\d_]", "".join(parts)):
                continue  # punctuation between values: "%(name)s: %(value)s"
            pattern = ".+?".join(re.escape(part) for part in parts)
            if len(" ".join(parts).split()) > 1:
                patterns.append((text, re.compile(rf"(?<!\w){pattern}(?!\w)"), False))
            else:
                patterns.append((text, re.compile(rf"\W*{pattern}\W*", re.IGNORECASE), True))
    return patterns


def read_texts(markup):
    """What people read in the page's language: text nodes, some attributes, JSON-LD strings."""
    with warnings.catch_warnings(action="ignore", category=XMLParsedAsHTMLWarning):
        soup = BeautifulSoup(markup, "html.parser")  # feeds too: their text is what counts
    texts = []
    for script in soup.find_all("script", type="application/ld+json"):
        texts += json_strings(json.loads(script.string))
        script.decompose()
    # What is marked as in another language (a release's own text, the switcher's names of
    # the languages) is meant to be read in it.
    for element in soup.find_all(lang=True):
        if element.name != "html" and element["lang"] != soup.html["lang"]:
            element.decompose()
    texts += [text.strip() for text in soup.find_all(string=True) if text.strip()]
    for element in soup.find_all(True):
        texts += [element[name] for name in READ_ATTRIBUTES if element.get(name)]
        if element.name == "meta" and {element.get("name"), element.get("property")} & READ_META:
            texts.append(element["content"])
    return texts


def json_strings(value):
    if isinstance(value, dict):
        return [text for item in value.values() for text in json_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return [value] if isinstance(value, str) else []


def english_in(markup, language):
    """The messages found in what people read: ["'Home' in 'Home'", ...]."""
    found = []
    patterns = message_patterns(language)
    for text in read_texts(markup):
        for message, pattern, whole in patterns:
            if pattern.fullmatch(text) if whole else pattern.search(text):
                found.append(f"{message!r} in {text!r}")
    return found


@pytest.fixture
def site():
    """A release with a press contact, a topic and a country, in words no message uses."""
    china = country("CN")
    contact = make_contact("Ellen Wong", job_title="Jefa de prensa", mobile="+8613800000000")
    release = make_release(
        "Xinjiang vaccinations",
        contacts=[contact],
        tags=["zoonoses"],
        countries=[china],
        dateline_country=china,
        summary="Xinjiang vaccinations summary.",
        body="<p>Xinjiang vaccinations body.</p>",
        language="es",
    )
    subscriber = make_subscriber(pending={"filters": {}, "language": "fr"}, pending_key="k")
    embargoed = make_release("Xinjiang harvest", publish_at=tomorrow(), contacts=[contact])
    return {
        "release": release,
        "china": china,
        "contact": contact,
        "subscriber": subscriber,
        "embargo_link": make_embargo_link(embargoed),
    }


def public_addresses(site):
    release, subscriber = site["release"], site["subscriber"]
    return [
        reverse("home"),
        reverse("news:list"),
        reverse("news:list") + "?country=china&kind=press-release&year=2099",
        reverse("news:list") + "?year=nineteen",
        site["embargo_link"].get_absolute_url(),
        release.get_absolute_url(),
        site["china"].get_absolute_url(),
        reverse("contacts:countries"),
        reverse("contacts:media"),
        reverse("search") + "?q=xinjiang",
        reverse("search") + "?q=xinjiang&country=china",
        reverse("search") + "?q=zzzqqq",
        reverse("search"),
        reverse("subscriptions:subscribe") + "?country=china",
        reverse("subscriptions:sent"),
        reverse("subscriptions:confirm", args=[confirmation_token(subscriber)]),
        reverse("subscriptions:confirm", args=["not-a-token"]),
        subscriber.get_absolute_url(),
        reverse("subscriptions:unsubscribe", args=[subscriber.token]),
        reverse("news:feed") + "?country=china",
        reverse("news:atom"),
        reverse("home") + "no-such-page/",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_interface_text_on_public_pages(client, site, language):
    with translation.override(language):
        addresses = public_addresses(site)
    for address in addresses:
        assert address.startswith(f"/{language}/")
        response = client.get(address)
        missing = "no-such-page" in address or "not-a-token" in address
        assert response.status_code == (404 if missing else 200), address
        assert english_in(response.text, language) == [], address


def test_the_check_finds_the_english_interface(client, site):
    with translation.override("en"):
        address = site["release"].get_absolute_url()
    found = english_in(client.get(address).text, "fr")
    assert "'Skip to content' in 'Skip to content'" in found
    assert "'Newsroom' in 'Newsroom'" in found
    assert (
        "'Get new releases about %(country)s by email' in 'Get new releases about China by email'"
        in found
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_in_the_form_errors(client, site, language):
    response = client.post(
        f"/{language}/subscribe/", {"email": "not an address", "email_language": language}
    )
    assert "field-error" in response.text
    assert english_in(response.text, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_error_pages_speak_the_language_without_a_context(language, template):
    with translation.override(language):
        page = render_to_string(template)
    assert f'<html lang="{language}">' in page
    assert f'href="/{language}/"' in page
    assert english_in(page, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_in_the_emails(site, language):
    release, subscriber = site["release"], site["subscriber"]
    alert = composed(
        "alert",
        {
            "release": release,
            "release_url": "https://example.org" + release.get_absolute_url(),
            "contacts": [site["contact"]],
            "manage_url": "https://example.org/manage/",
            "unsubscribe_url": "https://example.org/unsubscribe/",
            "site_name": "Organisation",
        },
        subscriber.email,
        language,
    )
    confirmation = composed(
        "confirmation",
        {"confirm_url": "https://example.org/c/", "alerts": "x", "days": 7, "known": False},
        subscriber.email,
        language,
    )
    for message in (alert, confirmation):
        assert english_in(message.subject, language) == []
        assert english_in(message.body, language) == []
        assert english_in(message.alternatives[0].content, language) == []
    assert not mail.outbox


@pytest.mark.parametrize(
    "language, date", [("en", "1 March 2026"), ("fr", "1 mars 2026"), ("es", "1 de marzo de 2026")]
)
def test_dates_are_written_in_the_language_of_the_page(client, language, date):
    release = make_release(publish_at=yesterday().replace(year=2026, month=3, day=1, hour=12))
    with translation.override(language):
        addresses = [release.get_absolute_url(), reverse("news:list")]
    for address in addresses:
        assert date in client.get(address).text


@pytest.mark.parametrize(
    "language, count", [("en", "1,200 releases"), ("fr", "1\u00a0200 communiqués")]
)
def test_counts_are_written_as_the_language_writes_numbers(client, language, count):
    make_releases(1200)
    with translation.override(language):
        address = reverse("news:list")
    page = client.get(address).text
    assert count in page
    number = count.rsplit(" ", 1)[0]
    assert f"({number})</option>" in page  # the filters' choices too
