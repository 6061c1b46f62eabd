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


ADMIN_SUFFIX = ":admin"


def _entries() -> list[str]:
    entries = [e for e in os.environ.get("PLANQA_USERS", "").split(",")]
    path = os.environ.get("PLANQA_USERS_FILE", "").strip()
    if path:
        entries += Path(path).read_text(encoding="utf-8").splitlines()
    return [e.strip() for e in entries if e.strip() and not e.strip().startswith("#") and ":" in e]


def load_admins() -> frozenset[str]:
    """The names of the accounts marked as administrators (an entry ending in ":admin", e.g.
    "li:pw:admin"): only they may add and remove documents in 文档管理."""
    return frozenset(e.split(":", 1)[0].strip() for e in _entries() if e.endswith(ADMIN_SUFFIX)
                     and e.count(":") >= 2)


def load_users() -> list[tuple[str, str]]:
    """Accounts [(name, password)] from PLANQA_USERS ("a:pw,b:pw:admin") and PLANQA_USERS_FILE
    (name:password[:admin] lines; # comments and lines without a colon are skipped); a trailing ":admin"
    marks an administrator and is not part of the password. Empty: no login."""
    users = []
    for entry in _entries():
        if entry.endswith(ADMIN_SUFFIX) and entry.count(":") >= 2:
            entry = entry[: -len(ADMIN_SUFFIX)]
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
