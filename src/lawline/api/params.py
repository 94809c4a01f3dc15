"""Path, query and header parameter types shared by the routers.

Bounds come from the columns the values are looked up in (an `Integer` column on PostgreSQL
overflows at 2**31), so a 20-digit id is a 422 naming the parameter, never a database error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query

from lawline.boundary import IntIdPath, RecordIdPath
from lawline.core.fields import INT64_MAX

# An id lawline made (`req_01j...`): the pattern keeps NUL, phone numbers and IPs out of lookups.
RequestIdPath = RecordIdPath
ReportIdPath = RecordIdPath
AppealIdPath = RecordIdPath
CaseIdPath = IntIdPath
TreeSizePath = Annotated[int, Path(ge=0, le=INT64_MAX)]
TreeSizeQuery = Annotated[int, Query(ge=1, le=INT64_MAX)]
SeqQuery = Annotated[int, Query(ge=0, le=INT64_MAX)]
# Free text in a query string: no control characters (PostgreSQL refuses NUL).
SearchQuery = Annotated[str, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
IdempotencyKey = Annotated[
    str | None, Header(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:~+/=-]+$")
]
