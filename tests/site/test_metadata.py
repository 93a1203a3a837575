import json

import pytest
from bs4 import BeautifulSoup
from django.views.defaults import server_error

from tests.factories import country, make_image, make_page, make_release, make_releases

pytestmark = pytest.mark.django_db
XSS = "</script><script>alert(1)</script>"


def head(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def canonical(response):
    return head(response).find("link", rel="canonical")["href"]


def meta(soup, name):
    tag = soup.find("meta", property=name) or soup.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


def jsonld(soup, element_id):
    script = soup.find("script", id=element_id)
    assert script["type"] == "application/ld+json"
    return json.loads(script.string)


def test_release_has_canonical_open_graph_and_news_article(client):
    image = make_image(alt_text="Families queue for water")
    release = make_release(
        "Seminar in Beijing",
        image=image,
        tags=["Migration governance"],
        countries=[country("CN")],
        dateline_country=country("CN"),
        language="en",
    )
    release.refresh_from_db()
    soup = head(client.get(f"/news/{release.slug}/?utm_source=newsletter&fbclid=abc"))
    url = f"http://testserver/news/{release.slug}/"
    assert soup.find("link", rel="canonical")["href"] == url
    largest = image.renditions["wide"][-1]
    image_url = f"http://testserver/media/{largest['fallback']}"
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:url") == url
    assert meta(soup, "og:title") == "Seminar in Beijing"
    assert meta(soup, "og:image") == image_url
    assert meta(soup, "og:image:width") == str(largest["width"])
    assert meta(soup, "og:image:height") == str(largest["height"])
    assert meta(soup, "og:image:alt") == "Families queue for water"
    assert meta(soup, "article:published_time") == release.publish_at.isoformat()
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:image") == image_url

    article = jsonld(soup, "article-jsonld")
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Seminar in Beijing"
    assert article["dateline"] == "China"
    assert article["contentLocation"]["@type"] == "Place"
    assert article["contentLocation"]["address"]["addressCountry"] == "CN"
    assert article["datePublished"].startswith(release.publish_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert article["dateModified"].startswith(release.updated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert article["image"]["url"] == image_url
    assert article["publisher"]["@type"] == "Organization"
    assert article["publisher"]["logo"]["url"].startswith("http://testserver/static/")
    assert article["inLanguage"] == "en"
    assert article["keywords"] == ["Migration governance"]
    assert article["articleSection"] == "Press release"
    assert meta(soup, "article:section") == "Press release"

    crumbs = jsonld(soup, "breadcrumbs-jsonld")["itemListElement"]
    assert [crumb["item"] for crumb in crumbs] == [
        "http://testserver/",
        "http://testserver/news/",
        url,
    ]


def test_dateline_override_is_the_json_ld_dateline(client):
    release = make_release(dateline_country=country("BD"), dateline="Cox's Bazar")
    article = jsonld(head(client.get(f"/news/{release.slug}/")), "article-jsonld")
    assert article["dateline"] == "Cox's Bazar"
    assert article["contentLocation"]["name"] == "Bangladesh"


def test_hostile_title_is_escaped_in_meta_tags_and_json_ld(client):
    release = make_release(XSS, summary=XSS, dateline_country=country("CN"), dateline=XSS)
    response = client.get(f"/news/{release.slug}/")
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    soup = head(response)
    assert meta(soup, "og:title") == XSS  # escaped in the attribute, intact once parsed
    article = jsonld(soup, "article-jsonld")
    assert article["headline"] == XSS
    assert article["dateline"] == XSS
    # every script element in the head is one of ours: nothing was injected
    assert {script.get("id") for script in soup.find_all("script")} == {
        "article-jsonld",
        "breadcrumbs-jsonld",
    }


def test_page_has_canonical_and_breadcrumbs(client):
    parent = make_page(title="Our work", slug="our-work")
    page = make_page(title="What we do", slug="what-we-do", parent=parent)
    soup = head(client.get("/our-work/what-we-do/?utm_medium=email"))
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/our-work/what-we-do/"
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:title") == page.title
    crumbs = jsonld(soup, "breadcrumbs-jsonld")["itemListElement"]
    assert [(crumb["position"], crumb["name"]) for crumb in crumbs] == [
        (1, "Home"),
        (2, "Our work"),
        (3, "What we do"),
    ]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", "http://testserver/"),
        ("/where-we-work/china/?ref=x", "http://testserver/where-we-work/china/"),
        ("/media-contacts/", "http://testserver/media-contacts/"),
        ("/news/?utm_source=x&page=1", "http://testserver/news/"),
        ("/news/?country=china&year=abc&fbclid=1", "http://testserver/news/?country=china"),
        (
            "/news/?kind=story&country=china&language=zz",
            "http://testserver/news/?kind=story&country=china",
        ),
    ],
)
def test_canonical_keeps_only_what_makes_the_page(client, url, expected):
    make_release(countries=[country("CN")], kind="story")
    assert canonical(client.get(url)) == expected


def test_canonical_of_a_later_newsroom_page_keeps_its_number(client):
    make_releases(21, tags=())
    assert canonical(client.get("/news/?page=2&utm_source=x")) == "http://testserver/news/?page=2"
    # a page past the end is corrected to the last one, and says so
    assert canonical(client.get("/news/?page=99")) == "http://testserver/news/?page=2"


def test_country_page_has_open_graph_and_breadcrumbs(client):
    soup = head(client.get("/where-we-work/china/"))
    assert meta(soup, "og:title") == "China"
    crumbs = jsonld(soup, "breadcrumbs-jsonld")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Where we work", "China"]


def test_release_page_query_count_is_constant(client, django_assert_max_num_queries):
    image = make_image()
    releases = []
    for number in (5, 50):
        releases = make_releases(
            number, image=image, countries=[country("CN")], tags=["Migration", "Climate"]
        )
        client.get(f"/news/{releases[0].slug}/")  # once per content change
        with django_assert_max_num_queries(7):
            assert client.get(f"/news/{releases[0].slug}/").status_code == 200


def test_error_page_renders_without_a_request(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b'rel="canonical"' not in response.content
