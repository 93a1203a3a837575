"""Whom a sign-in attempt counts against, for django-axes: an account name and an address,
both cleaned so that no request can make the attempt log itself fail."""

import ipaddress

from django.conf import settings

# No account has a longer name, and the attempt log stores at most 255 characters.
USERNAME_MAX_LENGTH = 150


def attempted_username(request, credentials=None):
    source = credentials or getattr(request, "data", request.POST)
    username = str(source.get("username") or "")
    return username.replace("\x00", "")[:USERNAME_MAX_LENGTH]


def is_ip_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request):
    """The visitor's address: the connection's own, or the one the trusted load balancers
    in front of the app (DJANGO_TRUSTED_PROXY_COUNT of them) added to X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and len(forwarded) >= proxies and is_ip_address(forwarded[-proxies]):
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
