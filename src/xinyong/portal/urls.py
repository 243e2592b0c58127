"""Portal URLs, mounted at the site root."""

from django.urls import include, path

from xinyong.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Online objection and repair application, progress look-up (xinyong.repair); names
    # prefixed "repair-".
    path("repair/", include("xinyong.repair.public_urls")),
]
