from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pages.seo import breadcrumb_list, jsonld_script

from .languages import open_graph_locales

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_link(context):
    """The page's absolute address without its query string, so tracking parameters never
    split a page in two; a view may name another (a release read under another language's
    prefix is at home under its own). Pages whose query string matters (the newsroom)
    override it."""
    request = context.get("request")
    if request is None:  # error pages rendered without a request
        return ""
    path = context.get("canonical_path", request.path)
    return format_html('<link rel="canonical" href="{}">', request.build_absolute_uri(path))


@register.simple_tag(takes_context=True)
def breadcrumbs_jsonld(context, *crumbs):
    """A JSON-LD BreadcrumbList from Home down: each crumb is an object with
    get_absolute_url(), a list of them, or a label followed by its URL:
    {% breadcrumbs_jsonld ancestors page %}, {% breadcrumbs_jsonld _("News") news_url release %}."""
    items = []
    for crumb in crumbs:
        items.extend(crumb if isinstance(crumb, list | tuple) else [crumb])
    trail = [(_("Home"), reverse("home"))]
    items = iter(items)
    for item in items:
        if hasattr(item, "get_absolute_url"):
            trail.append((getattr(item, "title", None) or str(item), item.get_absolute_url()))
        else:
            trail.append((item, next(items)))
    return jsonld_script(breadcrumb_list(context["request"], trail), "breadcrumbs-jsonld")


@register.inclusion_tag("includes/social_meta.html", takes_context=True)
def social_meta(
    context, title, description="", image=None, published=None, language=None, **article
):
    """Open Graph and Twitter card tags; image is a pages.Image or None. Given a published
    time, the page is an article: modified, section and tags may follow as keywords.
    `language` is the content's, if not the page's."""
    request = context["request"]
    locale, locale_alternates = open_graph_locales(context, language or get_language())
    rendition = image.largest_rendition() if image else None
    if rendition:
        rendition = rendition | {"url": request.build_absolute_uri(rendition["url"])}
    return {
        "title": title,
        "description": description,
        "url": request.build_absolute_uri(context.get("canonical_path", request.path)),
        "locale": locale,
        "locale_alternates": locale_alternates,
        "og_type": "article" if published else "website",
        "image": rendition,
        "image_alt": image.alt if image else "",
        "site_name": context.get("site_name", ""),
        "article": article | {"published": published} if published else None,
    }
