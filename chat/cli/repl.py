"""Interactive chat: ``python -m chat`` with no command.

The assistant loads once and keeps one conversation, so follow-ups ("那城市建成区面积呢？") are
read in the light of the previous turns. Questions come line by line from stdin:

- on a terminal, with a ``问> `` prompt and a short welcome;
- from a pipe (``printf '…\\n…\\n' | python -m chat``), silently: stdout carries only what was
  asked for (answers, /help, /backend), each answer followed by a blank line.

Errors (a bad question, an unknown command) are one Chinese line on stderr and the loop goes on;
/quit, end of input and Ctrl-C end it with status 0.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TextIO

from chat.cli.commands import check_doc, print_answer
from chat.cli.parser import BACKENDS, user_error

PROMPT = "问> "
WELCOME = "黔江“十五五”规划建议问答。直接输入问题，可以追问；/help 查看命令，/quit 退出。"
HELP = f"""可用命令：
  /new                 开始新的对话（不再结合上文理解追问）
  /backend [方式]      切换回答方式：{'、'.join(BACKENDS)}；不带参数时显示当前方式
  /help                显示本帮助
  /quit                退出（也可以按 Ctrl-D 或 Ctrl-C）
其他输入都当作问题回答，并结合上文理解追问，例如先问“2030年城市人口目标是多少？”，
再问“那城市建成区面积呢？”。"""


class ChatSession:
    """One interactive conversation: the assistant, its Conversation, the backend and document.

    ``out`` receives what the user asked for (answers, help); ``err`` errors; ``status`` (None when
    quiet, e.g. reading from a pipe) short confirmations such as "已开始新的对话"."""

    def __init__(self, assistant, backend: str = "extractive", doc_id: str | None = None,
                 out: TextIO | None = None, err: TextIO | None = None, status: TextIO | None = None):
        from chat.understanding.conversation import Conversation

        self.assistant = assistant
        self.backend = backend
        self.doc_id = doc_id
        self.conversation = Conversation()
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.status = status

    def handle(self, line: str) -> bool:
        """Answer one input line: a slash command or a question. Returns False when the user quits."""
        text = line.strip()
        if text.startswith(("/", "／")):
            return self.command(text[1:])
        self.answer(line)
        return True

    def command(self, text: str) -> bool:
        """Run a slash command given without its slash ("backend local"); False for /quit."""
        name, _, arg = text.strip().partition(" ")
        name, arg = name.lower(), arg.strip().lower()
        if name in ("quit", "exit", "q"):
            return False
        if name == "new":
            from chat.understanding.conversation import Conversation

            self.conversation = Conversation()
            self._say("已开始新的对话。")
        elif name == "help":
            print(HELP, file=self.out, flush=True)
        elif name == "backend" and not arg:
            print(f"当前回答方式：{self.backend}（可选：{'、'.join(BACKENDS)}）", file=self.out, flush=True)
        elif name == "backend" and arg in BACKENDS:
            self.backend = arg
            self._say(f"回答方式已切换为 {arg}。")
        elif name == "backend":
            self._error(f"未知的回答方式：{arg}（可选：{'、'.join(BACKENDS)}）")
        else:
            self._error(f"未知命令：/{name}（输入 /help 查看命令）")
        return True

    def answer(self, question: str) -> None:
        """Answer a question in the conversation and print it; a bad question prints one error line.

        A question the pipeline rejects (QuestionError) leaves the conversation as it was."""
        from chat.inputs import QuestionError

        try:
            answer = self._streamed(question)
        except QuestionError as exc:
            self._error(str(exc))
            return
        except Exception as exc:                    # a fault of one turn must not end the conversation
            reason = (str(exc).splitlines() or [""])[0][:120]
            self._error(f"回答时出错（{type(exc).__name__}：{reason}），请换个问法再试。")
            return
        print_answer(answer, self.out)
        print(file=self.out, flush=True)

    def _streamed(self, question: str):
        """The verified answer; on a terminal a model's expected wait and its words as they come go to the
        status stream first (provisional: the answer printed after them is what survived verification)."""
        answer, asked = None, False
        for event in self.assistant.stream(question, self.conversation, backend=self.backend, doc_id=self.doc_id):
            if event.kind == "status":
                asked = True
                self._say(event.text)
            elif event.kind == "delta" and asked and self.status is not None:
                print(event.text, end="", file=self.status, flush=True)
            elif event.kind == "answer":
                answer = event.answer
        if asked:
            self._say("\n（以上为模型原文，以下为核验后的回答）")
        return answer

    def _say(self, message: str) -> None:
        if self.status is not None:
            print(message, file=self.status, flush=True)

    def _error(self, message: str) -> None:
        print(f"错误：{message}", file=self.err, flush=True)


def read_lines(stream: TextIO, prompt: str | None) -> Iterator[str]:
    """Lines of ``stream`` without their newline; with a prompt, read by ``input`` (terminal editing)."""
    if prompt is None:
        for line in stream:
            yield line.rstrip("\r\n")
        return
    try:
        import readline  # noqa: F401  (arrow keys and history for input())
    except ImportError:
        pass
    while True:
        try:
            yield input(prompt)
        except EOFError:
            print(file=sys.stdout)                  # end the prompt's line
            return


def run_interactive(backend: str = "extractive", doc_id: str | None = None, stdin: TextIO | None = None) -> int:
    """The interactive chat loop over ``stdin`` (default sys.stdin). Returns 0, or 2 for an unknown doc_id."""
    stdin = stdin or sys.stdin
    terminal = stdin is sys.stdin and stdin.isatty()
    problem = check_doc(doc_id)
    if problem:
        return user_error(problem)
    try:
        if terminal:
            print("正在加载模型……", file=sys.stderr, flush=True)
        from chat.pipeline import Assistant

        session = ChatSession(Assistant.from_settings(), backend, doc_id, status=sys.stderr if terminal else None)
        if terminal:
            print(WELCOME, file=sys.stderr, flush=True)
        for line in read_lines(stdin, PROMPT if terminal else None):
            if not session.handle(line):
                break
    except KeyboardInterrupt:                       # Ctrl-C: leave quietly
        if terminal:
            print(file=sys.stderr)
    return 0
