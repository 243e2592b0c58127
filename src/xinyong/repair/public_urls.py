"""Public (portal) pages of xinyong.repair, mounted by xinyong.portal.urls at /repair/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
