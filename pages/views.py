from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse

from .models import Page
from .publishing import cached_until_change, mark_preview, visible_to


def page_detail(request, path):
    page = get_object_or_404(
        visible_to(request, Page.objects.select_related("hero_image")), path=f"{path}/"
    )
    ancestors = page.ancestors()
    section = ancestors[0] if ancestors else page
    section_pages = list(Page.objects.live().filter(parent=section, show_in_menu=True))
    child_pages = (
        section_pages if section == page else list(Page.objects.live().filter(parent=page))
    )
    template = select_template([page.template_name or "pages/page_detail.html"])
    response = TemplateResponse(
        request,
        template,
        {
            "page": page,
            "ancestors": ancestors,
            "section": section,
            "section_pages": section_pages,
            "child_pages": child_pages,
        },
    )
    return mark_preview(response, page)


def section_page(path):
    """The live page an app uses for its index title and intro, e.g. "news/", or None."""
    return cached_until_change(
        f"section-page:{path}", lambda: Page.objects.live().filter(path=path).first()
    )
