"""The kinds of policy data and their handlers: the one, explicit registry.

Why this exists: the loader must know, for each ``kind = "…"`` a file declares, how to
validate and store it. The mapping is written out here — adding a kind is adding a line and a
handler (see ``xinyong.policy.handlers.KindHandler``), reviewed like any code — instead of
being assembled by signals or at app start-up.
"""

from __future__ import annotations

from typing import Final

from xinyong.catalog import policy as catalog_policy
from xinyong.errors import CodedError
from xinyong.lists import policy as lists_policy
from xinyong.measures import policy as measures_policy
from xinyong.policy import jurisdiction_settings, regimes
from xinyong.policy.handlers import KindHandler
from xinyong.workdays import policy as workdays_policy

KINDS: Final[dict[str, KindHandler]] = {
    # Yearly holiday arrangements of the State Council (policy/calendar/cn-YYYY.toml).
    "calendar": workdays_policy.HANDLER,
    # Publication periods and credit repair by decision date (policy/regimes/*.toml).
    "regimes": regimes.HANDLER,
    # Jurisdiction settings: national defaults and local overrides (policy/settings/*.toml).
    "settings": jurisdiction_settings.HANDLER,
    "catalog": catalog_policy.HANDLER,  # policy/catalog/*.toml (xinyong.catalog.policy)
    # Serious dishonesty lists and red lists (policy/lists/*.toml; xinyong.lists.policy).
    "list_types": lists_policy.HANDLER,
    # Measure lists: the national base list and supplements (policy/measures/measures-*.toml).
    "measures": measures_policy.MEASURES_HANDLER,
    # Memoranda binding list types to measures (policy/measures/memoranda-*.toml).
    "memoranda": measures_policy.MEMORANDA_HANDLER,
}


def get_handler(kind: str) -> KindHandler:
    """The handler of ``kind``; ``POLICY_KIND_UNKNOWN`` if there is none."""
    try:
        return KINDS[kind]
    except KeyError:
        raise CodedError(
            "POLICY_KIND_UNKNOWN",
            f"未知的政策数据类型 {kind!r}（可用：{', '.join(KINDS)}）。",
            f"unknown kind of policy data {kind!r} (known: {', '.join(KINDS)}).",
            status=422,
            kind=kind,
        ) from None
