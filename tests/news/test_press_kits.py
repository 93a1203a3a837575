import io
import os
import re
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from news.models import Release
from tests.contacts.test_vcards import parse_vcard, single
from tests.factories import (
    image_upload,
    in_hours,
    make_contact,
    make_embargo_link,
    make_image,
    make_release,
    make_staff_user,
    yesterday,
)

pytestmark = pytest.mark.django_db


def kit_url(release):
    return reverse("news:press-kit", args=[release.slug])


def embargo_kit_url(link):
    return reverse("news:embargo-press-kit", args=[link.token])


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None  # every member's checksum holds
    return response, archive


def text(archive, name):
    return archive.read(name).decode("utf-8")


def kit_link(page):
    """(address, number of files) of the page's "Download press kit" link, or None."""
    found = re.search(
        r'<a class="button" href="([^"]+)"[^>]*>Download press kit \(ZIP, (\d+) files', page
    )
    return (found[1], int(found[2])) if found else None


def test_the_seed_release_has_a_press_kit_with_its_text_html_credits_and_contact(client):
    call_command("load_demo", verbosity=0)
    release = Release.objects.get(language="en")
    stem = release.slug

    url, files = kit_link(client.get(release.get_absolute_url()).text)
    response, archive = download(client, url)

    assert url == kit_url(release)
    names = archive.namelist()
    assert names == [f"{stem}.txt", f"{stem}.html", "credits.txt", "contacts/ellen-wong.vcf"]
    assert files == len(names)
    assert response["Content-Disposition"] == f'attachment; filename="{stem}-press-kit.zip"'
    plain = text(archive, f"{stem}.txt")
    assert plain.startswith(f"{release.title}\n\nPress release · ")
    assert "\n\nChina – Migration flows between China and the European Union" in plain
    assert (
        "For more information, please contact\n\nEllen Wong\nIOM Beijing\nEmail: ewong@iom.int"
        in plain
    )
    assert "<" not in plain
    html = text(archive, f"{stem}.html")
    assert html.startswith("<!DOCTYPE html>")
    assert f"<h1>{release.title}</h1>" in html
    assert '<span class="dateline">China</span> – Migration flows' in html
    assert "This release has no images." in text(archive, "credits.txt")
    card = parse_vcard(archive.read("contacts/ellen-wong.vcf"))
    assert single(card, "TEL") == ["+8618501187152"]
    assert single(card, "EMAIL") == ["ewong@iom.int"]


def test_a_kit_holds_the_image_at_full_size_with_its_caption_and_credit(client):
    image = make_image(
        file=image_upload("../../Évian <b>.JPG", size=(2400, 1600)),
        caption="Families queue for water in Cox's Bazar",
        credit="IOM/Amanda Nero",
        alt_text="A queue of families at a water point",
    )
    release = make_release("Water for Cox's Bazar", image=image)
    _, archive = download(client, kit_url(release))

    image_name = f"images/{release.slug}-1.jpg"
    assert image_name in archive.namelist()
    with image.file.open("rb") as stored:
        assert archive.read(image_name) == stored.read()
    assert archive.getinfo(image_name).compress_type == zipfile.ZIP_STORED
    credits = text(archive, "credits.txt")
    assert (
        f"{image_name}\nCaption: Families queue for water in Cox's Bazar\nCredit: © IOM/Amanda Nero"
        in credits
    )
    html = text(archive, f"{release.slug}.html")
    assert f'<img src="{image_name}" alt="A queue of families at a water point"' in html
    # Names come from the release's slug alone: nothing from the upload reaches the archive.
    for name in archive.namelist():
        assert not name.startswith("/") and ".." not in name and "vian" not in name


def test_the_html_copy_is_escaped_and_the_text_copy_spells_out_links_and_lists(client):
    body = (
        '<p>See <a href="https://example.org/report">the report</a> and write to '
        '<a href="mailto:press@iom.int">press@iom.int</a>.</p>'
        "<ul><li>Food</li><li>Shelter</li></ul><ol><li>First</li><li>Second</li></ol>"
        "<p>Line one<br>Line two</p><script>alert(1)</script>"
    )
    release = make_release('<b>Aid</b> & "relief"', body=body)
    _, archive = download(client, kit_url(release))

    html = text(archive, f"{release.slug}.html")
    assert "<title>&lt;b&gt;Aid&lt;/b&gt; &amp; &quot;relief&quot;</title>" in html
    assert "<script" not in html and "alert(1)" not in html
    plain = text(archive, f"{release.slug}.txt")
    assert plain.startswith('<b>Aid</b> & "relief"\n')  # plain text: as written
    assert (
        "See the report (https://example.org/report) and write to press@iom.int.\n\n"
        "- Food\n\n- Shelter\n\n1. First\n\n2. Second\n\nLine one\nLine two\n\n"
    ) in plain


