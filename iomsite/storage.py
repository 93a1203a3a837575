"""Where uploads are stored, and under which names."""

import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils.text import get_valid_filename, slugify

MAX_STEM_LENGTH = 60


class RandomSuffixNames:
    """Uploaded files keep a cleaned-up version of their name plus a random suffix:
    `../../Evil <b>.JPG` is stored as `evil-b-3f9a1c2e.jpg`. Names carry no markup, path or
    spaces, cannot overwrite each other, and cannot be guessed from one another."""

    def get_valid_name(self, name):
        stem, extension = os.path.splitext(os.path.basename(name))
        stem = slugify(stem)[:MAX_STEM_LENGTH] or "file"
        extension = slugify(extension)[:10]
        name = f"{stem}-{secrets.token_hex(4)}"
        return get_valid_filename(f"{name}.{extension}" if extension else name)


class MediaStorage(RandomSuffixNames, FileSystemStorage):
    """Local media under MEDIA_ROOT; production puts the same mixin on its object storage."""
