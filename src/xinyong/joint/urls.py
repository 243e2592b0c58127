"""Console pages of xinyong.joint, mounted by xinyong.console.urls at ``/console/joint/``
(namespace ``console``, names prefixed ``joint-``)."""

from django.urls import path

from xinyong.joint import views

urlpatterns = [
    path("", views.inbox_page, name="joint-inbox"),
    path("items/<int:pk>/", views.item_page, name="joint-item"),
    path("items/<int:pk>/feedback/", views.feedback_submit, name="joint-feedback"),
    path("rates/", views.rates_page, name="joint-rates"),
    path("webhooks/", views.webhooks_page, name="joint-webhooks"),
    path("webhooks/<int:pk>/rotate/", views.webhook_rotate, name="joint-webhook-rotate"),
    path("webhooks/<int:pk>/disable/", views.webhook_disable, name="joint-webhook-disable"),
    path("deliveries/<int:pk>/redeliver/", views.redeliver, name="joint-redeliver"),
    path("watches/", views.watches_page, name="joint-watches"),
    path("watches/<int:pk>/end/", views.watch_end, name="joint-watch-end"),
]
