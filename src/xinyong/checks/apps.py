from typing import Any

from django.apps import AppConfig
from django.core import checks as system_checks
from django.utils.translation import gettext_lazy as _


def signing_key_configured(
    app_configs: Any = None, **kwargs: Any
) -> list[system_checks.CheckMessage]:
    """``checks.E001``: production must be given the receipt signing key (docs/checks.md)."""
    import os

    from django.conf import settings

    from xinyong.checks.signing import ENV_KEY, parse_private_key

    if not getattr(settings, "PRODUCTION", False):
        return []
    text = getattr(settings, "XINYONG_CHECK_SIGNING_KEY", "") or os.environ.get(ENV_KEY, "")
    if not text:
        return [
            system_checks.Error(
                f"{ENV_KEY} is not set: check receipts cannot be signed.",
                hint="Generate one with `xinyong checks keygen` and keep it secret.",
                id="checks.E001",
            )
        ]
    try:
        parse_private_key(text)
    except ValueError as exc:
        return [system_checks.Error(f"{ENV_KEY} is not an Ed25519 key: {exc}", id="checks.E002")]
    return []


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    label = "checks"
    verbose_name = _("Checks before granting (应查必查)")

    def ready(self) -> None:
        system_checks.register(signing_key_configured)
