"""Signed one-click unsubscribe tokens: a person and one kind of reminder, no expiry, no database row."""

from __future__ import annotations

from django.core import signing

SALT = "reminders.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a token that was not signed by this server."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("u"), int) or not isinstance(value.get("k"), str):
        return None
    return value["u"], value["k"]
