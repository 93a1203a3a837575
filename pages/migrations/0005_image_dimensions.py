from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import migrations


def record_dimensions(apps, schema_editor):
    """Images uploaded before their size was stored: read it once here, not on every page."""
    Image = apps.get_model("pages", "Image")
    for image in Image.objects.filter(width__isnull=True).exclude(file="").iterator():
        if default_storage.exists(image.file.name):
            with default_storage.open(image.file.name) as handle:
                image.width, image.height = get_image_dimensions(handle)
            image.save(update_fields=["width", "height"])


class Migration(migrations.Migration):
    dependencies = [("pages", "0004_search_vector")]

    operations = [migrations.RunPython(record_dimensions, migrations.RunPython.noop)]
