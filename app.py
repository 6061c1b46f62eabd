"""Web UI and HTTP API: ``python app.py [--host 127.0.0.1] [--port 7860]``.

Seven tabs over one Assistant (loaded at start, swapped whole after a re-index): 智能问答 (streaming answers
with citation chips and an evidence panel), 建议原文 (outline, full text, keyword search), 指标表 (chart,
targets, CSV download), 专题简报 (Markdown/Word), 提法 (the plan's formulations and where they appear), 学习测验
(self-test quiz, Word paper) and 文档管理 (add and remove documents, re-index). ``POST /api/ask``
{"question", "backend"?, "doc_id"?} returns the Answer JSON. Optional login: PLANQA_USERS="name:password,…"
or PLANQA_USERS_FILE (name:password[:admin] lines; administrators may add and remove documents).
The interface lives in ui/ (one module per tab, ui/api.py serves it); this file only starts it.
"""
from __future__ import annotations

import argparse
import time

from ui.api import build_app            # first: ui/ turns Gradio's telemetry off before Gradio loads
from ui.auth import load_admins, load_users
from chat.pipeline import Assistant


def main(argv: list[str] | None = None) -> None:
    """Load the assistant, warm it up and serve the app on ``--host``/``--port`` until stopped."""
    parser = argparse.ArgumentParser(description="黔江“十五五”规划建议问答 · 网页界面与 /api/ask")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    users = load_users()
    print("正在加载模型与索引…", flush=True)
    assistant = Assistant.from_settings()
    assistant.ask("黔江“十五五”时期的主要目标")          # warm-up: the first real question is fast
    app = build_app(assistant, users, admins=load_admins())
    print(f"已加载（{time.perf_counter() - started:.1f} 秒）；"
          f"{'已启用登录（' + str(len(users)) + ' 个账户）' if users else '未启用登录'}", flush=True)
    print(f"访问地址：http://{args.host}:{args.port}/", flush=True)

    import uvicorn
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
