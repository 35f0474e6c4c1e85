"""The project's own form classes, found by walking each project app's ``forms`` module.

Shared by the hostile-input suite (every form is driven) and the form-field checks.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings


def project_forms() -> dict[str, type[forms.BaseForm]]:
    """Return every form class defined in a project app's forms module, by dotted name."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue  # Django's and third-party apps' forms are not ours to drive
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.forms":
                raise
            continue
        # Forms kept in modules of their own beside forms.py (forms_*.py) count too.
        modules = [module] + [
            importlib.import_module(f"{config.name}.{extra.stem}")
            for extra in sorted(path.glob("forms_*.py"))
        ]
        for module in modules:
            for name, obj in vars(module).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                ):
                    found[f"{module.__name__}.{name}"] = obj
    return found
