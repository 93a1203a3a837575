"""Upload checks and renditions for the media library, with Pillow.

Renditions are made once when an image is saved and their paths are stored on the
image itself, so showing an image never costs a query or a resize.
"""

import hashlib
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

# name -> (aspect ratio or None to keep the original's, widths in pixels)
RENDITION_SPECS = {
    "card": (3 / 2, (400, 800)),
    "wide": (None, (640, 1280, 1920)),
}


def validate_image_file(upload):
    """Refuse what is not a real JPEG, PNG, WebP or GIF, by content, before it is stored."""
    if getattr(upload, "_committed", False):
        return  # a file already stored was checked when it was uploaded
    if upload.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            }
        )
    upload.seek(0)
    try:
        # Opening reads only the header, so a decompression bomb is refused before decoding.
        with PILImage.open(upload) as image:
            image_format, (width, height) = image.format, image.size
    except PILImage.DecompressionBombError as error:
        raise ValidationError(
            _("The image has far more pixels than the limit of %(limit)d megapixels.")
            % {"limit": settings.IMAGE_MAX_PIXELS // 10**6}
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image we can use. Upload a JPEG, PNG, WebP or GIF.")
        ) from error
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF.")
            % {"format": image_format}
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)d×%(height)d pixels; the limit is %(limit)d megapixels.")
            % {"width": width, "height": height, "limit": settings.IMAGE_MAX_PIXELS // 10**6}
        )


# Image info that is about the pixels, not about where, when or with what they were taken.
PIXEL_INFO = ("transparency", "duration", "loop", "background", "disposal")
ORIENTATION_TAG = 0x0112
STORED_ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92},
    "PNG": {},
    "WEBP": {"quality": 92},
    "GIF": {"save_all": True},
}


def without_metadata(upload):
    """The uploaded image's bytes with its pixels only: no EXIF (GPS, camera), XMP or comments.
    Images rotated by their EXIF orientation are turned upright first, as browsers show them."""
    upload.seek(0)
    buffer = BytesIO()
    with PILImage.open(upload) as image:
        image_format = image.format
        options = dict(STORED_ORIGINAL_OPTIONS[image_format])
        if icc_profile := image.info.get("icc_profile"):
            options["icc_profile"] = icc_profile
        if image_format == "JPEG" and image.getexif().get(ORIENTATION_TAG, 1) == 1:
            # The original's own quantization: saving it again loses nothing visible.
            clean, options["quality"], options["subsampling"] = image, "keep", "keep"
        elif image_format == "GIF":
            clean = image  # keeps its frames; GIFs carry no EXIF orientation
        else:
            clean = ImageOps.exif_transpose(image)
        clean.info = {key: image.info[key] for key in PIXEL_INFO if key in image.info}
        clean.save(buffer, image_format, **options)
    upload.seek(0)
    return buffer.getvalue()


class LibraryImageFormField(forms.ImageField):
    """Our checks first, with messages that say what is wrong, before Django's own
    "not a valid image", which would also catch a decompression bomb but not say so."""

    def to_python(self, data):
        if data:
            validate_image_file(data)
        return super().to_python(data)


def crop_box(size, aspect, focal_x, focal_y):
    """The largest box of the given aspect ratio, centred on the focal point (in percent)."""
    width, height = size
    if aspect is None:
        return (0, 0, width, height)
    if width / height > aspect:
        box_width, box_height = round(height * aspect), height
    else:
        box_width, box_height = width, round(width / aspect)
    left = min(max(round(width * focal_x / 100 - box_width / 2), 0), width - box_width)
    top = min(max(round(height * focal_y / 100 - box_height / 2), 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


ENCODER_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 4},
    "PNG": {"optimize": True},
}


def _encode(image, image_format):
    # No exif= argument: renditions carry pixels only, never GPS or camera metadata.
    buffer = BytesIO()
    if image_format == "JPEG":
        image = image.convert("RGB")
    image.save(buffer, image_format, **ENCODER_OPTIONS[image_format])
    return buffer.getvalue()


def rendition_source(image_record):
    """What the renditions are made from: they are made again only when this changes."""
    return f"{image_record.file.name}@{image_record.focal_x},{image_record.focal_y}"


def make_renditions(image_record):
    """Write every rendition of an Image record; returns the mapping stored on it.

    File names carry a hash of their source, so a new crop never hides behind a cached old one.
    """
    source = rendition_source(image_record)
    token = hashlib.sha256(source.encode()).hexdigest()[:8]
    renditions = {"source": source}
    with image_record.file.open("rb") as handle, PILImage.open(handle) as original:
        original = ImageOps.exif_transpose(original)
        has_alpha = original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info
        original = original.convert("RGBA" if has_alpha else "RGB")
        fallback = "PNG" if has_alpha else "JPEG"
        for name, (aspect, widths) in RENDITION_SPECS.items():
            cropped = original.crop(
                crop_box(original.size, aspect, image_record.focal_x, image_record.focal_y)
            )
            sizes = []
            for width in widths:
                width = min(width, cropped.width)  # never upscale: the original size is the last
                height = round(cropped.height * width / cropped.width)
                resized = cropped.resize((width, height), PILImage.Resampling.LANCZOS)
                entry = {"width": width, "height": height}
                for image_format in ("WEBP", fallback):
                    path = (
                        f"renditions/{image_record.pk}/{name}-{width}-{token}"
                        f".{image_format.lower()}"
                    )
                    default_storage.delete(path)
                    key = image_format.lower() if image_format == "WEBP" else "fallback"
                    data = _encode(resized, image_format)
                    entry[key] = default_storage.save(path, ContentFile(data))
                    # Feeds announce an enclosure's length without asking the storage.
                    entry[f"{key}_bytes"] = len(data)
                sizes.append(entry)
                if width == cropped.width:
                    break
            renditions[name] = sizes
    return renditions


def rendition_paths(renditions):
    return {
        path
        for name in RENDITION_SPECS
        for size in renditions.get(name, [])
        for path in (size.get("webp"), size.get("fallback"))
        if path
    }


def delete_renditions(renditions, keep=None):
    """Remove rendition files no longer used, e.g. after the image or its focal point changed."""
    for path in rendition_paths(renditions) - rendition_paths(keep or {}):
        default_storage.delete(path)
