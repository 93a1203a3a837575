import struct
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from reversion.models import Version

from pages.models import Image
from tests.admin_forms import admin_form_data
from tests.factories import image_upload, make_image

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def upload(client, file, **fields):
    data = {"title": "Arrivals", "alt_text": "People arrive", "focal_x": 50, "focal_y": 50}
    data.update(fields)
    return client.post(reverse("admin:pages_image_add"), {"file": file, **data})


def form_errors(response):
    return str(response.context["adminform"].form.errors)


def jpeg_with_gps():
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (46.0, 13.0, 29.0), 3: "E", 4: (6.0, 8.0, 30.0)})
    buffer = BytesIO()
    PILImage.new("RGB", (900, 600), "teal").save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("geneva.jpg", buffer.getvalue(), content_type="image/jpeg")


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def decompression_bomb():
    """A 40 KB PNG that would take 400 million pixels to decode."""
    side = 20_000
    row = b"\x00" + bytes(side // 8)  # filter byte, then one bit per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row * 1000) for _ in range(side // 1000))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    content = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )
    return content


def test_gps_exif_is_stripped_from_the_original_and_every_rendition(staff_client, media_root):
    assert upload(staff_client, jpeg_with_gps()).status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by.username == "chief"
    paths = [image.file.name, *(path for path in _rendition_paths(image))]
    assert len(paths) > 4
    for path in paths:
        with default_storage.open(path) as handle:
            content = handle.read()
        assert b"PhoneMaker" not in content, path
        with PILImage.open(BytesIO(content)) as stored:
            assert not stored.getexif(), path
            assert "exif" not in stored.info, path


def test_an_upload_stores_its_dimensions_so_pages_never_open_the_file(staff_client):
    assert upload(staff_client, jpeg_with_gps()).status_code == 302
    assert Image.objects.values_list("width", "height").get() == (900, 600)


def _rendition_paths(image):
    for name, sizes in image.renditions.items():
        if name != "source":
            for size in sizes:
                yield size["webp"]
                yield size["fallback"]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>", "image/jpeg"),
    ],
)
def test_non_images_are_refused_by_content_and_nothing_is_stored(
    staff_client, media_root, name, content, content_type
):
    response = upload(staff_client, SimpleUploadedFile(name, content, content_type=content_type))
    assert response.status_code == 200
    assert "not an image we can use" in form_errors(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_a_decompression_bomb_is_refused_quickly_and_nothing_is_stored(
    staff_client, media_root, decompression_bomb
):
    bomb = SimpleUploadedFile("bomb.png", decompression_bomb, content_type="image/png")
    started = time.perf_counter()
    response = upload(staff_client, bomb)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "far more pixels than the limit of 50 megapixels" in form_errors(response)
    assert elapsed < 1.0
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_pixel_and_size_limits_are_form_errors(staff_client, settings, media_root):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = upload(staff_client, image_upload(size=(1200, 1000)))
    assert "the limit is 1 megapixels" in form_errors(response)

    settings.IMAGE_MAX_UPLOAD_BYTES = 1024
    response = upload(staff_client, image_upload(size=(400, 300), image_format="PNG"))
    assert "the limit is 1.0\xa0KB" in form_errors(response)
    assert stored_files(media_root) == []


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "GIF"])
def test_png_webp_and_gif_are_accepted(staff_client, image_format):
    file = image_upload(name=f"chart.{image_format.lower()}", image_format=image_format)
    assert upload(staff_client, file).status_code == 302
    image = Image.objects.get()
    assert image.rendition_set("card") and image.rendition_set("wide")


def test_renditions_are_made_once_and_again_only_when_the_crop_changes(staff_client, media_root):
    image = make_image(file=image_upload(size=(1000, 1000)))
    first = image.renditions
    card = default_storage.path(first["card"][0]["webp"])
    made_at = Path(card).stat().st_mtime_ns

    url = reverse("admin:pages_image_change", args=[image.pk])
    fields = {"title": "Renamed", "alt_text": "People", "focal_x": 50, "focal_y": 50}
    assert staff_client.post(url, fields).status_code == 302
    image.refresh_from_db()
    assert image.title == "Renamed"
    assert image.renditions == first
    assert Path(card).stat().st_mtime_ns == made_at

    assert staff_client.post(url, {**fields, "focal_x": 10}).status_code == 302
    image.refresh_from_db()
    assert image.renditions["card"][0]["webp"] != first["card"][0]["webp"]
    assert default_storage.exists(image.renditions["card"][0]["webp"])
    assert not Path(card).exists()


def test_the_library_is_searchable_with_thumbnails(staff_client):
    make_image(title="Water point", alt_text="Families queue for water")
    make_image(title="Boat", alt_text="A boat at sea")
    response = staff_client.get(reverse("admin:pages_image_changelist"), {"q": "water"})
    html = response.content.decode()
    assert "Water point" in html and "Boat" not in html
    assert html.count("/media/renditions/") == 1

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "news", "model_name": "release", "field_name": "image", "term": "boat"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Boat"]


def test_a_deleted_image_is_recovered_with_fresh_renditions(staff_client):
    image = make_image(title="Boat")
    delete_url = reverse("admin:pages_image_delete", args=[image.pk])
    change_url = reverse("admin:pages_image_change", args=[image.pk])
    staff_client.post(
        change_url, {"title": "Boat", "alt_text": "A boat", "focal_x": 50, "focal_y": 50}
    )
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not default_storage.exists(image.renditions["card"][0]["webp"])

    deleted = Version.objects.get_deleted(Image).get()
    url = reverse("admin:pages_image_recover", args=[deleted.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    recovered = Image.objects.get()
    assert default_storage.exists(recovered.renditions["card"][0]["webp"])