def test_the_kit_has_a_vcard_for_each_active_contact_in_order(client):
    first = make_contact("Ana Ruiz")
    gone = make_contact("Left Organization", active=False)
    namesake = make_contact("Ana Ruiz")
    release = make_release(contacts=[first, gone, namesake])
    url, files = kit_link(client.get(release.get_absolute_url()).text)
    _, archive = download(client, url)
    vcards = [name for name in archive.namelist() if name.startswith("contacts/")]
    assert vcards == ["contacts/ana-ruiz.vcf", f"contacts/ana-ruiz-{namesake.pk}.vcf"]
    assert single(parse_vcard(archive.read(vcards[1])), "EMAIL") == [namesake.email]
    assert files == len(archive.namelist())
    assert gone.name not in text(archive, f"{release.slug}.txt")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "draft"},
        {"publish_at": in_hours(2)},
        {"publish_at": yesterday(), "unpublish_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_no_kit_for_a_release_that_is_not_live(client, fields):
    release = make_release(**fields)
    assert client.get(kit_url(release)).status_code == 404


def test_staff_previewing_a_draft_see_no_kit_link(client):
    release = make_release(status="draft")
    client.force_login(make_staff_user("news.change_release"))
    page = client.get(release.get_absolute_url())
    assert page.status_code == 200
    assert kit_link(page.text) is None
    assert client.get(kit_url(release)).status_code == 404


@pytest.mark.parametrize("slug", ["no-such-release", "x" * 300])
def test_unknown_release_has_no_kit(client, slug):
    assert client.get(f"/news/{slug}/press-kit.zip").status_code == 404


def test_a_public_kit_is_cacheable_and_sets_no_cookie(client):
    response, _ = download(client, kit_url(make_release()))
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def noise_upload(width, height):
    """A PNG of random pixels, which no compression shrinks: about width × height × 3 bytes."""
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return SimpleUploadedFile("noise.png", buffer.getvalue(), content_type="image/png")


def test_a_kit_is_streamed_in_pieces_never_held_whole(client):
    release = make_release(image=make_image(file=noise_upload(700, 700)))  # about 1.5 MB
    response = client.get(kit_url(release))

    assert isinstance(response, StreamingHttpResponse)
    pieces = list(response.streaming_content)
    size = sum(map(len, pieces))
    assert len(pieces) > 3
    assert max(map(len, pieces)) < size / 2
    assert zipfile.ZipFile(io.BytesIO(b"".join(pieces))).testzip() is None


def test_an_image_missing_from_storage_is_left_out_of_a_valid_kit(client):
    image = make_image()
    release = make_release(image=image)
    image.file.storage.delete(image.file.name)
    _, archive = download(client, kit_url(release))
    assert not [name for name in archive.namelist() if name.startswith("images/")]
    assert "credits.txt" in archive.namelist()


def test_kit_queries_do_not_grow_with_contacts(client, django_assert_max_num_queries):
    contacts = [make_contact() for _ in range(15)]
    release = make_release(contacts=contacts, image=make_image())
    client.get(kit_url(release))
    with django_assert_max_num_queries(2):
        response, archive = download(client, kit_url(release))
    assert len(archive.namelist()) == 4 + 15


# Embargoed releases: only through their embargo link


@pytest.fixture
def scheduled():
    return make_release("Zanzibar seaweed farmers adapt", publish_at=in_hours(2),
                        contacts=[make_contact("Amina Said")])  # fmt: skip


def test_an_embargoed_kit_is_only_reached_through_its_embargo_link(client, scheduled):
    link = make_embargo_link(scheduled)
    assert client.get(kit_url(scheduled)).status_code == 404

    url, files = kit_link(client.get(link.get_absolute_url()).text)
    assert url == embargo_kit_url(link)
    response, archive = download(client, url)

    assert files == len(archive.namelist())
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    when = f"{timezone.localtime(scheduled.publish_at):%-d %B %Y, %H:%M} UTC"
    assert text(archive, f"{scheduled.slug}.txt").startswith(f"EMBARGOED until {when}.")
    assert f"EMBARGOED until {when}." in text(archive, f"{scheduled.slug}.html")


@pytest.mark.parametrize(
    "change",
    [{"revoked_at": timezone.now()}, {"expires_at": timezone.now() - timedelta(seconds=1)}],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_embargo_link_gives_no_kit(client, scheduled, change):
    link = make_embargo_link(scheduled, **change)
    assert client.get(embargo_kit_url(link)).status_code == 404


def test_an_embargo_link_gives_no_kit_once_the_release_is_a_draft_again(client, scheduled):
    link = make_embargo_link(scheduled)
    scheduled.status = "draft"
    scheduled.save()
    assert client.get(embargo_kit_url(link)).status_code == 404


@pytest.mark.parametrize("token", ["nope", "a" * 43])
def test_an_unknown_token_gives_no_kit(client, token):
    assert client.get(f"/news/embargo/{token}/press-kit.zip").status_code == 404


def test_once_the_embargo_lifts_the_private_kit_leads_to_the_public_one(client, scheduled):
    link = make_embargo_link(scheduled)
    with mock.patch("django.utils.timezone.now", return_value=in_hours(3)):
        response = client.get(embargo_kit_url(link))
    assert response.status_code == 302
    assert response["Location"] == kit_url(scheduled)


def test_embargoed_kit_queries_do_not_grow_with_contacts(
    client, django_assert_max_num_queries, scheduled
):
    for order in range(15):
        scheduled.release_contacts.create(contact=make_contact(), sort_order=order + 1)
    link = make_embargo_link(scheduled)
    with django_assert_max_num_queries(2):
        _, archive = download(client, embargo_kit_url(link))
    assert len(archive.namelist()) == 3 + 16
