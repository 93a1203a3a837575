"""Press kits: one ZIP per release with its text, an HTML copy, its images at full size with
their credits, and its press contacts' vCards, for journalists to download in one go.

The archive is written while it is sent: zipfile writes into a pipe that the response drains
after every piece, and images are copied from storage in chunks, so a kit of any size costs a
few hundred kilobytes of memory.
"""

import logging
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from bs4 import BeautifulSoup
from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contacts import phones, vcards
from pages.content_version import seconds_until_next_scheduled_change
from pages.models import Image
from pages.site_names import site_name

from .embargo import through_embargo_link
from .models import Release

logger = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
# Windows refuses paths longer than 260 characters: file names stay well below.
STEM_LENGTH = 80
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


@dataclass(frozen=True)
class Member:
    """A file of the kit: `render` gives the bytes of a small file; `image` is an image
    copied from storage in chunks. Images are stored as they are: they are compressed already."""

    name: str
    render: Callable[[], bytes] | None = None
    image: Image | None = None


class PressKit:
    def __init__(self, request, release, contacts, embargoed_until=None):
        self.request = request
        self.release = release
        self.contacts = [contact for contact in contacts if contact.active]
        self.embargoed_until = embargoed_until
        self.stem = slugify(release.slug)[:STEM_LENGTH].strip("-") or "release"

    @property
    def filename(self):
        return f"{self.stem}-press-kit.zip"

    @property
    def images(self):
        """[(name in the ZIP, image)]: named after the release, never after the upload."""
        images = [self.release.image] if self.release.image else []
        return [
            (f"images/{self.stem}-{number}{image_extension(image)}", image)
            for number, image in enumerate(images, start=1)
        ]

    def members(self):
        """Every file of the kit, in order; nothing is rendered or read until it is written."""
        return [
            Member(f"{self.stem}.txt", render=lambda: self.text().encode()),
            Member(f"{self.stem}.html", render=lambda: self.html().encode()),
            *(Member(name, image=image) for name, image in self.images),
            Member("credits.txt", render=lambda: self.credits().encode()),
            *(
                Member(f"contacts/{name}", render=lambda contact=contact: vcard_bytes(contact))
                for name, contact in self.vcard_names()
            ),
        ]

    def vcard_names(self):
        """[(file name, contact)], made unique for two people of the same name."""
        named, taken = [], set()
        for contact in self.contacts:
            name = vcards.filename(contact)
            if name in taken:
                name = f"{name.removesuffix('.vcf')}-{contact.pk}.vcf"
            taken.add(name)
            named.append((name, contact))
        return named

    @property
    def source_url(self):
        return self.request.build_absolute_uri(self.release.get_absolute_url())

    def embargo_notice(self):
        when = date_format(timezone.localtime(self.embargoed_until), "DATETIME_FORMAT")
        return _("EMBARGOED until %(when)s. Do not publish, broadcast or share before then.") % {
            "when": when
        }

    def text(self):
        release = self.release
        published = date_format(timezone.localtime(release.publish_at), "DATE_FORMAT")
        parts = [self.embargo_notice()] if self.embargoed_until else []
        parts += [
            release.title,
            f"{release.kind_label} · {published}",
            plain_text(release.body_with_dateline),
        ]
        if self.contacts:
            parts.append(_("For more information, please contact"))
            parts += [contact_text(contact) for contact in self.contacts]
        parts.append(self.source_url)
        return "\n\n".join(parts) + "\n"

    def html(self):
        image_name, image = self.images[0] if self.images else ("", None)
        return render_to_string(
            "news/press_kit_release.html",
            {
                "kit": self,
                "release": self.release,
                "image": image,
                "image_name": image_name,  # beside the HTML file once the ZIP is opened
                "published": timezone.localtime(self.release.publish_at),
            },
        )

    def credits(self):
        parts = [
            self.release.title,
            _("Text: %(site)s, %(url)s") % {"site": site_name(), "url": self.source_url},
        ]
        for name, image in self.images:
            lines = [name]
            if image.caption:
                lines.append(_("Caption: %(caption)s") % {"caption": image.caption})
            if image.credit:
                lines.append(_("Credit: © %(credit)s") % {"credit": image.credit})
            if image.alt:
                lines.append(_("Description: %(alt)s") % {"alt": image.alt})
            parts.append("\n".join(lines))
        if not self.images:
            parts.append(_("This release has no images."))
        return "\n\n".join(parts) + "\n"


def image_extension(image):
    extension = os.path.splitext(image.file.name)[1].lower()
    return extension if extension in IMAGE_EXTENSIONS else ""


def vcard_bytes(contact):
    return vcards.vcard(contact).encode()


