"""multilingual-e5-small through ONNX Runtime: exported once from the assembled model, verified, cached.

``cache_root/models/multilingual-e5-small-q4-onnx/`` holds ``model.onnx`` (the BERT encoder from its
input embeddings on, mean pooling over the attention mask and L2 normalisation, as the
sentence-transformers folder of ``ingest/embedding_model.py`` computes them, exported with torch.onnx),
``word_embeddings.npy`` (the 250k x 384 token table, looked up in numpy from a memory map: the graph
stays small, so a session loads fast and a process pages in only the rows its questions use), the
model's own ``tokenizer.json`` and ``manifest.json``: what it was exported from (the model folder's manifest, by
sha256), how, and its verification against sentence-transformers on known sentences, each alone and all
in one padded batch (``EncoderSettings.min_onnx_cosine``). Like the model folder it is built in a
temporary sibling and renamed into place, under a lock. With ``EncoderSettings.quantize`` the encoder
runs ``model.int8.onnx``, the export with int8 dynamic quantisation (made on first use).

At query time only ``onnxruntime`` and ``tokenizers`` are imported: exporting and verifying need torch,
running does not.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pathlib
import shutil
import sys
import warnings
from typing import Any

import numpy as np

from config import EncoderSettings

from .embedding_model import MODEL_ID, PROBES, build_once, ensure_model

EXPORTER_VERSION = "2"                  # 2: token table outside the graph
_FOLDER = "multilingual-e5-small-q4-onnx"
PREFIXES = {"query": "query: ", "passage": "passage: "}
KNOWN = PROBES + tuple(("query", q) for q in (
    "2030年城市人口目标是多少？", "那城市建成区面积呢？", "低空经济有哪些安排", "黔江“十五五”时期的主要目标",
    "看病难怎么解决", "第7条讲了什么", "哪些条提到乡村振兴", "渝湘高铁什么时候建成"))


def onnx_dir(cache_root: pathlib.Path, model_folder: pathlib.Path | None = None) -> pathlib.Path:
    """Where the exported encoder lives under ``cache_root``; the export of another model folder (a
    fine-tuned one, ingest/domain_tuning.py) lives beside it as ``<folder name>-onnx``, so none mix."""
    if model_folder is not None:
        return model_folder.parent / f"{model_folder.name}-onnx"
    return pathlib.Path(cache_root) / "models" / _FOLDER


def _sources(model_folder: pathlib.Path, settings: EncoderSettings, model_id: str = MODEL_ID) -> dict[str, Any]:
    """Identity of an export: the model folder's manifest, exporter, opset, truncation, torch version."""
    with (model_folder / "manifest.json").open("rb") as handle:
        model_manifest = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"model_id": model_id, "model_manifest_sha256": model_manifest, "exporter_version": EXPORTER_VERSION,
            "opset": settings.onnx_opset, "max_tokens": settings.max_tokens,
            "torch": importlib.metadata.version("torch")}


