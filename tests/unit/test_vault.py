import base64

import pytest

from care.deid.vault import PlaceholderVault, VaultError, expired, new_key, parse_keys

SECRET = b"[PHONE_1] -> 050-0000000"


def vault(*keys: str) -> PlaceholderVault:
    return PlaceholderVault(parse_keys(",".join(keys)))


def test_sealed_map_opens_for_its_conversation_and_hides_the_values() -> None:
    v = vault(new_key())
    blob = v.seal("conv-1", SECRET, updated_at_ms=1_700_000_000_000)
    assert SECRET not in blob
    opened = v.open("conv-1", blob)
    assert opened.plaintext == SECRET
    assert opened.updated_at_ms == 1_700_000_000_000
    assert PlaceholderVault.updated_at_ms(blob) == 1_700_000_000_000


def test_a_map_cannot_be_moved_to_another_conversation_or_tampered_with() -> None:
    v = vault(new_key())
    blob = v.seal("conv-1", SECRET, updated_at_ms=5)
    with pytest.raises(VaultError):
        v.open("conv-2", blob)
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(VaultError):
        v.open("conv-1", bytes(tampered))
    older = bytearray(blob)
    older[12] ^= 1  # inside the authenticated timestamp
    with pytest.raises(VaultError):
        v.open("conv-1", bytes(older))


def test_keys_rotate_new_first_old_still_opens() -> None:
    old, new = new_key(), new_key()
    sealed_before = vault(old).seal("c", SECRET, 1)
    rotated = vault(new, old)
    assert rotated.open("c", sealed_before).plaintext == SECRET
    sealed_after = rotated.seal("c", SECRET, 2)
    with pytest.raises(VaultError, match="not configured"):
        vault(old).open("c", sealed_after)


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ("", "no placeholder-map key"),
        ("not base64!", "not base64"),
        (base64.b64encode(b"short").decode(), "bytes"),
    ],
)
def test_bad_keys_are_refused_without_echoing_them(configured: str, message: str) -> None:
    with pytest.raises(VaultError, match=message) as raised:
        parse_keys(configured)
    if configured:
        assert configured not in str(raised.value)


def test_truncated_or_foreign_blobs_are_refused() -> None:
    with pytest.raises(VaultError):
        vault(new_key()).open("c", b"\x01short")
    with pytest.raises(VaultError, match="version"):
        PlaceholderVault.updated_at_ms(b"\x09" + b"\x00" * 60)


def test_expiry() -> None:
    assert expired(0, 86_400_000, 86_400)
    assert not expired(1, 86_400_000, 86_400)
