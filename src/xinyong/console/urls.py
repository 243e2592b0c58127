"""Console URLs, mounted at ``/console/``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from xinyong.console import views
from xinyong.lists import views as lists_views
from xinyong.records import views as records_views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboards/", views.dashboards, name="dashboards"),
    # Listing procedure (xinyong.lists): cases, documents, actions.
    path("lists/", lists_views.case_list, name="lists"),
    path("lists/new/", lists_views.case_new, name="lists-new"),
    path("lists/<int:pk>/", lists_views.case_detail, name="lists-case"),
    path("lists/<int:pk>/do/<str:operation>/", lists_views.case_action, name="lists-action"),
    path(
        "lists/<int:pk>/documents/<int:document_id>/",
        lists_views.document_download,
        name="lists-document",
    ),
    # Collection (xinyong.records): uploads, batches, records, timeliness.
    path("records/upload/", records_views.upload, name="records-upload"),
    path("records/batches/", records_views.batch_list, name="records-batches"),
    path("records/batches/<int:batch_id>/", records_views.batch_detail, name="records-batch"),
    path(
        "records/batches/<int:batch_id>/resume/",
        records_views.batch_resume,
        name="records-batch-resume",
    ),
    path(
        "records/batches/<int:batch_id>/rejected.xlsx",
        records_views.batch_rejected,
        name="records-batch-rejected",
    ),
    path("records/timeliness/", records_views.timeliness, name="records-timeliness"),
    path("records/<int:record_id>/", records_views.record_detail, name="records-record"),
    # Joint action (xinyong.joint), checks (xinyong.checks), objections and repair
    # (xinyong.repair): each app's own URL list, names prefixed "joint-", "checks-", "repair-".
    path("joint/", include("xinyong.joint.urls")),
    path("checks/", include("xinyong.checks.urls")),
    path("repair/", include("xinyong.repair.urls")),
]
