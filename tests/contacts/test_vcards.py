import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from contacts.models import PressContact
from tests.factories import country, make_contact, make_office, make_release

pytestmark = pytest.mark.django_db


def parse_vcard(data):
    """{property name: [(parameters, value components)]}, read as an address book reads a
    vCard (RFC 2426): lines unfolded, then values split at unescaped semicolons and unescaped."""
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[-2:] == ["END:VCARD", ""], text
    properties = {}
    for line in "\r\n".join(lines[1:-2]).replace("\r\n ", "").split("\r\n"):
        name_and_parameters, value = line.split(":", 1)
        name, *parameters = name_and_parameters.split(";")
        properties.setdefault(name, []).append((parameters, components(value)))
    return properties


def components(value):
    parts, current, characters = [], "", iter(value)
    for character in characters:
        if character == "\\":
            escaped = next(characters)
            current += "\n" if escaped in "nN" else escaped
        elif character == ";":
            parts.append(current)
            current = ""
        else:
            current += character
    return [*parts, current]


def single(card, name):
    [(_, value)] = card[name]
    return value


def vcard_url(contact):
    return reverse("contacts:vcard", args=[contact.pk])


def test_the_seed_press_contact_is_saved_with_her_phone_and_email(client):
    call_command("load_demo", verbosity=0)
    ellen = PressContact.objects.get(name="Ellen Wong")
    assert f'href="{vcard_url(ellen)}"' in client.get("/media-contacts/").text

    response = client.get(vcard_url(ellen))

    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ellen-wong.vcf"'
    card = parse_vcard(response.content)
    assert single(card, "VERSION") == ["3.0"]
    assert single(card, "FN") == ["Ellen Wong"]
    assert single(card, "N") == ["Wong", "Ellen", "", "", ""]
    assert single(card, "ORG") == [settings.SITE_NAME, "IOM Beijing"]
    assert single(card, "EMAIL") == ["ewong@iom.int"]
    [(parameters, phone)] = card["TEL"]
    assert phone == ["+8618501187152"] and "WORK" in parameters[0]


def test_every_field_of_a_full_contact_is_in_its_card(client):
    office = make_office("IOM Dakar", country=country("SN"), city="Dakar",
                         address="Route des Almadies\nBP 123")  # fmt: skip
    contact = make_contact("Awa Diop", job_title="Spokesperson", office=office,
                           email="adiop@iom.int", phone="+221 33 869 62 00",
                           mobile="+221 77 450 12 34", languages="French, Wolof")  # fmt: skip
    card = parse_vcard(client.get(vcard_url(contact)).content)
    assert single(card, "TITLE") == ["Spokesperson"]
    assert {value[0] for _, value in card["TEL"]} == {"+221338696200", "+221774501234"}
    cell = next(parameters for parameters, value in card["TEL"] if value == ["+221774501234"])
    assert "CELL" in cell[0]
    assert single(card, "ADR") == ["", "", "Route des Almadies\nBP 123", "Dakar", "", "", "Senegal"]
    assert single(card, "NOTE") == ["Languages: French, Wolof"]


def test_accents_and_separators_come_back_as_written(client):
    title = "Chargée de communication, Afrique de l'Ouest; Sahel \\ Lac Tchad"
    contact = make_contact("José Ñúñez", job_title=title)
    response = client.get(vcard_url(contact))
    card = parse_vcard(response.content)
    assert single(card, "FN") == ["José Ñúñez"]
    assert single(card, "N")[:2] == ["Ñúñez", "José"]
    assert single(card, "TITLE") == [title]
    # Commas, semicolons and backslashes are escaped, so no reader splits the title.
    raw = response.content.decode()
    assert "TITLE:Chargée de communication\\, Afrique de l'Ouest\\; Sahel \\\\ Lac Tchad" in raw
    assert response["Content-Disposition"] == 'attachment; filename="jose-nunez.vcf"'


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character(client):
    title = "Responsable régionale des médias et de la communication " * 2  # 114 of 150
    contact = make_contact("Éléonore Świątkowska-Ñúñez", job_title=title.strip())
    response = client.get(vcard_url(contact))
    physical_lines = response.content.split(b"\r\n")
    assert max(len(line) for line in physical_lines) <= 75
    assert any(line.startswith(b" ") for line in physical_lines)  # it was folded
    for line in physical_lines:
        line.decode("utf-8")  # each line on its own: no UTF-8 sequence was cut
    assert single(parse_vcard(response.content), "TITLE") == [title.strip()]


def test_a_name_without_latin_letters_still_gets_a_file_name(client):
    contact = make_contact("王小明")
    response = client.get(vcard_url(contact))
    assert response["Content-Disposition"] == f'attachment; filename="contact-{contact.pk}.vcf"'
    assert single(parse_vcard(response.content), "FN") == ["王小明"]


def test_a_card_is_cacheable_like_a_public_page(client):
    response = client.get(vcard_url(make_contact()))
    assert "public" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize("pk", ["0", "999999", "9" * 30])
def test_unknown_contacts_are_not_found(client, pk):
    assert client.get(f"/media-contacts/{pk}.vcf").status_code == 404


def test_inactive_contacts_have_no_card_and_no_link(client):
    gone = make_contact("Former Spokesperson", active=False)
    kept = make_contact("Current Spokesperson")
    release = make_release(contacts=[gone, kept])
    assert client.get(vcard_url(gone)).status_code == 404
    page = client.get(release.get_absolute_url()).text
    assert f'href="{vcard_url(kept)}"' in page
    assert vcard_url(gone) not in page


def test_release_and_country_pages_link_their_contacts_cards(client):
    contact = make_contact(office=make_office(country=country("CN")))
    release = make_release(contacts=[contact])
    link = f'href="{vcard_url(contact)}"'
    assert link in client.get(release.get_absolute_url()).text
    assert link in client.get("/where-we-work/china/").text
    # Its text names the person, for screen readers listing a page's links.
    assert f'Save contact<span class="visually-hidden"> {contact.name}</span>' in (
        client.get("/media-contacts/").text
    )


def test_a_cached_card_follows_edits_to_its_contact(client, settings):
    settings.PAGE_CACHE = True
    contact = make_contact("Ellen Wong")
    client.get(vcard_url(contact))
    assert client.get(vcard_url(contact)).get("ETag")  # served from the page cache
    contact.job_title = "Head of Communications"
    contact.save()
    card = parse_vcard(client.get(vcard_url(contact)).content)
    assert single(card, "TITLE") == ["Head of Communications"]
