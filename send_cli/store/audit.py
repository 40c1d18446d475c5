"""The audit trail: every change, who made it, when, before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from send_cli.store.models import AuditEntry


def _json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None

    def default(v: Any) -> Any:
        if isinstance(v, (date, datetime)):
            return v.isoformat()
        return str(v)

    return json.dumps(dict(values), default=default, ensure_ascii=False, sort_keys=True)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def record(session: Session, *, officer: str, now: datetime, action: str, entity: str,
           entity_id: Any = None, case_ref: str | None = None,
           before: Mapping[str, Any] | None = None,
           after: Mapping[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=now, officer=officer, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       case_ref=case_ref, before=_json(before), after=_json(after))
    session.add(entry)
    return entry
