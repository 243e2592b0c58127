"""Finding a credit subject by the code a caller gives: a unified social credit code, or a
natural person's resident ID number, found through its keyed hash (never by the number).

Why this exists: the shared-data reads, watches and the listing form each looked subjects up
the same way; they differ only in the error they raise, which stays theirs.
"""

from __future__ import annotations

from xinyong.core import crypto, identifiers
from xinyong.core.models import Subject

#: The schemes a subject may be named by.
LOOKUP_SCHEMES = (identifiers.IdentifierScheme.USCC, identifiers.IdentifierScheme.RESIDENT_ID)


def lookup_subject(code: str) -> tuple[bool, Subject | None]:
    """(whether ``code`` is a valid USCC or resident ID number, the subject holding it)."""
    value = (code or "").strip().upper()
    scheme = identifiers.guess_scheme(value) if value else None
    if scheme not in LOOKUP_SCHEMES:
        return False, None
    result = identifiers.validate(value, scheme)
    if not result.valid:
        return False, None
    if scheme == identifiers.IdentifierScheme.USCC:
        return True, Subject.objects.filter(uscc=result.normalized).first()
    digest = crypto.lookup_hash("id01", result.normalized)
    return True, Subject.objects.filter(id_type="01", id_number_hash=digest).first()