def contact_text(contact):
    lines = [contact.name, contact.job_title, contact.office.name if contact.office else ""]
    lines.append(_("Email: %(email)s") % {"email": contact.email})
    if contact.phone:
        lines.append(_("Tel.: %(phone)s") % {"phone": phones.display(contact.phone)})
    if contact.mobile:
        lines.append(_("Mobile: %(phone)s") % {"phone": phones.display(contact.mobile)})
    return "\n".join(line for line in lines if line)


# Marks put into the parsed HTML where paragraphs and line breaks end, then turned into blank
# lines and newlines once the source's own whitespace has been collapsed.
PARAGRAPH, LINE = "\x1d", "\x1e"
BLOCKS = ["p", "h2", "h3", "h4", "li", "blockquote", "figcaption", "caption", "tr", "hr"]


def plain_text(html):
    """Sanitized rich text as plain paragraphs, links spelled out: what a journalist pastes."""
    soup = BeautifulSoup(html.replace(PARAGRAPH, "").replace(LINE, ""), "html.parser")
    for link in soup.find_all("a", href=True):
        address = link["href"].removeprefix("mailto:")
        if address not in link.get_text():
            link.append(f" ({address})")
    for br in soup.find_all("br"):
        br.replace_with(LINE)
    for item in soup.find_all("li"):
        if item.parent.name == "ol":
            item.insert(0, f"{item.parent.find_all('li', recursive=False).index(item) + 1}. ")
        else:
            item.insert(0, "- ")
    for cell in soup.find_all(["td", "th"]):
        if cell.find_previous_sibling(["td", "th"]):
            cell.insert(0, " | ")
    for block in soup.find_all(BLOCKS):
        block.insert_before(PARAGRAPH)
        block.insert_after(PARAGRAPH)
    paragraphs = (
        "\n".join(filter(None, (" ".join(line.split()) for line in chunk.split(LINE))))
        for chunk in soup.get_text().split(PARAGRAPH)
    )
    return "\n\n".join(filter(None, paragraphs))


class Pipe:
    """A write-only file that keeps what is written until it is taken. It cannot tell or seek,
    so zipfile writes each member's size and checksum after its data, never going back."""

    def __init__(self):
        self.pieces = []

    def write(self, data):
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.pieces)
        self.pieces.clear()
        return data


def zip_stream(members, modified):
    """The ZIP of these members, in pieces: each piece is written only when the last was sent."""
    return (piece for piece in _zip_pieces(members, modified) if piece)


def _zip_pieces(members, modified):
    pipe = Pipe()
    date_time = timezone.localtime(modified).timetuple()[:6]
    with zipfile.ZipFile(pipe, "w") as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time)
            if member.image is None:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, member.render())
            elif source := open_image(member.image):
                with source, archive.open(info, "w") as target:
                    for chunk in source.chunks(CHUNK_BYTES):
                        target.write(chunk)
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()  # the central directory, written when the archive closes


def open_image(image):
    """The image's file in storage, or None if it is missing there (media not restored with
    the database): the kit then leaves it out rather than breaking off the download."""
    try:
        return image.file.storage.open(image.file.name, "rb")
    except OSError:
        logger.warning("Press kit: image %s is missing from storage", image.file.name)
        return None


def kit_contacts(release):
    """The release's active press contacts, in order, with what their vCards show."""
    links = release.release_contacts.filter(contact__active=True).select_related(
        "contact__office__country"
    )
    return [link.contact for link in links]


def press_kit_response(kit):
    response = StreamingHttpResponse(
        zip_stream(kit.members(), kit.release.updated_at), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(True, kit.filename)
    return response


def release_press_kit(request, slug):
    """The press kit of a live release: never a draft's, a scheduled or an expired one's."""
    releases = Release.objects.live().select_related("dateline_country", "image")
    release = get_object_or_404(releases.defer("search_vector"), slug=slug)
    response = press_kit_response(PressKit(request, release, kit_contacts(release)))
    # Public for as long as the release page is, which the page cache would say, but it keeps
    # no streamed response.
    seconds = seconds_until_next_scheduled_change(longest=settings.PAGE_CACHE_SECONDS)
    patch_cache_control(
        response,
        public=True,
        max_age=min(seconds, settings.PAGE_CACHE_BROWSER_SECONDS),
        s_maxage=min(seconds, settings.PAGE_CACHE_CDN_SECONDS),
    )
    return response


@through_embargo_link(lambda release: reverse("news:press-kit", args=[release.slug]))
def embargoed_press_kit(request, release):
    kit = PressKit(request, release, kit_contacts(release), embargoed_until=release.publish_at)
    return press_kit_response(kit)
