from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, register_converter

from api.api import urls as api_urls
from iepright import pwa, wellknown
from iepright.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

# The admin signs in through allauth: the same rate limits and two-factor step as everyone else.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("api/v1/", api_urls()),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("jsi18n/", pwa.javascript_catalog, name="javascript_catalog"),
    path(".well-known/security.txt", wellknown.security_txt, name="security_txt"),
    path("security-policy.txt", wellknown.security_policy, name="security_policy"),
    path("settings/tokens/", include("api.urls")),
    path("", include("accounts.urls")),
    path("", include("plans.urls")),
    path("", include("deadlines.urls")),
    path("", include("logbook.urls")),
    path("", include("evidence.urls")),
    path("", include("insights.urls")),
    path("", include("correspondence.urls")),
    path("", include("reports.urls")),
    path("", include("advocacy.urls")),
    path("", include("reminders.urls")),
]
