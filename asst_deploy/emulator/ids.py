"""Object ids shaped like the real API's (prefix + random base62), without importing secrets."""

from __future__ import annotations

import os

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def random_id(prefix: str, length: int = 24) -> str:
    """``prefix`` followed by ``length`` random alphanumerics (bias-free rejection sampling)."""
    out: list[str] = []
    while len(out) < length:
        for byte in os.urandom(length * 2):
            if byte < 248:  # 248 = 4 * 62: keeps every character equally likely
                out.append(_ALPHABET[byte % 62])
                if len(out) == length:
                    break
    return prefix + "".join(out)


# The real API's shapes: asst_ + 24, file- + 22, vs_ + 32 (hex-like), vsfb_ + 32.
def assistant_id() -> str:
    return random_id("asst_", 24)


def file_id() -> str:
    return random_id("file-", 22)


def vector_store_id() -> str:
    return random_id("vs_", 32)


def file_batch_id() -> str:
    return random_id("vsfb_", 32)


def agent_id() -> str:
    return random_id("agent_", 32)


def vault_id() -> str:
    return random_id("vault_", 32)


def credential_id() -> str:
    return random_id("cred_", 32)


def automation_id() -> str:
    return random_id("auto_", 32)


def response_id() -> str:
    return "resp_" + os.urandom(24).hex()


def message_id() -> str:
    return "msg_" + os.urandom(24).hex()
