import re

import pytest

from iomsite.openapi import openapi_document
from pages.publishing import Status
from tests.factories import (
    country,
    make_contact,
    make_image,
    make_release,
    make_releases,
    now,
    tomorrow,
)

pytestmark = pytest.mark.django_db
DOCUMENT = openapi_document("http://testserver/api")
ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def resolve(schema):
    if "$ref" in schema:
        return DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def assert_matches(data, schema, where="response"):
    """The keys of every object are exactly the documented ones, all the way down."""
    schema = resolve(schema)
    if isinstance(data, dict) and "properties" in schema:
        assert set(data) == set(schema["properties"]), where
        for key, value in data.items():
            assert_matches(value, schema["properties"][key], f"{where}.{key}")
    elif isinstance(data, list) and "items" in schema:
        for item in data:
            assert_matches(item, schema["items"], f"{where}[]")


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def content():
    image = make_image(alt_text="Families queue for water")
    contact = make_contact("Ellen Wong")
    release = make_release(
        "Seminar in Beijing",
        image=image,
        tags=["Migration governance"],
        countries=[country("CN")],
        dateline_country=country("CN"),
        contacts=[contact],
    )
    return {"release": release, "contact": contact, "image": image}


def test_every_documented_path_answers_with_the_documented_fields(client, content):
    values = {"slug": content["release"].slug, "code_or_slug": "cn"}
    for path, operations in DOCUMENT["paths"].items():
        url = "/api" + re.sub(r"\{(\w+)\}", lambda match: values[match[1]], path)
        schema = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        data = get_json(client, url)
        assert_matches(data, schema, url)
        if "results" in data:
            assert data["results"], f"{url} lists nothing: the test would prove little"


def test_release_fields_are_absolute_iso_and_stable(client, content):
    release, image = content["release"], content["image"]
    release.refresh_from_db()
    data = get_json(client, f"/api/releases/{release.slug}/")
    assert data["url"] == f"http://testserver/news/{release.slug}/"
    assert data["api_url"] == f"http://testserver/api/releases/{release.slug}/"
    assert data["dateline"] == "China"
    assert data["dateline_country"] == "CN"
    assert data["countries"] == ["CN"]
    assert data["tags"] == [{"name": "Migration governance", "slug": "migration-governance"}]
    assert ISO_8601.match(data["published_at"]) and ISO_8601.match(data["updated_at"])
    assert data["published_at"].startswith(release.publish_at.strftime("%Y-%m-%dT%H:%M:%S"))
    largest = image.renditions["wide"][-1]
    assert data["image"]["url"] == f"http://testserver/media/{largest['fallback']}"
    assert data["image"]["alt"] == "Families queue for water"
    assert [contact["name"] for contact in data["contacts"]] == ["Ellen Wong"]
    assert data["contacts"][0]["phone"] == "+41227179111"


def test_no_draft_embargoed_or_expired_release_ever_appears(client):
    live = make_release("Live one", countries=[country("CN")])
    hidden = [
        make_release("Draft one", status=Status.DRAFT, countries=[country("CN")]),
        make_release("Embargoed one", publish_at=tomorrow(), countries=[country("CN")]),
        make_release("Expired one", unpublish_at=now(), countries=[country("CN")]),
    ]
    for url in ("/api/releases/", "/api/releases/?country=china&page_size=100"):
        data = get_json(client, url)
        assert data["count"] == 1
        assert [item["slug"] for item in data["results"]] == [live.slug]
    for release in hidden:
        assert get_json(client, f"/api/releases/{release.slug}/", 404) == {"error": "Not found."}


def test_release_filters_are_the_newsroom_filters(client):
    make_release("Beijing seminar", countries=[country("CN")], kind="press-release")
    make_release("Beijing story", countries=[country("CN")], kind="story", tags=["Climate"])
    make_release("Dhaka release", countries=[country("BD")], kind="press-release")

    def titles(query):
        return [item["title"] for item in get_json(client, f"/api/releases/?{query}")["results"]]

    assert titles("country=china&kind=press-release") == ["Beijing seminar"]
    assert titles("tag=climate") == ["Beijing story"]
    assert titles("region=asia-and-the-pacific&kind=story") == ["Beijing story"]