def _export(model_folder: pathlib.Path, out: pathlib.Path, settings: EncoderSettings) -> None:
    """Trace BERT + mean pooling + L2 normalisation into ``out/model.onnx`` (batch and length dynamic)."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        """The sentence-transformers modules in one graph: Transformer, Pooling (mean), Normalize."""

        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    model = Pooled(AutoModel.from_pretrained(str(model_folder))).eval()
    words = model.bert.get_input_embeddings().weight.detach()
    np.save(out / "word_embeddings.npy", words.numpy().astype(np.float32))
    ids = torch.tensor([[0, 6, 100, 200, 2], [0, 6, 2, 1, 1]])          # a padded batch: the mask stays live
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    dynamic = {"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
               "embedding": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")             # the tracer's notes on shape-dependent Python branches
        torch.onnx.export(model, (words[ids], mask), str(out / "model.onnx"),
                          input_names=["inputs_embeds", "attention_mask"],
                          output_names=["embedding"], dynamic_axes=dynamic, opset_version=settings.onnx_opset,
                          dynamo=False)
    shutil.copyfile(model_folder / "tokenizer.json", out / "tokenizer.json")


def _quantised(folder: pathlib.Path) -> pathlib.Path:
    """``model.int8.onnx`` beside the export (int8 dynamic quantisation of its weights), made once."""
    target = folder / "model.int8.onnx"
    if not target.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = folder / f".model.int8.tmp-{os.getpid()}.onnx"
        quantize_dynamic(str(folder / "model.onnx"), str(tmp), weight_type=QuantType.QInt8)
        tmp.rename(target)
    return target


class OnnxEncoder:
    """The exported e5 model run by onnxruntime: the model's tokenizer, its ``query: `` / ``passage: ``
    prompts, vectors mean-pooled and L2-normalised inside the graph."""

    def __init__(self, folder: pathlib.Path, settings: EncoderSettings):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = pathlib.Path(folder)
        self.settings = settings
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(settings.max_tokens)       # keeps </s>, as sentence-transformers does
        self.pad_id = self.tokenizer.token_to_id("<pad>")
        self.words = np.load(self.folder / "word_embeddings.npy", mmap_mode="r")
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if settings.spin else "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        model = _quantised(self.folder) if settings.quantize else self.folder / "model.onnx"
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.model_file = model.name

    def encode(self, texts: list[str], kind: str = "query") -> np.ndarray:
        """Vectors of ``texts`` with the ``kind`` prompt ("query" or "passage"), shape (len(texts), 384)."""
        prefix = PREFIXES[kind]
        out = []
        for start in range(0, len(texts), self.settings.batch_size):
            encodings = self.tokenizer.encode_batch([prefix + t for t in texts[start:start + self.settings.batch_size]])
            width = max(len(e.ids) for e in encodings)
            ids = np.full((len(encodings), width), self.pad_id, np.int64)
            mask = np.zeros((len(encodings), width), np.int64)
            for row, e in enumerate(encodings):
                ids[row, :len(e.ids)] = e.ids
                mask[row, :len(e.ids)] = 1
            out.append(self.session.run(None, {"inputs_embeds": self.words[ids], "attention_mask": mask})[0])
        return np.concatenate(out) if out else np.zeros((0, 384), np.float32)


def verify_onnx(folder: pathlib.Path, model_folder: pathlib.Path, settings: EncoderSettings) -> float:
    """Minimum cosine between ``folder``'s vectors and sentence-transformers' on ``KNOWN``, each sentence
    alone and all in one padded batch; raises RuntimeError below ``settings.min_onnx_cosine``."""
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_folder), device="cpu")
    encoder = OnnxEncoder(folder, settings)
    cosines = []
    for kind in PREFIXES:
        texts = [text for k, text in KNOWN if k == kind]
        expected = reference.encode(texts, prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
        alone = np.concatenate([encoder.encode([t], kind) for t in texts])
        cosines += [*(expected * alone).sum(1), *(expected * encoder.encode(texts, kind)).sum(1)]
    if min(cosines) < settings.min_onnx_cosine:
        raise RuntimeError(f"{folder}: cosine vs sentence-transformers {min(cosines):.7f} < {settings.min_onnx_cosine}")
    return float(min(cosines))


def _manifest(folder: pathlib.Path) -> dict[str, Any]:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ensure_onnx(cache_root: pathlib.Path, settings: EncoderSettings, progress: bool = True,
                model_folder: pathlib.Path | None = None, model_id: str = MODEL_ID) -> pathlib.Path:
    """Export and verify the encoder of the base model (or of ``model_folder``, named ``model_id``) unless a
    matching verified export exists; return its folder."""
    folder = onnx_dir(cache_root, model_folder)
    model_folder = model_folder or ensure_model(cache_root, progress)
    sources = _sources(model_folder, settings, model_id)

    def fresh() -> bool:
        manifest = _manifest(folder)
        return (manifest.get("sources") == sources
                and manifest.get("verification", {}).get("min_cosine", 0) >= settings.min_onnx_cosine)

    def build(tmp: pathlib.Path) -> dict[str, Any]:
        if progress:
            print("[embedder] exporting the e5 model to ONNX (once) …", file=sys.stderr, flush=True)
        _export(model_folder, tmp, settings)
        sha256 = {}
        for name in ("model.onnx", "word_embeddings.npy"):
            with (tmp / name).open("rb") as handle:
                sha256[name] = hashlib.file_digest(handle, "sha256").hexdigest()
        return {"sources": sources, "sha256": sha256,
                "verification": {"min_cosine": verify_onnx(tmp, model_folder, settings),
                                 "sentences": len(KNOWN), "threshold": settings.min_onnx_cosine,
                                 "against": "sentence-transformers " + importlib.metadata.version(
                                     "sentence-transformers")}}

    return build_once(folder, fresh, build)


def describe(folder: pathlib.Path, encoder: OnnxEncoder, model_id: str = MODEL_ID) -> dict[str, Any]:
    """What the index manifest records of this query encoder: runtime, model, file, its sha256, verification."""
    manifest = _manifest(folder)
    return {"backend": "onnxruntime " + importlib.metadata.version("onnxruntime"), "model_id": model_id,
            "file": encoder.model_file, "sha256": manifest.get("sha256", {}).get("model.onnx", "")[:16],
            "min_cosine": manifest.get("verification", {}).get("min_cosine")}
