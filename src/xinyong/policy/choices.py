"""Enumerations of the policy data, labelled for people (zh-Hans through translations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.TextChoices):
    """Who issued a policy edition. A more local edition overrides a more general one for the
    same setting (local > provincial > national), never the other way round."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    LOCAL = "local", _("Local")


#: Precedence of jurisdictions in look-ups: higher wins.
JURISDICTION_LEVEL: dict[str, int] = {
    Jurisdiction.NATIONAL: 1,
    Jurisdiction.PROVINCIAL: 2,
    Jurisdiction.LOCAL: 3,
}


class Origin(models.TextChoices):
    """How an edition reached the platform: a reviewed file in the repository (loaded by
    ``xinyong policy load``) or a local supplement pasted into the admin."""

    FILE = "file", _("Reviewed file")
    ADMIN = "admin", _("Admin supplement")


class Severity(models.TextChoices):
    """Severity of a dishonest act as the publication regimes classify it (RULES §3)."""

    LIGHT = "light", _("Light (轻微)")
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (严重)")


class Publication(models.TextChoices):
    """Whether information of a severity is published on the credit portals."""

    REQUIRED = "required", _("Published for the period")
    OPTIONAL = "optional", _("Not published, or published at most for the period")
    NEVER = "never", _("Not published")
