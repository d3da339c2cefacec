"""Django settings for IEP Right.

Everything configurable comes from the environment (see the table in README.md). Defaults give a
working single-machine install: SQLite under ``data/``, email printed to the console.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dj_database_url

from iepright.env import env_bool, env_contact, env_int, env_list, env_secret, env_str, secret_key_from

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("IEPRIGHT_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key_from(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # lets templates/forms/ override the built-in form templates
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # signed-in devices: see them, sign the others out
    # Our apps, bottom of the import order first (docs/architecture.md).
    "accounts",
    "evidence",
    "plans",
    "logbook",
    "insights",
    "deadlines",
    "correspondence",
    "reports",
    "advocacy",
    "reminders",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.devices.SessionActivityMiddleware",
    "iepright.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "iepright.urls"
# Forms render through templates/forms/ (labels, help and errors next to each field).
FORM_RENDERER = "iepright.forms.FormRenderer"
WSGI_APPLICATION = "iepright.wsgi.application"

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
                "accounts.context_processors.current_household",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default. WAL lets readers work while a write is in progress; IMMEDIATE transactions
# take the write lock at BEGIN, which is what serializes ledger appends; synchronous=FULL means an
# acknowledged write survives a power cut.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
    ),
}

DATABASE_URL = env_secret("DATABASE_URL", f"sqlite:///{DATA_DIR / 'iepright.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # Several checkouts (git worktrees) may run their suites against one server at once: give each
    # its own test database name.
    checkout_tag = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
    DATABASES["default"]["TEST"] = {"NAME": f"test_iepright_{checkout_tag}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Sign-in lockouts (allauth's rate limits) live in the cache, so it must be shared by every worker
# process: the database by default (its table is made by a migration), Redis when REDIS_URL is set.
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "iepright_cache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 5 a minute per IP and per account, then a pause (allauth's own limiter).
    "login_failed": "5/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# How many reverse proxies in front of the app set X-Forwarded-For; 0 trusts no such header. Behind
# one proxy set it to 1, or every visitor shares the proxy's address and one lockout stops them all.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IEP Right] "
# A new person gets a household of their own, unless they arrive through an invitation.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
# Each signed-in session's device, IP address and last activity, for the "Signed-in devices" page;
# last activity is written at most every 10 minutes (accounts.devices.SessionActivityMiddleware).
USERSESSIONS_TRACK_ACTIVITY = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IEP Right"

# --- Email ----------------------------------------------------------------------------------
_email_host = env_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_secret("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IEP Right <noreply@localhost>")

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The project's own translations (both domains: pages and scripts), docs/translation.md.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's output; the Docker image keeps it outside the data volume.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (css/app.3f2a9c1b7e4d.css) and gzip copies, written by collectstatic;
    # WhiteNoise serves hashed names with "max-age=315360000, public, immutable", so a repeat visit
    # asks for no static file at all (docs/page-weight.md). Tests use plain names (test_settings).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
# Attachments are stored by content hash and served only through an access-checked view.
ATTACHMENT_ROOT = DATA_DIR / "attachments"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Generated reports, kept by content hash so each downloads again byte for byte (docs/reports.md).
REPORT_ROOT = DATA_DIR / "reports"
REPORT_RENDERS_PER_PROCESS = env_int("REPORT_RENDERS_PER_PROCESS", 1)
REPORT_RENDER_TIMEOUT = env_int("REPORT_RENDER_TIMEOUT", 60)
# After each report: the RFC 3161 anchor and the owner's receipt run in a thread once the report is
# committed, so the request does not wait for the authority or the mail server (reports.receipts).
REPORT_AFTER_REPORT_IN_THREAD = env_bool("REPORT_AFTER_REPORT_IN_THREAD", True)
# External anchoring of chain heads (docs/verification.md): an RFC 3161 time-stamping authority.
# Empty TSA_URL: no tokens are taken (verification still checks any stored ones). TSA_CA_FILE is the
# PEM certificate(s) of the authority's root, to check each token's signature; without it only the
# token's contents are checked.
TSA_URL = env_str("TSA_URL")
TSA_CA_FILE = env_str("TSA_CA_FILE")
TSA_TIMEOUT = env_int("TSA_TIMEOUT", 20)
# How far the server's clock and the authority's may disagree when ordering records and anchors.
ANCHOR_CLOCK_TOLERANCE_SECONDS = env_int("ANCHOR_CLOCK_TOLERANCE_SECONDS", 300)
# A household import is refused before anything is read when a member is bigger than this, or
# expands more than IMPORT_MAX_RATIO times its compressed size (a zip bomb).
IMPORT_MAX_MEMBER_BYTES = env_int("IMPORT_MAX_MEMBER_BYTES", 2 * 1024 * 1024 * 1024)
IMPORT_MAX_JSON_BYTES = env_int("IMPORT_MAX_JSON_BYTES", 512 * 1024 * 1024)
IMPORT_MAX_RATIO = env_int("IMPORT_MAX_RATIO", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = env_bool("HTTPS", not DEBUG and SITE_URL.startswith("https://"))
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Where to report a security problem with this server (docs/security.md): an email address, or a
# mailto: or https:// URL. When set, /.well-known/security.txt (RFC 9116) names it; `check --deploy`
# warns while it is empty. The policy defaults to this install's copy of SECURITY.md.
SECURITY_CONTACT = env_contact("SECURITY_CONTACT")
SECURITY_POLICY_URL = env_str("SECURITY_POLICY_URL", SITE_URL.rstrip("/") + "/security-policy.txt")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
