"""Settings for every environment, read from environment variables.

Local defaults are safe for `make run`; production (DJANGO_DEBUG off) refuses to
start without the values it cannot guess.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def database_from_url(url):
    """Turn `postgres://user:pass@host:5432/name` or `sqlite:///path` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:////abs/path.db is absolute, sqlite:///var/db.sqlite3 relative (as dj-database-url)
        name = unquote(parts.path)[1:]
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or ":memory:"}
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": parts.port or "",
            # Persistent connections, checked before reuse so a restarted database is survived.
            "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite://, not {url!r}"
    )


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (a long random string), or DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin with this site's AdminSite (iomsite/admin_site.py) as the default site.
    "iomsite.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # intcomma: counts written as each language writes numbers
    "django.contrib.postgres",  # full-text and trigram search lookups (used on PostgreSQL only)
    "taggit",
    "django_prose_editor",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "pages",
    "contacts",
    "news",
    "iomsite",
]

MIDDLEWARE = [
    # Load balancer probes: answered before host checks, HTTPS redirects and logging.
    "iomsite.health.HealthCheckMiddleware",
    "iomsite.request_logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "iomsite.headers.PermissionsPolicyMiddleware",
    "iomsite.headers.AdminStylesPolicyMiddleware",
    "iomsite.faults.DatabaseUnavailableMiddleware",
    "iomsite.middleware.RejectMalformedRequestMiddleware",
    # Before the page cache: what a cached page holds depends on its language.
    "iomsite.languages.LanguageFromAddressMiddleware",
    # ETag/304 outside the page cache, so that cached pages are answered with 304 too.
    "django.middleware.http.ConditionalGetMiddleware",
    "iomsite.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pages.middleware.SlugRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iomsite.urls"
WSGI_APPLICATION = "iomsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the local SQLite database lives here
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite (`make run`): the development server and the task worker write the same file. Each
# waits for the other's lock rather than failing, takes it when its transaction begins (so
# no transaction fails halfway for want of it), and readers go on while one writes (WAL).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but an unreachable Redis is a cache miss, not a 500.
            "BACKEND": "iomsite.redis_cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "iomsite",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# {% cache %} fragments live in each process's memory, a lookup away rather than a round trip:
# their keys hold the content version, read from the shared cache, so every server drops
# them at once when content changes.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Whole pages for anonymous visitors (iomsite/cache.py). PAGE_CACHE=0 turns it off, e.g. to
# measure the site uncached; browsers and CDNs get the short lifetimes below.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = 3600
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "60"))
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "60"))
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/",)

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# How dates are written in each language (the `date` filter's "DATE_FORMAT").
FORMAT_MODULE_PATH = ["iomsite.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Media uploads: names are cleaned and given a random suffix (see iomsite/storage.py).
    "default": {"BACKEND": "iomsite.storage.MediaStorage"},
    # Hashed, compressed files served by whitenoise in production (after `collectstatic`).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

# Uploads above this size are refused by the image form before Pillow reads them.
IMAGE_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
IMAGE_MAX_PIXELS = 50_000_000

TAGGIT_CASE_INSENSITIVE = True

# The defaults are translated (pages.site_names); names set here are shown as they are.
SITE_NAME = os.environ.get("SITE_NAME", gettext_noop("International Organization for Migration"))
SITE_SHORT_NAME = os.environ.get("SITE_SHORT_NAME", gettext_noop("IOM"))

# Response headers. No page needs inline scripts or styles, nor anything from another origin;
# a view that ever needs an inline script gets CSP.NONCE through @csp_override.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # The nonce appears only where a page uses one: the admin's import map for the rich-text
    # editor. Public pages use none, so their policy is plain 'self'.
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
ADMIN_PATH = "admin/"
ADMIN_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The admin never reads the CSRF cookie from JavaScript, so scripts need not see it either.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Admin sign-in: after AXES_FAILURE_LIMIT failures, the account and the address are each
# refused for AXES_COOLOFF_TIME hours, with one answer whether the account exists or not.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "iomsite.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "iomsite.login_throttle.attempted_username"
# Lockouts are listed under "Access attempts" in the admin; logs keep no names or addresses.
AXES_VERBOSE = False
# How many proxies (load balancers) in front of the app append to X-Forwarded-For; 0 trusts
# only the connection's own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Staff must enter a one-time code from an authenticator app (TOTP devices, set up in the admin).
ADMIN_REQUIRE_2FA = env_bool("DJANGO_ADMIN_REQUIRE_2FA")
OTP_TOTP_ISSUER = f"{SITE_SHORT_NAME} website"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Work done outside requests (sending email alerts) runs through Django's tasks framework on
# the database the site already has: `manage.py db_worker` (django-tasks-db) runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email (Django's mailers): SMTP, to a relay on localhost:25 unless told otherwise; on a
# development machine without DJANGO_EMAIL_HOST, each message is written to a file in var/mail/.
# A mail server that stops answering must not hold a worker for long: see ALERTS_LEASE_SECONDS.
MAIL_SERVER_TIMEOUT = 10
if os.environ.get("DJANGO_EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST") or "localhost",
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
                "timeout": MAIL_SERVER_TIMEOUT,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": VAR_DIR / "mail"},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", f"{SITE_SHORT_NAME} newsroom <newsroom@localhost>"
)
# The address of the public site, for links in emails (which are written outside requests).
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL", CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "http://127.0.0.1:8000"
).rstrip("/")

# Email alerts (news/alerts.py): a worker takes ALERTS_BATCH alerts at a time and holds them
# for ALERTS_LEASE_SECONDS, starting none in the last 3 * MAIL_SERVER_TIMEOUT; if it dies,
# another worker takes them over when the time is up.
ALERTS_BATCH = 50
ALERTS_LEASE_SECONDS = 120

# One JSON object a line on standard error, each with the request id of the request it was
# written in; DJANGO_LOG_FORMAT=text for people reading a terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "iomsite.request_logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "iomsite.request_logging.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Through the root handler only: Django's own console handler would print twice.
        "django": {"handlers": [], "level": "INFO"},
        # Every request is logged once already, by RequestIdMiddleware.
        "django.server": {"level": "WARNING"},
    },
}
