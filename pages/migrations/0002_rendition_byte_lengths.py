from django.core.files.storage import default_storage
from django.db import migrations


def record_byte_lengths(apps, schema_editor):
    """Renditions made before their length was stored get it once, from the storage."""
    Image = apps.get_model("pages", "Image")
    for image in Image.objects.exclude(renditions={}).iterator():
        for sizes in image.renditions.values():
            for entry in sizes:
                for key in ("webp", "fallback"):
                    if key in entry and f"{key}_bytes" not in entry:
                        if default_storage.exists(entry[key]):
                            entry[f"{key}_bytes"] = default_storage.size(entry[key])
        image.save(update_fields=["renditions"])


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(record_byte_lengths, migrations.RunPython.noop)]
