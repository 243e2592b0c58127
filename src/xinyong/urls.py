"""URL map: portal at /, staff console at /console/, admin at /admin/, API at /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from xinyong.api import api, extra_urls

admin.site.site_header = settings.XINYONG["PLATFORM_NAME"]
admin.site.site_title = settings.XINYONG["PLATFORM_NAME"]

urlpatterns = [
    path("api/v1/", include(extra_urls)),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff log in once, on the console's two-step log-in (password, then authenticator
    # code); the admin's own password-only log-in page would bypass the second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="console:login", query_string=True),
        name="admin-login-redirect",
    ),
    path("admin/", admin.site.urls),
    path("console/security/", include("xinyong.security.urls")),
    path("console/", include("xinyong.console.urls")),
    path("", include("xinyong.portal.urls")),
]
