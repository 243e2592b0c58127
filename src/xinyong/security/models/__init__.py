"""Security models, split by topic."""

from xinyong.security.models.consent import Consent
from xinyong.security.models.register import AccessRecord, RegisterChainHead
from xinyong.security.models.tokens import ApiToken
from xinyong.security.models.twofactor import TotpDevice

__all__ = ["AccessRecord", "ApiToken", "Consent", "RegisterChainHead", "TotpDevice"]
