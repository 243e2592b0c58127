"""Console pages of xinyong.joint, mounted by xinyong.console.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
