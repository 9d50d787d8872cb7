"""Settings, read from the environment so one build serves development and production.

KEHU_SECRET_KEY, KEHU_DEBUG, DATABASE_URL, KEHU_TIME_ZONE, KEHU_LANGUAGE, KEHU_DATA_DIR,
KEHU_ALLOWED_HOSTS, KEHU_FILES_DIR, DATABASE_REPLICA_URL (see core.replicas),
KEHU_TASKS_BROKER.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("KEHU_DATA_DIR", REPO_DIR / "var"))
NODE_MODULES = Path(os.environ.get("KEHU_NODE_MODULES", REPO_DIR / "node_modules"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("KEHU_DEBUG")
# Each installation has its own key: KEHU_SECRET_KEY, or the file `make install` writes into
# the data directory. Only a debugging run may fall back to a key everybody can read here.
_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("KEHU_SECRET_KEY", "").strip() or (
    _KEY_FILE.read_text(encoding="utf-8").strip() if _KEY_FILE.exists() else ""
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"No secret key: set KEHU_SECRET_KEY, or write one into {_KEY_FILE} "
            "(`make install` does), or set KEHU_DEBUG=true on a development machine."
        )
    SECRET_KEY = "kehu-insecure-development-key-for-debugging-only-0123456789"
ALLOWED_HOSTS = os.environ.get("KEHU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("KEHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kehu.core",
    "kehu.customers",
    "kehu.analytics",
    "kehu.sales",
    "kehu.orders",
    "kehu.service",
    "kehu.privacy",
    # Last, so that Kehu's own form widget templates come first (FORM_RENDERER).
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kehu.core.content_policy.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kehu.core.scopes.TeamsPerRequest",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session and the user, whose language and page frame its refusals use.
    "kehu.core.request_guard.RequestGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "kehu.core.replicas.ReadYourWrites",
    # Last, so that it sees the view each request resolved to.
    "kehu.core.pages.ClosedByDefault",
]

ROOT_URLCONF = "kehu.urls"
WSGI_APPLICATION = "kehu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kehu.core.context_processors.navigation",
            ],
        },
    },
]
# Form widgets render through the templates above, so Kehu can replace Django's slower ones.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'kehu.sqlite3'}"),
        conn_max_age=int(os.environ.get("KEHU_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request or a worker's round reuses it, so a
        # restarted PostgreSQL costs a reconnection, not an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, one per test run: threads and the live test server then lock
    # as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-kehu-{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A streaming replica of the primary, read by reports, analytics and exports (core.replicas).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # Tests create their database on the primary, and the replica receives it from there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kehu.core.replicas.ReplicaRouter"]
# How long a user who has just written reads only from the primary: more than the replica lags.
KEHU_REPLICA_PIN_SECONDS = int(os.environ.get("KEHU_REPLICA_PIN_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kehu.core.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Repeated failed log-ins lock the account name, and the address they come from, for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("KEHU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KEHU_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kehu.core.lockout.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = os.environ.get("KEHU_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kehu.formats"]
TIME_ZONE = os.environ.get("KEHU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from npm at set-up time; the files pages use are served under
# vendor/<package> (kehu.core.vendor).
KEHU_VENDOR_FILES = {
    "htmx": (NODE_MODULES / "htmx.org" / "dist", ["htmx.min.js"]),
    "tabler": (
        NODE_MODULES / "@tabler" / "core" / "dist",
        ["css/tabler.min.css", "js/tabler.min.js"],
    ),
    "echarts": (NODE_MODULES / "echarts" / "dist", ["echarts.min.js"]),
    "sortablejs": (NODE_MODULES / "sortablejs", ["Sortable.min.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kehu.core.vendor.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Background work (imports, pool sweeps) waits in the database for `kehu worker`, which
# `kehu serve` starts beside the web processes: no extra server for a small company. A
# broker (KEHU_TASKS_BROKER=redis://host:6379/0) moves the queue to Redis, for many workers
# on several hosts (docs/deployment.md).
TASKS_BROKER = os.environ.get("KEHU_TASKS_BROKER", "").strip()
if TASKS_BROKER:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_rq")
# A task runs as long as it needs (a large import takes many minutes); a lost worker's task
# is recovered through its heartbeat (core.workers), not a time limit.
RQ_QUEUES = {"default": {"URL": TASKS_BROKER or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": -1}}
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "KEHU_TASK_BACKEND",
            "django_tasks_rq.RQBackend"
            if TASKS_BROKER
            else "django_tasks_db.backend.DatabaseBackend",
        )
    }
}
# How long the access audit keeps who viewed or exported whose personal data.
KEHU_ACCESS_AUDIT_DAYS = int(os.environ.get("KEHU_ACCESS_AUDIT_DAYS", "365"))
# Uploaded files (imports waiting for a worker, documents). Several web hosts and workers
# share one directory (a network file system) named by KEHU_FILES_DIR.
MEDIA_ROOT = Path(os.environ.get("KEHU_FILES_DIR", DATA_DIR / "media"))
# The largest file an upload may carry (an import's spreadsheet); larger requests get 413.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed by default: a route that needs less than its model's permissions says so.
    "DEFAULT_PERMISSION_CLASSES": ["kehu.core.api.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "kehu.core.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "kehu.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "kehu.core.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kehu.core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kehu API",
    "DESCRIPTION": "Customers, contacts, leads, opportunities, quotes, orders and payments. "
    "Authenticate with "
    "`Authorization: Token <token>` (POST /api/v1/auth/token/).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kehu.core.api.schema.error_responses",
    ],
    # The docs page's scripts are served by Kehu itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or "status"; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "kehu.customers.models.CustomerKind",
        "ActivityKindEnum": "kehu.customers.models.ActivityKind",
        "PeriodKindEnum": "kehu.sales.models.targets.PeriodKind",
        "LeadStatusEnum": "kehu.sales.models.leads.LeadStatus",
        "QuoteStatusEnum": "kehu.orders.models.documents.QuoteStatus",
        "OrderStatusEnum": "kehu.orders.models.documents.OrderStatus",
        "ApprovalStatusEnum": "kehu.orders.models.fulfilment.ApprovalStatus",
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and _flag("KEHU_HTTPS", default=False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KEHU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Everything a page loads is Kehu's own; images may also be the data: URIs of Tabler's icons.
_SELF = "'self'"
SECURE_CSP = {
    "default-src": [_SELF],
    "script-src": [_SELF],
    "style-src": [_SELF],
    "img-src": [_SELF, "data:"],
    "font-src": [_SELF, "data:"],
    "connect-src": [_SELF],
    "object-src": ["'none'"],
    "base-uri": [_SELF],
    "form-action": [_SELF],
    "frame-ancestors": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEHU_LOG_LEVEL", "WARNING")},
}
