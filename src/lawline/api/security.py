"""The API's security schemes, declared once so `/openapi.json` states who authenticates how.

The dependencies that check credentials (`api.authority.signed_caller`, `api.staff.
current_staff`) take these schemes as sub-dependencies with `auto_error=False`: the scheme
only documents; the dependency decides and answers 401 with its own reason code.
"""

from __future__ import annotations

from fastapi.security import APIKeyHeader, HTTPBearer

AUTHORITY_SIGNATURE = APIKeyHeader(
    name="Signature",
    scheme_name="authoritySignature",
    description="RFC 9421 HTTP Message Signature by a registered authority's Ed25519 key, "
    "with `Signature-Input` covering @method, @target-uri (this deployment's public URL) and "
    "content-digest (RFC 9530), `created` within five minutes; each signature is accepted once.",
    auto_error=False,
)

STAFF_BEARER = HTTPBearer(
    scheme_name="staffBearer",
    description="The token `POST /v1/staff/login` returns after password and TOTP.",
    auto_error=False,
)
