"""The CI gate: the dev-set figures must reach ``gate.json`` and beat the naive baseline."""
from __future__ import annotations

import json
from pathlib import Path

GATE_FILE = Path(__file__).with_name("gate.json")


def check_gate(ours: dict, baseline: dict | None, gate_file: Path = GATE_FILE) -> list[str]:
    """Failures as readable lines; an empty list means the gate passes."""
    gate = json.loads(gate_file.read_text(encoding="utf-8"))
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
