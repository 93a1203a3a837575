"""Serving uploads from local disk, for `make run` (production serves them from object storage).

Only image types are served inline; anything else is sent as a download, and the sandbox
policy stops a file from running script even if a browser were tricked into rendering it.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.static import serve

INLINE_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
MEDIA_CSP = {"default-src": [CSP.NONE], "sandbox": True}


@csp_override(MEDIA_CSP)
def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = INLINE_CONTENT_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type:
        response["Content-Type"] = content_type
        response["Content-Disposition"] = "inline"
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
