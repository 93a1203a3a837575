"""Press contacts as vCards that phones and mail programs import: vCard 3.0 (RFC 2426), the
version Apple, Google, Android and Outlook all read, in UTF-8, escaped and folded as RFC 6350
asks (lines of at most 75 octets, never splitting a character)."""

import uuid

from django.conf import settings
from django.utils.text import slugify

CONTENT_TYPE = "text/vcard; charset=utf-8"
LINE_OCTETS = 75


def vcard(contact):
    """The contact's vCard as text, lines ending in CRLF."""
    family, given = split_name(contact.name)
    office = contact.office
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"PRODID:{text(f'-//{settings.SITE_NAME}//Press contacts//EN')}",
        f"UID:{uid(contact)}",
        f"N:{structured(family, given, '', '', '')}",
        f"FN:{text(contact.name)}",
    ]
    if contact.job_title:
        lines.append(f"TITLE:{text(contact.job_title)}")
    organization = [settings.SITE_NAME, office.name] if office else [settings.SITE_NAME]
    lines.append(f"ORG:{structured(*organization)}")
    lines.append(f"EMAIL;TYPE=INTERNET,WORK:{text(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{contact.phone}")
    if contact.mobile:
        lines.append(f"TEL;TYPE=CELL,VOICE:{contact.mobile}")
    if office and (office.address or office.city):
        # Post office box, extended address, street, city, region, postal code, country.
        address = ("", "", office.address, office.city, "", "", office.country.name)
        lines.append(f"ADR;TYPE=WORK:{structured(*address)}")
    if contact.languages:
        lines.append(f"NOTE:{text(f'Languages: {contact.languages}')}")
    lines.append("END:VCARD")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def filename(contact):
    """ellen-wong.vcf; contact-12.vcf for a name with no Latin letters."""
    return f"{slugify(contact.name)[:60].strip('-') or f'contact-{contact.pk}'}.vcf"


def uid(contact):
    """The same on every download, so that importing a card again updates the person."""
    key = f"{settings.SITE_NAME}/press-contacts/{contact.pk}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def split_name(name):
    """(family, given): the last word is taken as the family name. Wrong for some names, but
    FN carries the name as written, which is what address books show."""
    given, _, family = name.strip().rpartition(" ")
    return family, given.strip()


def text(value):
    """A text value escaped as RFC 2426 §4 asks: backslash, comma, semicolon, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def structured(*parts):
    return ";".join(text(part) for part in parts)


def fold(line):
    """Split a content line into lines of at most 75 octets, each continuation starting with a
    space, at character boundaries so that no UTF-8 sequence is cut in two."""
    folded, current, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        if size + octets > LINE_OCTETS:
            folded.append(current)
            current, size = " ", 1
        current += character
        size += octets
    folded.append(current)
    return "\r\n".join(folded)
