"""Small typed readers for configuration from the environment.

Kept apart from settings.py so that each reader can be tested on its own and so that a
misconfiguration fails at start-up with a message naming the variable, rather than later
with a confusing error from deep inside Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigurationError(RuntimeError):
    """Raised when an environment variable is missing or malformed."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as a string, or `default` when it is unset."""
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable read as a boolean; anything but a known yes/no word is an error."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigurationError(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}"
    )


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """Return the variable as an integer, or `default` when it is unset."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    try:
        return int(environ[name])
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number; got {environ[name]!r}") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return list(default)
    return [item.strip() for item in environ[name].split(",") if item.strip()]
