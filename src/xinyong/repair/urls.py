"""Console pages of xinyong.repair, mounted by xinyong.console.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
