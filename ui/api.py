"""The served application: GET /api/health, POST /api/ask and the web UI mounted at /."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chat.inputs import QuestionError
from ui import render
from ui.auth import AUTH_MESSAGE, authorized
from ui.page import build_ui
from ui.state import LiveAssistant
from ui.widgets import BACKENDS, THEME, TITLE

if TYPE_CHECKING:
    from chat.pipeline import Assistant
    from config import UISettings


def build_app(assistant: Assistant | LiveAssistant, users: list[tuple[str, str]],
              settings: UISettings | None = None, admins: frozenset[str] = frozenset()) -> FastAPI:
    """The FastAPI app over ``assistant`` (loaded; a LiveAssistant when documents may be re-indexed while
    serving): the API and the UI, behind a login when ``users`` is not empty (``admins``: the names that may
    add and remove documents). At most ``settings.answer_slots`` API answers run at once (default: the
    assistant's)."""
    live = assistant if isinstance(assistant, LiveAssistant) else LiveAssistant(assistant)
    settings = settings or live.current.settings.ui
    api = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)
    slots = threading.BoundedSemaphore(settings.answer_slots)   # as many answers at once as the UI queue runs
    backends = {b for _, b in BACKENDS}

    @api.get("/api/health")
    def health() -> dict:
        """{"status": "ok", "units": N} once the index is loaded."""
        return {"status": "ok", "units": len(live.current.index.units)}

    @api.post("/api/ask")
    def ask(payload: dict, request: Request):
        """The Answer JSON for {"question", "backend"?, "doc_id"?}; 401 without login, 400 on a bad request."""
        if not authorized(request, users):
            return JSONResponse({"error": "需要登录"}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="planqa"'})
        if not isinstance(payload, dict) or "question" not in payload:
            return JSONResponse({"error": "请求须为 JSON：{\"question\": \"…\"}"}, status_code=400)
        backend = payload.get("backend") or "extractive"
        if backend not in backends:
            return JSONResponse({"error": f"未知的回答方式：{backend}"}, status_code=400)
        with slots:
            try:
                answer = live.current.ask(payload["question"], backend=backend, doc_id=payload.get("doc_id") or None)
            except QuestionError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return answer.to_json()

    ui = build_ui(live, settings, admins=admins if users else None)
    return gr.mount_gradio_app(api, ui, path="/", auth=users or None, auth_message=AUTH_MESSAGE,
                               footer_links=[], theme=THEME, css=render.CSS, ssr_mode=False)
