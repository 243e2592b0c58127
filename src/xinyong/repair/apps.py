from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "xinyong.repair"
    label = "repair"
    verbose_name = _("Objections and credit repair (异议与信用修复)")
