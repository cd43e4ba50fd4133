"""Readers for the FDDB evaluation inputs: the FDDB-folds ellipse lists and detections in the
official detection-file layout (both: name line, count line, one line per face or box).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .inputs import EvalInputError, image_key, load_detections


@dataclass
class FddbImage:
    name: str               # e.g. 2002/08/11/big/img_591 (no extension)
    ellipses: np.ndarray    # [N,5] major radius, minor radius, angle (rad), centre x, centre y


def _read_blocks(path: str, width: int, what: str):
    """FDDB-style blocks: name line, count line, count lines of >= width numbers."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.strip() for ln in f.read().splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"cannot read {what} {path}: {exc}") from exc
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        name = lines[i]
        if i + 1 >= len(lines):
            raise EvalInputError(f"{path}:{i + 1}: {name!r} has no count line")
        try:
            n = int(lines[i + 1])
        except ValueError:
            raise EvalInputError(f"{path}:{i + 2}: expected a count, got {lines[i + 1]!r}") from None
        rows = np.zeros((n, width))
        for k in range(n):
            ln = i + 2 + k
            try:
                vals = [float(v) for v in lines[ln].split()[:width]] if ln < len(lines) else []
            except ValueError:
                vals = []
            if len(vals) != width:
                raise EvalInputError(f"{path}:{ln + 1}: expected {width} numbers for {name!r}")
            rows[k] = vals
        yield image_key(name), rows
        i += 2 + n


def load_fddb_annotations(folds_dir: str, folds=range(1, 11)) -> list:
    """The FDDB-fold-NN-ellipseList.txt files (ellipse: major r, minor r, angle, cx, cy, 1)."""
    out = []
    for fold in folds:
        path = os.path.join(folds_dir, f"FDDB-fold-{int(fold):02d}-ellipseList.txt")
        if not os.path.isfile(path):
            raise EvalInputError(f"FDDB annotation file not found: {path}")
        out.extend(FddbImage(name, rows) for name, rows in _read_blocks(path, 5, "FDDB annotations"))
    return out


def load_fddb_detections(source) -> dict:
    """{name: [N,5] x y w h score} from the official detection file layout (one file, or a folder
    of them, e.g. fold-NN-out.txt), a JSONL of {"image", "boxes"}, or a dict."""
    if isinstance(source, dict) or (not os.path.isdir(source) and os.fspath(source).endswith(".jsonl")):
        return load_detections(source)
    path = os.fspath(source)
    files = ([os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".txt")]
             if os.path.isdir(path) else [path])
    if not files or not os.path.isfile(files[0]):
        raise EvalInputError(f"FDDB detections not found: {path}")
    out = {}
    for fp in files:
        for name, rows in _read_blocks(fp, 5, "FDDB detections"):
            out[name] = np.concatenate([out[name], rows]) if name in out else rows
    return out
