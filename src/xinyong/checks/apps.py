from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    label = "checks"
    verbose_name = _("Checks before granting (应查必查)")
