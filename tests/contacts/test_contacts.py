import pytest

from contacts.models import Country, PressContact, Region
from tests.factories import country, make_contact, make_office, make_release

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded_with_a_region():
    assert Country.objects.count() == 249
    china = country("CN")
    assert (china.name, china.slug, china.region.name) == ("China", "china", "Asia and the Pacific")
    assert country("VN").name == "Vietnam"
    assert Region.objects.filter(name="Africa").get().countries.filter(code="SN").exists()


def test_countries_are_listed_by_region(client):
    html = client.get("/where-we-work/").content.decode()
    assert html.index("Africa") < html.index("Senegal") < html.index("Americas")
    assert 'href="/where-we-work/china/"' in html


def test_country_page_shows_offices_contacts_and_its_live_releases(client):
    china = country("CN")
    office = make_office("IOM Beijing", country=china, kind="liaison")
    make_contact("Ellen Wong", office=office)
    make_contact("Gone Person", office=office, active=False)
    make_release("About China", countries=[china])
    make_release("About Senegal", dateline_country=country("SN"))
    html = client.get("/where-we-work/china/").content.decode()
    assert "IOM Beijing" in html and "Liaison office" in html
    assert "Ellen Wong" in html and "Gone Person" not in html
    assert "About China" in html and "About Senegal" not in html


def test_unknown_country_is_a_404(client):
    assert client.get("/where-we-work/atlantis/").status_code == 404


def test_a_country_page_follows_edits_to_its_country(client):
    chad = country("TD")
    assert "Lake Chad basin" not in client.get("/where-we-work/chad/").content.decode()
    chad.summary = "Lake Chad basin response"
    chad.save()
    assert "Lake Chad basin response" in client.get("/where-we-work/chad/").content.decode()
    chad.slug = "tchad"
    chad.save()
    assert client.get("/where-we-work/chad/").status_code == 404
    assert client.get("/where-we-work/tchad/").status_code == 200


def test_media_contacts_directory_lists_active_contacts_with_links(client):
    make_contact("Ellen Wong", email="ewong@iom.int", phone="+86 185 0118 7152",
                 mobile="+41 79 103 0342")  # fmt: skip
    make_contact("Former Spokesperson", active=False)
    html = client.get("/media-contacts/").content.decode()
    assert "Ellen Wong" in html and "Former Spokesperson" not in html
    assert 'href="tel:+8618501187152"' in html and 'href="tel:+41791030342"' in html


def test_phone_numbers_are_stored_in_e164():
    contact = make_contact(phone="+86 185 0118 7152")
    contact.full_clean()
    contact.save()
    assert PressContact.objects.get(pk=contact.pk).phone == "+8618501187152"


def test_admin_form_rejects_a_bad_phone_and_a_bad_email(staff_client):
    office = make_office()
    response = staff_client.post(
        "/admin/contacts/presscontact/add/",
        {"name": "Bad Numbers", "email": "not-an-email", "phone": "12", "office": office.pk,
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "email" in errors and "phone" in errors
    assert "country code" in str(errors["phone"])
    assert not PressContact.objects.filter(name="Bad Numbers").exists()


def test_admin_form_normalises_a_phone_number(staff_client):
    office = make_office()
    response = staff_client.post(
        "/admin/contacts/presscontact/add/",
        {"name": "Ellen Wong", "email": "EWong@IOM.int", "phone": "+86 185-0118-7152",
         "office": office.pk, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = PressContact.objects.get(name="Ellen Wong")
    assert (contact.email, contact.phone) == ("ewong@iom.int", "+8618501187152")
