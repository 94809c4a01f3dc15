"""Disclosure packages: files + manifest of SHA-256 hashes + Ed25519 signature of the manifest by
the platform key, as a tar archive encrypted with age to the authority's recipient.

Layout inside the archive (all at its root): request.json, data.json, subscribers.csv and/or
ip_events.csv, ledger.json (the request's entry in the public disclosure ledger and its
inclusion proof), manifest.json, manifest.sig (base64 of the raw 64-byte signature).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.core.keys import SigningKey
from lawline.disclosure import preservation, records
from lawline.disclosure.crypto import encrypt_to
from lawline.disclosure.models import DisclosurePackage
from lawline.disclosure.orders import PackageOrder
from lawline.platform.protocol import Platform

RETENTION = timedelta(days=30)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
LEDGER_RECEIPT = "ledger.json"


def _tar(files: dict[str, bytes], mtime: datetime) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = int(mtime.timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def build_package(
    session: Session,
    platform: Platform,
    order: PackageOrder,
    *,
    key: SigningKey,
    platform_identity: str,
    clock: Clock,
    ledger_receipt: dict[str, Any] | None = None,
) -> DisclosurePackage:
    """Collect, minimise, sign, encrypt and store the package an order describes.

    `ledger_receipt` (the request's entry in the public disclosure ledger with its inclusion
    proof) travels inside the package as `ledger.json`, covered by the signed manifest.
    """
    now = clock.now()
    categories = list(order.categories)
    held: dict[str, records.AccountRecords] = {}
    if order.preservation_request_id:
        held = preservation.load_holds(session, order.preservation_request_id, platform_identity)
    accounts = []
    for account_id in order.account_ids:
        source = held.get(account_id) or records.collect(
            platform, account_id, categories, order.range_start, order.range_end
        )
        accounts.append(records.minimise(source, categories, order.range_start, order.range_end))
    package_id = new_id("pkg")
    request_doc: dict[str, Any] = {
        "package_id": package_id,
        "request_id": order.request_id,
        "authority": order.authority,
        "case_reference": order.case_reference,
        "instrument": order.instrument,
        "instrument_reference": order.instrument_reference,
        "offense": order.offense,
        "categories": categories,
        "range": None
        if order.range_start is None
        else {
            "start": order.range_start.isoformat(),
            "end": order.range_end.isoformat() if order.range_end else None,
        },
        "approved_by": [
            {"id": a.pseudonym, "roles": list(a.roles)}
            for a in sorted(order.approvers, key=lambda a: a.pseudonym)
        ],
        "created_at": now.isoformat(),
        "served_from_preservation": order.preservation_request_id,
    }
    files = records.to_files(request_doc, accounts)
    if ledger_receipt is not None:
        files[LEDGER_RECEIPT] = json.dumps(ledger_receipt, indent=2, sort_keys=True).encode()
    manifest = {
        "package_id": package_id,
        "request_id": order.request_id,
        "created_at": now.isoformat(),
        "platform_key_id": key.key_id,
        "algorithm": "ed25519",
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    files[MANIFEST] = manifest_bytes
    files[SIGNATURE] = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
    ciphertext = encrypt_to(order.recipient, _tar(files, now))
    package = DisclosurePackage(
        id=package_id,
        request_id=order.request_id,
        ciphertext=ciphertext,
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
        manifest={"files": manifest["files"]},
        accounts=len(accounts),
        ip_events=sum(len(a.ip_events) for a in accounts),
        created_at=now,
        delete_after=now + RETENTION,
    )
    session.add(package)
    session.flush()
    audit.append(
        session,
        "disclosure.package_built",
        actor="system:lawline",
        subject=f"request:{order.request_id}",
        body={
            "package_id": package_id,
            "categories": categories,
            "accounts": package.accounts,
            "ip_events": package.ip_events,
            "ciphertext_sha256": package.ciphertext_sha256,
        },
        clock=clock,
    )
    return package


def package_for(session: Session, request_id: str) -> DisclosurePackage | None:
    return session.execute(
        select(DisclosurePackage).where(DisclosurePackage.request_id == request_id)
    ).scalar_one_or_none()


def fetch_package(session: Session, request_id: str, *, actor: str, clock: Clock) -> bytes:
    package = package_for(session, request_id)
    if package is None:
        raise NotFound("no package for this request (yet)", code="package_not_ready")
    if package.ciphertext is None:
        raise NotFound("the package was deleted after its retention period", code="package_deleted")
    if package.fetched_at is None:
        package.fetched_at = clock.now()
    audit.append(
        session,
        "disclosure.package_fetched",
        actor=actor,
        subject=f"request:{request_id}",
        body={"package_id": package.id},
        clock=clock,
    )
    return package.ciphertext


@dataclass(frozen=True)
class PackageCheck:
    ok: bool
    files: dict[str, str]
    problem: str | None = None


def unpack(archive: bytes, directory: Path) -> None:
    """Extract a decrypted package archive (plain files only)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r") as tar:
        for member in tar.getmembers():
            if not member.isfile() or "/" in member.name or member.name.startswith("."):
                raise InvalidInput("unexpected entry in package", code="package_malformed")
            extracted = tar.extractfile(member)
            assert extracted is not None
            _write_private(directory / member.name, extracted.read())


def _write_private(path: Path, data: bytes) -> None:
    """Write personal data readable by its owner only (0600), whatever the umask, and never
    through a symlink planted at that name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # an existing file keeps its old mode otherwise
        out.write(data)


def verify_package_dir(directory: Path, public_key: Ed25519PublicKey) -> PackageCheck:
    """Check every file against the manifest and the manifest's signature by the platform."""
    try:
        manifest_bytes = (directory / MANIFEST).read_bytes()
        signature = base64.b64decode((directory / SIGNATURE).read_bytes().strip())
        manifest = json.loads(manifest_bytes)
    except (OSError, ValueError):
        return PackageCheck(False, {}, "manifest or signature missing or malformed")
    try:
        public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        return PackageCheck(False, {}, "the manifest signature does not verify")
    files: dict[str, str] = manifest.get("files", {})
    present = {p.name for p in directory.iterdir()} - {MANIFEST, SIGNATURE}
    if present != set(files):
        return PackageCheck(False, files, "the files present differ from the manifest")
    for name, expected in files.items():
        if hashlib.sha256((directory / name).read_bytes()).hexdigest() != expected:
            return PackageCheck(False, files, f"{name} does not match its hash")
    return PackageCheck(True, files)


def delete_expired_packages(session: Session, clock: Clock) -> int:
    now = clock.now()
    expired = (
        session.execute(
            select(DisclosurePackage).where(
                DisclosurePackage.delete_after <= now, DisclosurePackage.deleted_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    for package in expired:
        package.ciphertext = None
        package.deleted_at = now
        audit.append(
            session,
            "disclosure.package_deleted",
            actor="system:sweep",
            subject=f"request:{package.request_id}",
            body={"package_id": package.id},
            clock=clock,
        )
    return len(expired)
