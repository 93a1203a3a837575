from django import template
from django.urls import reverse
from django.utils.html import format_html

from pages.seo import jsonld_script, organization

register = template.Library()


def news_article(request, release, tags):
    publisher = organization(request)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "description": release.summary,
        "url": request.build_absolute_uri(release.canonical_url),
        "mainEntityOfPage": request.build_absolute_uri(release.canonical_url),
        "datePublished": release.publish_at,
        "dateModified": release.updated_at,
        "articleSection": release.kind_label,
        "inLanguage": release.language,
        "keywords": [tag.name for tag in tags],
        "author": publisher,
        "publisher": publisher,
    }
    if release.dateline_text:
        article["dateline"] = release.dateline_text
    if release.dateline_country_id:
        country = release.dateline_country
        article["contentLocation"] = {
            "@type": "Place",
            "name": country.name,
            "address": {"@type": "PostalAddress", "addressCountry": country.code},
        }
    rendition = release.image.largest_rendition() if release.image else None
    if rendition:
        article["image"] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(rendition["url"]),
            "width": rendition["width"],
            "height": rendition["height"],
            "caption": release.image.alt,
        }
    return article


@register.simple_tag(takes_context=True)
def news_article_jsonld(context, release, tags):
    return jsonld_script(news_article(context["request"], release, tags), "article-jsonld")


@register.simple_tag(takes_context=True)
def newsroom_links(context):
    """For the newsroom: its canonical address, keeping only the filters that apply and the
    page number after the first, and its RSS and Atom feeds with the same filters."""
    request = context["request"]
    feed_query = context.get("query_string", "")  # the view's cleaned filters
    page_obj = context.get("page_obj")
    page = f"page={page_obj.number}" if page_obj and page_obj.number > 1 else ""
    canonical = request.build_absolute_uri(reverse("news:list"))
    if query := "&".join(filter(None, [feed_query, page])):
        canonical += f"?{query}"
    return format_html(
        '<link rel="canonical" href="{}">\n  {}',
        canonical,
        feed_links(context, feed_query),
    )


@register.simple_tag(takes_context=True)
def feed_links(context, query_string="", label=""):
    """<link rel="alternate"> to the RSS and Atom feeds of the newsroom, filtered by the
    query string."""
    request = context["request"]
    title = " – ".join(filter(None, [f"{context.get('site_short_name', '')} news", label]))
    suffix = f"?{query_string}" if query_string else ""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{} (RSS)" href="{}">\n  '
        '<link rel="alternate" type="application/atom+xml" title="{} (Atom)" href="{}">',
        title,
        request.build_absolute_uri(reverse("news:feed")) + suffix,
        title,
        request.build_absolute_uri(reverse("news:atom")) + suffix,
    )
