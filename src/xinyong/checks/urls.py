"""Console pages of xinyong.checks, mounted by xinyong.console.urls at ``/console/checks/``
(namespace ``console``, names prefixed ``checks-``)."""

from django.urls import path

from xinyong.checks import views

urlpatterns: list = [
    path("", views.home, name="checks-home"),
    path("batch/", views.batch, name="checks-batch"),
    path("<uuid:receipt_id>/", views.detail, name="checks-detail"),
    path("<uuid:receipt_id>/results.csv", views.results_csv, name="checks-results"),
    path("<uuid:receipt_id>/receipt.json", views.receipt_json, name="checks-receipt"),
]
