"""RFC 9421 conformance: the Appendix B.2.6 Ed25519 example verifies, and a request signed by a
minimal signer written here from the RFC's text (not the library, not lawline.client) is
accepted by the authority API."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawline.authorities.signatures import SignedMessage, signature_verifies
from tests.factories import request_document
from tests.legal.conftest import LegalApi


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# RFC 9421 Appendix B.1.4, test-key-ed25519 (JWK "x" and "d")
RFC_PUBLIC = _b64url("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs")
RFC_PRIVATE = _b64url("n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU")
# Appendix B.2 test request and B.2.6 signature
RFC_HEADERS = [
    ("Host", "example.com"),
    ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
    ("Content-Type", "application/json"),
    (
        "Content-Digest",
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu"
        "7BNNyealdVLvRwEmTHWXvJwew==:",
    ),
    ("Content-Length", "18"),
    (
        "Signature-Input",
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
        '"content-length");created=1618884473;keyid="test-key-ed25519"',
    ),
    (
        "Signature",
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w"
        "6vuQv5lIp5WPpBKRCw==:",
    ),
]
RFC_URL = "https://example.com/foo?param=Value&Pet=dog"


def test_rfc_9421_b_2_6_verifies() -> None:
    message = SignedMessage("POST", RFC_URL, RFC_HEADERS)
    assert signature_verifies(message, RFC_PUBLIC)
    # the RFC's signature is deterministic: the private key reproduces it
    assert (
        Ed25519PrivateKey.from_private_bytes(RFC_PRIVATE).public_key().public_bytes_raw()
        == RFC_PUBLIC
    )


def test_rfc_9421_b_2_6_fails_when_a_covered_component_changes() -> None:
    changed = [(k, "Wed, 21 Apr 2021 02:07:55 GMT" if k == "Date" else v) for k, v in RFC_HEADERS]
    assert not signature_verifies(SignedMessage("POST", RFC_URL, changed), RFC_PUBLIC)
    assert not signature_verifies(SignedMessage("PUT", RFC_URL, RFC_HEADERS), RFC_PUBLIC)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert not signature_verifies(SignedMessage("POST", RFC_URL, RFC_HEADERS), other)


def minimal_rfc9421_sign(
    method: str, target_uri: str, body: bytes, key: Ed25519PrivateKey, key_id: str, created: int
) -> dict[str, str]:
    """Sign as RFC 9421 section 2.5 builds the signature base and RFC 9530 the digest."""
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    params = (
        '("@method" "@target-uri" "content-digest")'
        f';created={created};keyid="{key_id}";alg="ed25519"'
    )
    base = "\n".join(
        [
            f'"@method": {method}',
            f'"@target-uri": {target_uri}',
            f'"content-digest": {digest}',
            f'"@signature-params": {params}',
        ]
    )
    signature = base64.b64encode(key.sign(base.encode())).decode()
    return {
        "Content-Digest": digest,
        "Signature-Input": f"req={params}",
        "Signature": f"req=:{signature}:",
        "Content-Type": "application/json",
    }


def test_a_request_from_a_minimal_independent_signer_is_accepted(legal_api: LegalApi) -> None:
    from cryptography.hazmat.primitives import serialization

    _, keys = legal_api.authorities["nl"]
    key = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    assert isinstance(key, Ed25519PrivateKey)
    body = json.dumps(request_document()).encode()
    uri = "http://testserver/v1/authority/requests"
    headers = minimal_rfc9421_sign(
        "POST", uri, body, key, keys.key_id, int(legal_api.clock.now().timestamp())
    )
    response = legal_api.http.post(uri, content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "in_review"
    # and the same signature cannot be used again
    again = legal_api.http.post(uri, content=body, headers=headers)
    assert again.json()["error"]["code"] == "signature_replayed"
