"""Paging of the API's list operations.

A page number is 1 to 10,000: a larger one asks the database for an offset beyond what it
can count (SQLite answers "datatype mismatch"), and nobody pages that far — filter instead.
Out of range is a 422 ``REQUEST_INVALID`` naming the parameter, like any bad parameter.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Query

MAX_PAGE = 10_000

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page number, 1 to {MAX_PAGE:,}")]
