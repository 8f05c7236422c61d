"""Encryption at rest of deid's per-conversation placeholder maps (AES-256-GCM).

A sealed map: version (1 byte) | key id (4) | last update, ms since the epoch (8) | nonce (12) |
ciphertext with tag. The header is authenticated together with the conversation id, so a map cannot
be moved to another conversation or have its age changed unnoticed; the age stays readable without
the key so that expiry sweeps never decrypt. The first configured key seals, every key opens, so keys
rotate by putting the new one first and dropping the old one after a time to live has passed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
_HEADER = struct.Struct(">B4sQ")  # version, key id, updated_at_ms
_NONCE_BYTES = 12
KEY_BYTES = 32


class VaultError(Exception):
    """A sealed map could not be opened (unknown key, tampering, corruption) or a key is invalid."""


def parse_keys(configured: str) -> list[bytes]:
    """Comma-separated base64 keys of 32 bytes each, the sealing key first."""
    keys = []
    for position, item in enumerate(k.strip() for k in configured.split(",")):
        if not item:
            continue
        try:
            key = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise VaultError(f"key {position + 1} is not base64") from None
        if len(key) != KEY_BYTES:
            raise VaultError(f"key {position + 1} has {len(key)} bytes, not {KEY_BYTES}")
        keys.append(key)
    if not keys:
        raise VaultError("no placeholder-map key is configured")
    return keys


def new_key() -> str:
    """A fresh random key, base64, for CARE_DEID_MAP_KEYS."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"care-deid-map-key" + key).digest()[:4]


@dataclass(frozen=True)
class Sealed:
    updated_at_ms: int
    plaintext: bytes


class PlaceholderVault:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise VaultError("no placeholder-map key is configured")
        self._sealing_id = _key_id(keys[0])
        self._ciphers = {_key_id(k): AESGCM(k) for k in keys}

    def seal(self, conversation_id: str, plaintext: bytes, updated_at_ms: int) -> bytes:
        header = _HEADER.pack(VERSION, self._sealing_id, updated_at_ms)
        nonce = os.urandom(_NONCE_BYTES)
        aad = header + conversation_id.encode("utf-8")
        return header + nonce + self._ciphers[self._sealing_id].encrypt(nonce, plaintext, aad)

    def open(self, conversation_id: str, blob: bytes) -> Sealed:
        updated_at_ms, key_id = self._read_header(blob)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise VaultError("sealed with a key that is not configured")
        header_end = _HEADER.size
        nonce = blob[header_end : header_end + _NONCE_BYTES]
        aad = blob[:header_end] + conversation_id.encode("utf-8")
        try:
            plaintext = cipher.decrypt(nonce, blob[header_end + _NONCE_BYTES :], aad)
        except InvalidTag:
            raise VaultError("the sealed map failed authentication") from None
        return Sealed(updated_at_ms, plaintext)

    @staticmethod
    def updated_at_ms(blob: bytes) -> int:
        """The last update of a sealed map, read without the key."""
        return PlaceholderVault._read_header(blob)[0]

    @staticmethod
    def _read_header(blob: bytes) -> tuple[int, bytes]:
        if len(blob) < _HEADER.size + _NONCE_BYTES + 16:
            raise VaultError("sealed map is truncated")
        version, key_id, updated_at_ms = _HEADER.unpack_from(blob)
        if version != VERSION:
            raise VaultError(f"unknown sealed-map version {version}")
        return updated_at_ms, key_id


def expired(updated_at_ms: int, now_ms: int, ttl_seconds: float) -> bool:
    return now_ms - updated_at_ms >= ttl_seconds * 1000
