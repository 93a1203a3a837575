"""Countries, regions, topics, offices and press contacts in the page's language, with the
English name where no other is given; filter slugs stay the same in every language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from news.models import TopicName
from tests.factories import country, make_contact, make_office, make_release

pytestmark = pytest.mark.django_db


def test_country_names_come_from_cldr(client):
    germany = country("DE")
    region = germany.region
    region.name_fr = "Europe (fr)"
    region.save()
    french = client.get("/fr/where-we-work/").text
    assert ">Allemagne</a>" in french and "Europe (fr)" in french
    assert ">Alemania</a>" in client.get("/es/where-we-work/").text
    detail = client.get(f"/fr/where-we-work/{germany.slug}/").text
    assert "<h1>Allemagne</h1>" in detail
    assert ">Germany</a>" in client.get("/where-we-work/").text


def test_offices_and_contacts_in_french_with_english_fallback(client):
    office = make_office("IOM Beijing", country=country("CN"), city="Beijing", city_fr="Pékin")
    office.name_fr = "OIM Pékin"
    office.save()
    make_contact("Ellen Wong", office=office, job_title="Media officer", job_title_fr="")
    make_contact("Li Na", office=office, job_title="Spokesperson", job_title_fr="Porte-parole")
    french = client.get("/fr/where-we-work/china/").text
    assert "OIM Pékin" in french and "Pékin" in french
    assert "Porte-parole" in french and "Media officer" in french
    assert "OIM Pékin" in client.get("/fr/media-contacts/").text
    assert "OIM Pékin" not in client.get("/media-contacts/").text


def test_topics_and_dateline_in_french_and_filters_keep_their_slugs(client):
    release = make_release(tags=["Climate"], dateline_country=country("DE"))
    TopicName.objects.create(tag=release.tags.get(), name_fr="Climat")
    with translation.override("fr"):
        address = release.get_absolute_url()
    page = client.get(address).text
    assert '<span class="tag">Climat</span>' in page
    assert '<span class="dateline">Allemagne</span>' in page
    newsroom = client.get("/fr/news/?tag=climate")
    assert newsroom.status_code == 200 and address in newsroom.text
    assert "Climat" in newsroom.text
    english = client.get("/news/?tag=climate").text
    assert "Climat " not in english and "Climate" in english


@pytest.mark.parametrize(
    "address", ["/where-we-work/", "/where-we-work/china/", "/media-contacts/"]
)
def test_french_pages_of_names_run_the_queries_of_the_english_ones(client, address):
    make_contact("Li Na", office=make_office(country=country("CN")), job_title_fr="Porte-parole")
    make_release(tags=["Climate"], dateline_country=country("CN"))

    def warm_queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert warm_queries("/fr" + address) == warm_queries(address)
