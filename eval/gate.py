"""The CI gate: the dev-set figures must reach ``gate.json`` and beat the naive baseline."""
from __future__ import annotations

import json
from pathlib import Path

GATE_FILE = Path(__file__).with_name("gate.json")


def check_gate(ours: dict, baseline: dict | None, gate_file: Path = GATE_FILE, section: str | None = None) -> list[str]:
    """Failures as readable lines; an empty list means the gate passes. ``section``: a question set's
    own bounds in gate.json ("blind", "dev2", "dev3", "dev4"); None for the dev set's ("ours", "beat_baseline")."""
    gate = json.loads(gate_file.read_text(encoding="utf-8"))
    if section is not None:
        gate = gate[section]
    failures = []
    for group, bounds in gate.get("ours", {}).items():
        for metric, bound in bounds.items():
            value = ours.get(group, {}).get(metric)
            if value is None:
                failures.append(f"{group} {metric}: not measured")
            elif "min" in bound and value < bound["min"]:
                failures.append(f"{group} {metric} = {value:.3f} < {bound['min']}")
            elif "max" in bound and value > bound["max"]:
                failures.append(f"{group} {metric} = {value:.3f} > {bound['max']}")
    if baseline is not None:
        for group, metrics in gate.get("beat_baseline", {}).items():
            for metric in metrics:
                mine, theirs = ours.get(group, {}).get(metric), baseline.get(group, {}).get(metric)
                if mine is None or theirs is None or mine <= theirs:
                    failures.append(f"{group} {metric}: ours {mine} does not beat the baseline's {theirs}")
    return failures


def frozen_file(section: str, gate_file: Path = GATE_FILE) -> Path:
    """The question file of a frozen set, after checking its sha256 against gate.json; raises
    ValueError when the file was edited."""
    import hashlib

    entry = json.loads(gate_file.read_text(encoding="utf-8"))[section]
    path = gate_file.with_name(entry["file"])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise ValueError(f"{path.name} was edited (sha256 {digest[:12]}…, frozen {entry['sha256'][:12]}…)")
    return path
