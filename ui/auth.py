"""Optional login: accounts from PLANQA_USERS ("name:password,…") or PLANQA_USERS_FILE, HTTP Basic for the API."""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import Request

AUTH_MESSAGE = "黔江区“十五五”规划建议智能问答 · 请使用分配的账户登录"


def load_users() -> list[tuple[str, str]]:
    """Accounts [(name, password)] from PLANQA_USERS ("a:pw,b:pw") and PLANQA_USERS_FILE (name:password
    lines; # comments and lines without a colon are skipped). Empty: no login."""
    entries = [e for e in os.environ.get("PLANQA_USERS", "").split(",")]
    path = os.environ.get("PLANQA_USERS_FILE", "").strip()
    if path:
        entries += Path(path).read_text(encoding="utf-8").splitlines()
    users = []
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#") or ":" not in entry:
            continue
        name, password = entry.split(":", 1)
        if name.strip() and password:
            users.append((name.strip(), password))
    return users


def authorized(request: Request, users: list[tuple[str, str]]) -> bool:
    """Whether ``request`` carries HTTP Basic credentials of one of ``users`` (always, when there are none)."""
    if not users:
        return True
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except Exception:
        return False
    return any(secrets.compare_digest(name, u) and secrets.compare_digest(password, p) for u, p in users)
