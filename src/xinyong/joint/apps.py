from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "xinyong.joint"
    label = "joint"
    verbose_name = _("Joint action and notifications (联合奖惩)")
