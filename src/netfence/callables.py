"""Packages that are also the library function of their name.

``netfence.load``, ``netfence.lint`` and ``netfence.diff`` are packages (``netfence.lint.run``
stays importable and patchable) and, called, the facade's functions of the same name in
``netfence.api`` (imported on the first call, so importing a package stays cheap).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class CallablePackage(types.ModuleType):
    """A package whose call is ``netfence.api.<its name>``."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        api = importlib.import_module("netfence.api")
        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


def make_callable(package: str) -> None:
    """Let the already imported ``package`` be called as its facade function."""
    sys.modules[package].__class__ = CallablePackage
