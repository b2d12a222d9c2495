"""CRX3 packages for Chrome and Edge: the signing key, the extension id it gives, and a CRX3 file
written and read back with ``cryptography`` (RSA PKCS#1 v1.5 / SHA-256) and a hand-written protobuf
header; see https://chromium.googlesource.com/chromium/src/+/main/components/crx_file/crx3.proto
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from pathlib import Path

CRX_MAGIC = b"Cr24"
CRX_VERSION = 3
SIGNED_DATA_PREFIX = b"CRX3 SignedData\x00"


class KitError(RuntimeError):
    pass


# --------------------------------------------------------------------------- keys and ids


def load_or_create_key(path: Path, create: bool = False):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(path)
    if not path.exists():
        if not create:
            raise KitError(f"{path}: key file not found (pass --new-key to create one, and keep it safe)")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        os.chmod(path, 0o600)
        return key
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as e:
        raise KitError(f"{path}: not an unencrypted PEM private key ({e})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KitError(f"{path}: the CRX key must be an RSA key")
    if key.key_size < 2048:
        raise KitError(f"{path}: the RSA key has {key.key_size} bits; Chrome needs 2048 or more")
    return key


def public_key_der(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def crx_id_bytes(pub_der: bytes) -> bytes:
    return hashlib.sha256(pub_der).digest()[:16]


def extension_id(pub_der: bytes) -> str:
    """Chrome's extension id: the first 128 bits of SHA-256(public key), hex digits mapped to a-p."""
    return "".join(chr(ord("a") + int(c, 16)) for c in crx_id_bytes(pub_der).hex())


def extension_id_from_manifest_key(key_b64: str) -> str:
    return extension_id(base64.b64decode(key_b64))


# --------------------------------------------------------------------------- protobuf (just enough)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_bytes(number: int, value: bytes) -> bytes:
    return _varint((number << 3) | 2) + _varint(len(value)) + value


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = n = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            return n, i
        shift += 7


def _parse_fields(buf: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(buf):
        tag, i = _read_varint(buf, i)
        number, wire = tag >> 3, tag & 7
        if wire != 2:
            raise ValueError(f"unexpected wire type {wire} for field {number}")
        ln, i = _read_varint(buf, i)
        out.append((number, buf[i : i + ln]))
        i += ln
    if i != len(buf):
        raise ValueError("truncated field")
    return out


# --------------------------------------------------------------------------- CRX3


def crx3_pack(zip_bytes: bytes, key) -> bytes:
    """A CRX3 file for ``zip_bytes`` signed with the RSA ``key``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    pub = public_key_der(key)
    signed_data = _field_bytes(1, crx_id_bytes(pub))  # SignedData { crx_id = 1 }
    to_sign = SIGNED_DATA_PREFIX + struct.pack("<I", len(signed_data)) + signed_data + zip_bytes
    signature = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    proof = _field_bytes(1, pub) + _field_bytes(2, signature)  # AsymmetricKeyProof
    header = _field_bytes(2, proof) + _field_bytes(10000, signed_data)  # CrxFileHeader
    return CRX_MAGIC + struct.pack("<II", CRX_VERSION, len(header)) + header + zip_bytes


def crx3_parse(data: bytes, verify: bool = True) -> dict:
    """Read (and verify) a CRX3: returns {'id', 'public_key', 'zip'}. Raises ValueError."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    if data[:4] != CRX_MAGIC:
        raise ValueError("not a CRX file")
    version, hlen = struct.unpack("<II", data[4:12])
    if version != 3:
        raise ValueError(f"CRX version {version}, expected 3")
    header = data[12 : 12 + hlen]
    archive = data[12 + hlen :]
    proofs, signed_data = [], None
    for number, value in _parse_fields(header):
        if number == 2:
            f = dict(_parse_fields(value))
            proofs.append((f.get(1, b""), f.get(2, b"")))
        elif number == 10000:
            signed_data = value
    if signed_data is None or not proofs:
        raise ValueError("CRX header lacks signed data or an RSA proof")
    crx_id = dict(_parse_fields(signed_data)).get(1)
    to_sign = SIGNED_DATA_PREFIX + struct.pack("<I", len(signed_data)) + signed_data + archive
    matching = [(pub, sig) for pub, sig in proofs if crx_id_bytes(pub) == crx_id]
    if not matching:
        raise ValueError("no proof matches the CRX id")
    if verify:
        for pub, sig in proofs:
            serialization.load_der_public_key(pub).verify(sig, to_sign, padding.PKCS1v15(), hashes.SHA256())
    return {"id": extension_id(matching[0][0]), "public_key": matching[0][0], "zip": archive}
