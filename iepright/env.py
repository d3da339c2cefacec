"""Small typed helpers that read configuration from the environment.

Each helper fails loudly on a value it cannot understand, so a typo in a deployment is an error at
start-up rather than a silently ignored setting. ``NAME_FILE`` is accepted wherever a secret is read,
for Docker and systemd credentials.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A configuration value from the environment is present but not usable."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read ``NAME`` or, if ``NAME_FILE`` is set, the contents of that file (stripped)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE points to {file_name!r}, which cannot be read: {exc}") from None
    return os.environ.get(name) or default


def env_contact(name: str) -> str:
    """A way to reach someone, as a URI (RFC 9116 "Contact"): ``mailto:``, ``https://`` or ``tel:``.

    A bare email address is taken as ``mailto:``; anything else (``http://``, a name) is refused.
    """
    raw = env_str(name).strip()
    if not raw or raw.startswith(("mailto:", "https://", "tel:")):
        return raw
    if "@" in raw and not any(c in raw for c in ":/ "):
        return f"mailto:{raw}"
    raise ConfigError(f"{name} must be an email address or a mailto:, https:// or tel: URI, not {raw!r}")


def secret_key_from(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or a key generated once into ``data_dir``."""
    configured = env_secret("SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Create with 0600 so the key is never world-readable, even for a moment.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
