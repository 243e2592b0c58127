"""Models of the policy data: editions (the versioned, reviewed texts) and the typed rows the
kind handlers write from them (publication regimes, jurisdiction settings)."""

from xinyong.policy.models.editions import PolicyEdition, in_force_q
from xinyong.policy.models.jurisdiction_settings import JurisdictionSetting
from xinyong.policy.models.regimes import PublicationRegime, RegimeSeverityRule

__all__ = [
    "JurisdictionSetting",
    "PolicyEdition",
    "PublicationRegime",
    "RegimeSeverityRule",
    "in_force_q",
]
