"""Portal URLs, mounted at the site root."""

from django.urls import include, path

from xinyong.portal import selfservice_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subjects/<str:ref>/", views.subject, name="subject"),
    path("subjects/<str:ref>/report.pdf", views.subject_report, name="subject-report"),
    path("lists/serious/", views.lists, {"side": "serious"}, name="lists-serious"),
    path("lists/red/", views.lists, {"side": "red"}, name="lists-red"),
    path("reports/verify/", views.verify_lookup, name="report-verify-lookup"),
    path("reports/verify/<str:code>/", views.report_verify, name="report-verify"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Online objection and repair application, progress look-up (xinyong.repair); names
    # prefixed "repair-".
    path("repair/", include("xinyong.repair.public_urls")),
    # Subject self-service (docs/portal.md, "Self-service"); names prefixed "me-".
    path("me/", selfservice_views.me, name="me-home"),
    path("me/login/", selfservice_views.me_login, name="me-login"),
    path("me/logout/", selfservice_views.me_logout, name="me-logout"),
    path("me/report.pdf", selfservice_views.me_report, name="me-report"),
]
