"""The contract between the policy loader and a kind of policy data.

Why this exists: every kind of policy data (holiday arrangements, publication regimes,
jurisdiction settings, later catalog editions and list types) is loaded the same way —
validated, versioned, audited — but validated and stored differently. A *kind handler* is the
kind-specific part: ``parse`` checks a file's content and returns it in a normalised JSON form
(no database), ``apply`` writes the typed rows of a new edition (inside the load action's
transaction, so it may still refuse with a coded error), ``retire`` undoes the edition's
effect where look-ups do not already ignore retired editions. Handlers are listed explicitly
in ``xinyong.policy.kinds`` — no signals, no registration at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from xinyong.audit.events import EventType
    from xinyong.core.models import User
    from xinyong.policy.models import PolicyEdition
    from xinyong.policy.validation import EditionHeader


class KindHandler(Protocol):
    """What ``policy/kinds.py`` maps a ``kind`` to."""

    #: The value of ``kind`` in the files.
    kind: str
    #: Audit event written when an edition of this kind is loaded from a reviewed file
    #: (admin supplements write POLICY_SUPPLEMENT_SAVED unless the kind says otherwise).
    file_event: EventType
    admin_event: EventType

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        """Validate the whole document (header keys included) and return the content as JSON.

        Raises ``PolicyFileError`` (or a subclass of ``CodedError``) naming ``source`` and the
        key. Must not touch the database.
        """
        ...

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        """Write the typed rows of a newly created edition; return a summary for the audit
        event. Runs inside the load action's transaction; may raise a ``CodedError``.
        ``acting_user`` is passed on to the actions the handler calls (recompute hooks)."""
        ...

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        """Called inside the retire action's transaction after ``retired_at`` is set; return a
        summary for the audit event."""
        ...
