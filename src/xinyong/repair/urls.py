"""Console pages of xinyong.repair, mounted by xinyong.console.urls at /console/repair/."""

from django.urls import path

from xinyong.repair import views

urlpatterns = [
    path("", views.worklist_view, name="repair-worklist"),
    path("objections/<int:pk>/", views.objection_detail, name="repair-objection"),
    path("applications/<int:pk>/", views.application_detail, name="repair-application"),
    path(
        "applications/<int:pk>/materials/<int:material_id>/",
        views.material_view,
        name="repair-material",
    ),
]
