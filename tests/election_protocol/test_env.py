import os
import subprocess
import sys
from pathlib import Path

import pytest

from election_protocol.env import ConfigurationError, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_env_bool_reads_yes_and_no_words(raw, expected):
    assert env_bool("X", environ={"X": raw}) is expected


def test_env_bool_unset_gives_default():
    assert env_bool("X", default=True, environ={}) is True


def test_env_bool_rejects_other_words_naming_the_variable():
    with pytest.raises(ConfigurationError, match="DEBUG must be one of"):
        env_bool("DEBUG", environ={"DEBUG": "maybe"})


def test_env_int_reads_and_rejects():
    assert env_int("N", 5, environ={"N": "42"}) == 42
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ConfigurationError, match="N must be a whole number"):
        env_int("N", 5, environ={"N": "forty"})


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("H", ["a"], environ={"H": " x.example.org, ,y.example.org "}) == [
        "x.example.org",
        "y.example.org",
    ]
    assert env_list("H", ["a"], environ={}) == ["a"]


def test_env_str_default():
    assert env_str("S", "d", environ={}) == "d"
    assert env_str("S", "d", environ={"S": "v"}) == "v"


def _start_django(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND']); print(s.CELERY_TASK_ALWAYS_EAGER); "
            "print(s.MAILERS['default']['BACKEND']); print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _clean_env(tmp_path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "election_protocol.settings",
        "VAR_DIR": str(tmp_path),
        **extra,
    }


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = _start_django(_clean_env(tmp_path, DEBUG="0"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_embedded_defaults_need_no_services(tmp_path):
    result = _start_django(_clean_env(tmp_path, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.db.backends.sqlite3",
    ]
    # The development key is generated into var/, never taken from the repository.
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o777 == 0o600


def test_settings_use_redis_smtp_and_postgres_when_configured(tmp_path):
    result = _start_django(
        _clean_env(
            tmp_path,
            DEBUG="0",
            SECRET_KEY="x" * 50,
            REDIS_URL="redis://127.0.0.1:6379/9",
            EMAIL_HOST="127.0.0.1",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/none",
        )
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.db.backends.postgresql",
    ]


@pytest.mark.django_db
def test_database_is_the_one_configured():
    # `make test` runs once with DATABASE_URL on PostgreSQL: make sure it really is PostgreSQL.
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
