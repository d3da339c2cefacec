"""The configuration helpers fail loudly on bad values and read *_FILE secrets."""

from pathlib import Path

import pytest

from iepright.env import ConfigError, env_bool, env_int, env_list, env_secret, secret_key_from


def test_env_bool_reads_common_words(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("FLAG", word)
        assert env_bool("FLAG") is expected


def test_env_bool_refuses_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ConfigError, match="FLAG"):
        env_bool("FLAG")


def test_env_int_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match="whole number"):
        env_int("PORT", 1)
    monkeypatch.setenv("PORT", "8080")
    assert env_int("PORT", 1) == 8080


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_env_secret_prefers_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("DB_PASSWORD", "from-env")
    monkeypatch.setenv("DB_PASSWORD_FILE", str(secret_file))
    assert env_secret("DB_PASSWORD") == "from-file"


def test_env_secret_names_an_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DB_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="DB_PASSWORD_FILE"):
        env_secret("DB_PASSWORD")


def test_secret_key_is_generated_once_and_kept_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    first = secret_key_from(tmp_path)
    assert len(first) > 40
    assert secret_key_from(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
