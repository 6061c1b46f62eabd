"""The command line as a user runs it (``python -m chat`` in a subprocess, real model and index):
the interactive chat from a pipe and on a terminal, Chinese help and kinds, one-line user errors.

Each interactive run loads the model (~10 s), so the cases share two runs; the error cases exit
before any model loads."""
from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
FOLLOW_UP = "那城市建成区面积呢？"
REWRITTEN = "（已结合上文理解为：2030年城市建成区面积是多少？）"
BACKEND_LINE = "当前回答方式：extractive（可选：extractive、local、openai）"


def chat(*args: str, stdin: str | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """``python -m chat ARGS`` from the project root, with the caller's environment (PLANQA_CACHE)."""
    return subprocess.run([sys.executable, "-m", "chat", *args], input=stdin or "", cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout)


def test_interactive_from_a_pipe_follows_up_and_takes_commands():
    lines = ["2030年城市人口目标是多少？", FOLLOW_UP, "/help", "/backend", "/backend nope", "", "/foo",
             "/new", FOLLOW_UP, "/quit", "低空经济怎么发展？"]
    run = chat(stdin="".join(f"{line}\n" for line in lines))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    out = run.stdout
    assert "问>" not in out                                  # no prompt when stdin is a pipe

    answers, rest = out.split("可用命令：")
    first, second, tail = answers.split("\n\n")
    assert "33万人" in first and "30平方公里" in second and tail == ""
    assert second.startswith("到2030年，城市建成区面积达到30平方公里") and REWRITTEN in second

    assert "/new" in rest and "/backend" in rest and "/quit" in rest and "退出" in rest     # /help, in Chinese
    help_text, after_new = rest.split(BACKEND_LINE + "\n")
    # after /new the same words are a fresh question: answered, but no longer read as "2030年…是多少"
    assert after_new.strip() and "〔第7条〕" in after_new
    assert REWRITTEN not in after_new and after_new.strip() != second.strip()
    assert out.count(REWRITTEN) == 1
    assert "低空" not in out                                 # nothing after /quit is read

    errors = run.stderr.strip().splitlines()
    assert len(errors) == 3, run.stderr                      # /backend nope, the empty line, /foo
    assert "未知的回答方式：nope" in errors[0] and "问题为空" in errors[1] and "未知命令：/foo" in errors[2]


def _read_until(fd: int, buffer: bytearray, token: str, timeout: float) -> bool:
    """Read the terminal's output into ``buffer`` until ``token`` appears or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while token.encode() not in buffer and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                buffer += os.read(fd, 4096)
            except OSError:                                  # the child closed the terminal
                break
    return token.encode() in buffer


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
def test_interactive_on_a_terminal_prompts_and_ctrl_c_exits_cleanly():
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "chat"], cwd=PROJECT, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    screen = bytearray()
    try:
        assert _read_until(master, screen, "问> ", 300), screen.decode(errors="replace")
        assert "/help" in screen.decode()                    # the welcome line
        screen.clear()
        os.write(master, "2030年城市人口目标是多少？\n".encode())
        assert _read_until(master, screen, "33万人", 120), screen.decode(errors="replace")
        assert _read_until(master, screen, "问> ", 60)      # the prompt is back after the answer
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)                      # Ctrl-C at the prompt
        assert proc.wait(timeout=60) == 0
        _read_until(master, screen, "never", 1)
        assert "Traceback" not in screen.decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_help_is_chinese():
    for args in ((), ("retrieve",), ("ask",), ("targets",), ("brief",)):
        run = chat(*args, "-h")
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("用法：python -m chat") and "显示本帮助并退出" in run.stdout
        for english in ("usage:", "positional arguments", "options:", "show this help", "ranked articles"):
            assert english not in run.stdout, (args, english)
    assert "交互式问答" in chat("-h").stdout


def test_targets_take_chinese_kinds():
    goal = chat("targets", "--kind", "目标")
    assert goal.returncode == 0, goal.stderr
    assert goal.stdout == chat("targets", "--kind", "goal").stdout
    assert "33万人" in goal.stdout and "  成果  " not in goal.stdout
    result = chat("targets", "--json", "--kind", "成果")
    assert result.returncode == 0 and result.stdout == chat("targets", "--json", "--kind", "result").stdout
    bad = chat("targets", "--kind", "计划")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "成果、目标、远景、其他" in bad.stderr


@pytest.mark.parametrize("args, says", [
    (("ask", "--doc", "no-such-doc", "2030年城市人口目标是多少？"), "没有这个文档：no-such-doc"),
    (("ask", ""), "问题为空"),
    (("ask", "x" * 600), "问题过长"),
    (("retrieve", " \t "), "问题为空"),
    (("ask", "--backend", "gpt", "低空经济"), "参数 --backend 的取值无效"),
    (("brief", "--questions", "no/such/file.txt"), "无法读取问题清单"),
    (("brief", "--questions", "tests"), "这是一个目录"),
    (("--doc", "x", "ask", "低空经济"), "只用于交互式问答"),
    (("--doc", "no-such-doc"), "没有这个文档"),
])
def test_user_errors_exit_2_with_one_chinese_line(args, says):
    run = chat(*args, timeout=120)              # all of these stop before the model loads
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert says in run.stderr and "错误" in run.stderr
