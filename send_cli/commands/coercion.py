"""Option values turned into Python values without pydantic: typer builds a
pydantic adapter for every parameter it reads (about 60 ms of imports), more
than a daily read takes to answer. A plain value (text, a flag, a whole
number within its bounds) is taken here as typer would take it; anything
else, and every value typer would refuse, goes to typer's own adapter, so
its messages and exit codes stay as they are."""

from __future__ import annotations

import re
from typing import Any

_WHOLE = re.compile(r"-?[0-9]{1,18}\Z")


class _Plain:
    """typer's runtime coercion for one parameter, with the plain cases
    answered here and the rest left to the adapter typer would build."""

    def __init__(self, descriptor: Any) -> None:
        self.descriptor = descriptor
        self._typer: Any = None

    def _fallback(self) -> Any:
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(self.descriptor)
        return self._typer

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        plain = self._plain(value, param)
        if plain is not _NO:
            return plain
        return self._fallback().coerce(value, param=param, ctx=ctx)

    def _plain(self, value: Any, param: Any) -> Any:
        desc = self.descriptor
        info = desc.parameter_info
        if param.multiple or param.nargs != 1 or desc.file_annotation is not None \
                or info.parser is not None or getattr(info, "click_type", None) is not None:
            return _NO
        if value is None:
            return None
        annotation = desc.annotation
        if annotation is str and isinstance(value, str) and not desc.is_path:
            return value
        if annotation is bool and isinstance(value, bool):
            return value
        if annotation is int and not info.clamp:
            if isinstance(value, str) and _WHOLE.match(value):
                number = int(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                number = value
            else:
                return _NO
            if (info.min is not None and number < info.min) or \
                    (info.max is not None and number > info.max):
                return _NO
            return number
        return _NO


_NO = object()


def coerce_plainly() -> None:
    """Install the plain coercion on typer's parameters (once)."""
    import typer.core as core

    if getattr(core._TyperParameter, "_send_cli_plain", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = _Plain(self.type_descriptor)
        return self._runtime_param

    core._TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]
    core._TyperParameter._send_cli_plain = True  # type: ignore[attr-defined]
