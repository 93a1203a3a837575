from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html

register = template.Library()


def _srcset(sizes, key):
    return ", ".join(f"{default_storage.url(size[key])} {size['width']}w" for size in sizes)


@register.simple_tag
def picture(image, spec, sizes="100vw", loading="lazy", css_class=""):
    """A responsive <picture>: WebP for browsers that take it, JPEG or PNG for the rest."""
    renditions = image.rendition_set(spec) if image else []
    if not renditions:
        return ""
    fallback = renditions[-1]
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}"'
        ' decoding="async" class="{}"></picture>',
        _srcset(renditions, "webp"),
        sizes,
        default_storage.url(renditions[0]["fallback"]),
        _srcset(renditions, "fallback"),
        sizes,
        fallback["width"],
        fallback["height"],
        image.alt,
        loading,
        css_class,
    )
