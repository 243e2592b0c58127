"""Public (portal) pages of xinyong.repair, mounted by xinyong.portal.urls at /repair/."""

from django.urls import path

from xinyong.repair import public_views

urlpatterns = [
    path("", public_views.index, name="repair-index"),
    path("object/", public_views.object_view, name="repair-object"),
    path("apply/", public_views.apply_view, name="repair-apply"),
    path("progress/", public_views.progress_view, name="repair-progress"),
]
