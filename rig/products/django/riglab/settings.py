"""Django + Django REST framework of the forbidden-kit rig.

Refusals come from Django's own machinery (CsrfViewMiddleware, CommonMiddleware's
DISALLOWED_USER_AGENTS, PermissionDenied) and DRF's authentication, permission and
throttle classes, configured as the Django and DRF documentation show.
"""
import os
import re

RUN = os.environ.get("RIG_RUN", "/tmp/rig-django")
SECRET_KEY = "rig-not-secret-django-key-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["api.rig.test", "edge.rig.test", "127.0.0.19"]
# Addresses allowed on /internal/ (Django's own INTERNAL_IPS setting).
INTERNAL_IPS = ["127.0.0.1"]
DISALLOWED_USER_AGENTS = [re.compile(r"sqlmap|nikto|masscan", re.I)]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "riglab",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # edge.rig.test: the whole site only for the listed addresses
    "riglab.middleware.EdgeAllowlistMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "riglab.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(RUN, "db.sqlite3")}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [], "APP_DIRS": True, "OPTIONS": {}}]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_RATES": {"user": "10/minute", "anon": "10/minute"},
    "UNAUTHENTICATED_USER": None,
}
