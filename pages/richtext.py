"""Rich text that is sanitized on the server whatever the browser sent."""

import re

import nh3
from django.db import models
from django_prose_editor.fields import ProseEditorFormField

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "figure", "figcaption", "hr", "table",
    "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped with everything inside them, not just their tags: their text is never prose.
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "xml", "title", "head", "select", "textarea", "button",
}  # fmt: skip
# Paragraphs with nothing visible in them, as word processors and empty editors leave.
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")

# What the admin's editor offers; everything it makes is within ALLOWED_TAGS.
EDITOR_EXTENSIONS = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(ALLOWED_URL_SCHEMES)},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "History": True,
}


def sanitize_html(html):
    """Keep structure and links; drop scripts, event handlers, styles and unsafe URLs."""
    if not html:
        return ""
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return EMPTY_PARAGRAPH.sub("", html).strip()


class RichTextFormField(ProseEditorFormField):
    """The prose editor in forms; the same sanitizer as the model, applied before the
    required check (an empty editor sends "<p></p>"), so a form that comes back with
    errors already shows what will be stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return sanitize_html(super().to_python(value))


class RichTextField(models.TextField):
    """A TextField whose HTML is sanitized every time it is saved, edited with a
    WYSIWYG editor in the admin and every other model form."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
