"""Console pages of xinyong.checks, mounted by xinyong.console.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
