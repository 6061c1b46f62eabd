"""Web UI (Gradio). ``python app.py [--host 127.0.0.1] [--port 7860]``.

A first, plain chat page over the same pipeline as the CLI; the full cadre UI
(evidence panel, plan browser, targets, briefings) is built on top of it.
"""
from __future__ import annotations

import argparse
import html

import gradio as gr

from chat.pipeline import Assistant


def build_ui(assistant: Assistant) -> gr.Blocks:
    def answer(question: str) -> str:
        try:
            result = assistant.ask(question)
        except ValueError as exc:
            return f"**无法回答：** {html.escape(str(exc))}"
        refs = "、".join(f"{r['label']}({r['score']:.2f})" for r in result.retrieved[:5])
        return f"{html.escape(result.answer)}\n\n相关条文：{refs}"

    with gr.Blocks(title="黔江“十五五”规划建议问答") as ui:
        gr.Markdown("## 黔江“十五五”规划建议问答")
        box = gr.Textbox(label="问题", placeholder="例如：2030年城市人口目标是多少？")
        out = gr.Markdown()
        box.submit(answer, box, out)
    return ui


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    print("正在加载模型与索引…", flush=True)
    build_ui(Assistant.from_settings()).launch(server_name=args.host, server_port=args.port)


if __name__ == "__main__":
    main()
