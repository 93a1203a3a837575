import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from pages.models import Image
from tests.factories import image_upload

pytestmark = pytest.mark.django_db


def upload(admin_client, name):
    response = admin_client.post(
        "/admin/pages/image/add/",
        {
            "file": image_upload(name),
            "title": "Upload",
            "alt_text": "A field",
            "focal_x": 50,
            "focal_y": 50,
        },
    )
    assert response.status_code == 302
    return Image.objects.latest()


def test_uploaded_file_names_are_cleaned_and_made_unique(admin_client):
    first = upload(admin_client, "../../evil<>.jpg")
    second = upload(admin_client, "../../evil<>.jpg")
    for image in (first, second):
        assert re.fullmatch(r"images/\d{4}/\d{2}/evil-[0-9a-f]{8}\.jpg", image.file.name)
        assert Path(image.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert first.file.name != second.file.name


def test_spaces_and_capitals_become_a_plain_name(admin_client):
    image = upload(admin_client, 'My Photo (1) "onerror=x.JPG')
    assert re.fullmatch(r"images/\d{4}/\d{2}/my-photo-1-onerrorx-[0-9a-f]{8}\.jpg", image.file.name)


def test_a_name_with_nothing_usable_still_gets_a_safe_name(admin_client):
    image = upload(admin_client, "<>.png")
    assert re.fullmatch(r"images/\d{4}/\d{2}/file-[0-9a-f]{8}\.png", image.file.name)


@pytest.fixture
def media_files():
    root = Path(settings.MEDIA_ROOT) / "test-serving"
    root.mkdir(parents=True, exist_ok=True)
    (root / "photo.jpg").write_bytes(image_upload().read())
    (root / "page.html").write_text("<script>alert(1)</script>")
    (root / "trick.jpg.svg").write_text("<svg onload='alert(1)'></svg>")
    return "/media/test-serving/"


@pytest.mark.urls("tests.pages.media_urls")
def test_local_media_is_served_with_safe_headers(client, media_files):
    photo = client.get(media_files + "photo.jpg")
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Content-Disposition"] == "inline"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert photo["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for name in ("page.html", "trick.jpg.svg"):
        response = client.get(media_files + name)
        assert response["Content-Type"] == "application/octet-stream", name
        assert response["Content-Disposition"] == "attachment", name
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.urls("tests.pages.media_urls")
def test_local_media_cannot_climb_out_of_the_media_folder(client, media_files):
    for url in ("/media/../settings.py", "/media/%2e%2e/%2e%2e/etc/passwd", "/media/%2fetc/passwd"):
        assert client.get(url).status_code in (400, 404), url


@pytest.mark.parametrize(
    "name, content",
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("photo.jpg.html", b"<script>alert(1)</script>"),
    ],
)
def test_files_that_are_not_images_are_refused_and_not_stored(admin_client, name, content):
    before = {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}
    response = admin_client.post(
        "/admin/pages/image/add/",
        {
            "file": SimpleUploadedFile(name, content, content_type="image/jpeg"),
            "title": "Upload",
            "alt_text": "A field",
            "focal_x": 50,
            "focal_y": 50,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Image.objects.exists()
    assert {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()} == before
