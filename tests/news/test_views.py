from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from taggit.models import Tag

from news.views import RELEASES_PER_PAGE
from pages.publishing import Status
from tests.factories import country, make_contact, make_image, make_release, tomorrow, yesterday

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Status.DRAFT},
    "embargoed": {"publish_at": tomorrow()},
    "expired": {"unpublish_at": timezone.now() - timedelta(minutes=1)},
}


def make_many_releases(count, **overrides):
    start = timezone.now() - timedelta(days=count + 1)
    return [
        make_release(f"Release number {n}", publish_at=start + timedelta(days=n), **overrides)
        for n in range(count)
    ]


def test_newsroom_lists_newest_first_and_paginates(client):
    make_many_releases(RELEASES_PER_PAGE + 3)
    first = client.get("/news/").content.decode()
    newest = f"Release number {RELEASES_PER_PAGE + 2}"
    assert first.index(newest) < first.index(f"Release number {RELEASES_PER_PAGE + 1}")
    assert "Release number 2<" not in first
    second = client.get("/news/?page=2").content.decode()
    assert "Release number 2<" in second and newest not in second


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "%00", "9" * 500])
def test_bad_page_numbers_give_a_real_page(client, page):
    make_release("Only one")
    response = client.get(f"/news/?page={page}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Only one" in response.content.decode()


@pytest.mark.parametrize("name", HIDDEN)
def test_hidden_releases_never_reach_the_public(client, name):
    china = country("CN")
    make_release("Visible release", dateline_country=china)
    hidden = make_release("Hidden release", dateline_country=china, **HIDDEN[name])
    for url in [
        "/",
        "/news/",
        "/where-we-work/china/",
        "/search/?q=release",
        "/sitemap-releases.xml",
    ]:
        body = client.get(url).content.decode()
        assert "Hidden release" not in body and hidden.slug not in body, url
        assert "Visible release" in body or url.endswith(".xml"), url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_from_view_on_site(staff_client):
    draft = make_release("Draft release", status=Status.DRAFT)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft release" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_release_page_shows_dateline_body_contacts_tags_and_related(client):
    china = country("CN")
    ellen = make_contact("Ellen Wong", email="ewong@iom.int", phone="+8618501187152")
    image = make_image(caption="Officials at the seminar", credit="IOM/Beijing")
    release = make_release(
        "Seminar in Beijing",
        dateline_country=china,
        body="<p>Migration flows between China and the EU.</p>"
        "<blockquote><p>A quote.</p></blockquote>",
        contacts=[ellen],
        tags=["Migration governance"],
        image=image,
    )
    make_release("Another China release", dateline_country=china)
    html = client.get(release.get_absolute_url()).content.decode()
    assert '<p><span class="dateline">China</span> – Migration flows' in html
    assert "<blockquote><p>A quote.</p></blockquote>" in html
    assert "For more information, please contact" in html
    assert 'href="mailto:ewong@iom.int"' in html
    assert 'href="tel:+8618501187152">+86 185 0118 7152<' in html
    assert "Migration governance" in html
    assert "Another China release" in html
    assert 'alt="Families queue for water"' in html and "IOM/Beijing" in html
    assert 'type="image/webp"' in html


def test_dateline_text_overrides_the_country_name(client):
    release = make_release(dateline_country=country("BD"), dateline="Cox's Bazar")
    assert "Cox&#x27;s Bazar</span> –" in client.get(release.get_absolute_url()).content.decode()


def test_unknown_slug_is_a_404(client):
    assert client.get("/news/no-such-release/").status_code == 404


def test_public_views_use_a_constant_number_of_queries(client, django_assert_max_num_queries):
    """Budgets hold whatever the number of releases: no query per card or contact."""
    china = country("CN")
    image = make_image()
    contacts = [make_contact() for _ in range(3)]
    releases = [
        make_release(
            dateline_country=china, image=image, tags=["a", "b"], contacts=contacts,
            publish_at=yesterday() - timedelta(hours=n),
        )
        for n in range(RELEASES_PER_PAGE + 5)
    ]  # fmt: skip
    # Steady state: the menu, section pages and newsroom counts are built on the first visit
    # after a change and then shared through the cache.
    budgets = {
        "/": 4,
        "/news/": 1,
        "/news/?page=2": 1,
        "/news/?country=china&kind=press-release": 2,
        releases[0].get_absolute_url(): 5,
        "/where-we-work/": 1,
        "/where-we-work/china/": 4,
        "/media-contacts/": 1,
        "/search/?q=release": 10,  # on PostgreSQL a one-word query also checks for typos
    }
    for url in budgets:
        assert client.get(url).status_code == 200, url
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url


def test_a_renamed_topic_shows_on_the_next_request(client):
    release = make_release("Seminar in Beijing", tags=["Migration governance"])
    assert "Migration governance" in client.get(release.get_absolute_url()).content.decode()
    assert "Migration governance" in client.get("/news/").content.decode()
    topic = Tag.objects.get(name="Migration governance")
    topic.name = "Governance of migration"
    topic.save()
    for url in (release.get_absolute_url(), "/news/"):
        html = client.get(url).content.decode()
        assert "Governance of migration" in html and "Migration governance" not in html, url


def test_a_release_page_follows_edits_and_its_publishing_window(client):
    """The live release itself is kept until content changes, with the rest of its page."""
    now = timezone.now()
    release = make_release("First title", publish_at=now - timedelta(hours=1))
    scheduled = make_release("Out at noon", publish_at=now + timedelta(seconds=30))
    assert "First title" in client.get(release.get_absolute_url()).content.decode()
    release.title = "Second title"
    release.save()
    assert "Second title" in client.get(release.get_absolute_url()).content.decode()

    with mock.patch("django.utils.timezone.now", return_value=now):
        assert client.get(scheduled.get_absolute_url()).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(seconds=31)):
        assert client.get(scheduled.get_absolute_url()).status_code == 200

    release.status = Status.DRAFT
    release.save()
    assert client.get(release.get_absolute_url()).status_code == 404