@pytest.mark.parametrize(
    "query, status",
    [
        ("kind=nonsense", 400),
        ("year=abc", 400),
        ("page=abc", 400),
        ("page=-1", 400),
        ("page_size=0", 400),
        ("page=9" * 3000, 400),
        ("country=" + "x" * 10_000, 400),
        ("country=zz", 404),
        ("tag=no-such-topic", 404),  # as on the newsroom and its feeds
        ("page=99", 404),
    ],
)
def test_bad_parameters_are_a_json_400_or_404(client, query, status):
    make_release()
    data = get_json(client, f"/api/releases/?{query}", status)
    if status != 200:
        assert "error" in data


def test_pagination_links_and_page_size_cap(client):
    make_releases(102, tags=())
    first = get_json(client, "/api/releases/?page_size=2&kind=press-release")
    assert first["count"] == 102
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/releases/?page_size=2&kind=press-release&page=2"
    second = get_json(client, first["next"])
    assert second["previous"].endswith("page=1")
    assert {r["slug"] for r in first["results"]}.isdisjoint(r["slug"] for r in second["results"])
    assert len(get_json(client, "/api/releases/?page_size=1000")["results"]) == 100
    assert len(get_json(client, "/api/releases/")["results"]) == 20


def test_countries_by_code_or_slug(client):
    by_code = get_json(client, "/api/countries/cn/")
    assert by_code == get_json(client, "/api/countries/china/")
    assert by_code["code"] == "CN"
    assert by_code["releases_api_url"] == "http://testserver/api/releases/?country=china"
    get_json(client, "/api/countries/zz/", 404)
    asia = get_json(client, "/api/countries/?region=asia-and-the-pacific&page_size=100")
    assert "CN" in {item["code"] for item in asia["results"]}
    assert "FR" not in {item["code"] for item in asia["results"]}
    get_json(client, "/api/countries/?region=atlantis", 404)


def test_contacts_lists_active_ones_only(client):
    make_contact("Ellen Wong")
    make_contact("Gone Person", active=False)
    names = [item["name"] for item in get_json(client, "/api/contacts/")["results"]]
    assert names == ["Ellen Wong"]
    assert get_json(client, "/api/contacts/?country=china")["count"] == 1
    assert get_json(client, "/api/contacts/?country=france")["count"] == 0


def test_cors_for_reading_only(client):
    response = client.get("/api/releases/")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.head("/api/releases/")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/releases/")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    for method in (client.post, client.put, client.patch, client.delete):
        refused = method("/api/releases/")
        assert refused.status_code == 405
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Origin" not in client.get("/news/")


def test_unknown_api_address_is_a_json_404(client):
    assert get_json(client, "/api/nothing/here/", 404) == {"error": "Not found."}


def test_openapi_description_is_served(client):
    data = get_json(client, "/api/openapi.json")
    assert data["openapi"].startswith("3.1")
    assert data["servers"] == [{"url": "http://testserver/api"}]
    assert set(data["paths"]) == set(DOCUMENT["paths"])


@pytest.mark.parametrize(
    "url, queries",
    [
        ("/api/releases/?page_size=100", 5),  # count, page, tags, countries, language versions
        ("/api/releases/?country=china&tag=migration&page_size=100", 7),  # + are both known?
        ("/api/releases/{slug}/", 5),  # release, tags, countries, contacts, language versions
        ("/api/countries/?page_size=100", 2),
        ("/api/contacts/?page_size=100", 2),
    ],
)
def test_query_count_is_constant(client, django_assert_max_num_queries, url, queries):
    image = make_image()
    for number in (5, 50):
        releases = make_releases(
            number,
            image=image,
            countries=[country("CN")],
            contacts=[make_contact()],
            tags=["Migration", "Climate"],
        )
        client.get(url.format(slug=releases[0].slug))  # once per content change
        with django_assert_max_num_queries(queries):
            get_json(client, url.format(slug=releases[0].slug))


def test_nul_bytes_are_a_json_400(client):
    response = client.get("/api/countries/?page_size=%00")
    assert response.status_code == 400
    assert response.json() == {"error": "Malformed request."}
