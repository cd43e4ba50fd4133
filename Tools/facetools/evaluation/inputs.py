"""What every protocol is given besides its ground truth: detections, and the error for bad input.

Detections come as a folder in the WIDER submission layout (<dir>/<relative image path>.txt:
image name, box count N, then N lines "x y w h score"), a JSONL of
{"image": ..., "boxes": [[x, y, w, h, score], ...]}, or a dict {image: [[x, y, w, h, score], ...]}.
Pictures are matched by their path without extension (`image_key`).
"""
from __future__ import annotations

import os

import numpy as np

from ..labels import LabelsError, json_lines
from ..labels import parse_boxes as _parse_boxes


class EvalInputError(Exception):
    """Bad evaluation input (missing file, wrong layout, unparsable line); the message names it."""


def parse_boxes(value, where: str, width: int) -> np.ndarray:
    """facetools.labels' box rule (lists of `width` finite numbers), as an evaluation error."""
    try:
        return _parse_boxes(value, where, width)
    except LabelsError as exc:
        raise EvalInputError(str(exc)) from None


def image_key(name: str) -> str:
    """A picture's name as detections and ground truth are matched: / separators, no leading
    ./, no extension."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return os.path.splitext(name)[0]


def read_wider_detection_file(path: str) -> np.ndarray:
    """One submission file -> [N,5] float64 (x, y, w, h, score), in file order.

    The box count on line 2 is authoritative (as in the official reader); fewer box lines than
    announced, extra non-empty lines or unparsable numbers are errors that name the file and line.
    """
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.strip() for ln in f.read().splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"cannot read detections file {path}: {exc}") from exc
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) < 2:
        raise EvalInputError(f"{path}: expected an image name line and a box count line")
    try:
        n = int(float(lines[1]))
    except ValueError:
        raise EvalInputError(f"{path}: line 2 should be the number of boxes, got {lines[1]!r}") from None
    if n < 0 or len(lines) - 2 != n:
        raise EvalInputError(f"{path}: line 2 announces {n} boxes but {len(lines) - 2} box lines follow")
    out = np.zeros((n, 5), dtype=np.float64)
    for k in range(n):
        parts = lines[2 + k].split()
        try:
            values = [float(v) for v in parts[:5]]
        except ValueError:
            values = []
        if len(values) != 5:
            raise EvalInputError(f"{path}: line {3 + k} should be 'x y w h score', got {lines[2 + k]!r}")
        out[k] = values
    return out


def load_detections(source) -> dict:
    """Detections -> {image key (path without extension): [N,5] x y w h score}.

    source: a WIDER-format folder (any depth; <dir>/<relative image path>.txt), a JSONL file of
    {"image": ..., "boxes": [[x, y, w, h, score], ...]}, or a dict {image: [[x, y, w, h, s], ...]}.
    """
    if isinstance(source, dict):
        return {image_key(k): parse_boxes(v, f"detections[{k!r}]", 5) for k, v in source.items()}
    path = os.fspath(source)
    out = {}
    if os.path.isdir(path):
        for root, _dirs, files in os.walk(path):
            for fn in sorted(files):
                if fn.endswith(".txt"):
                    full = os.path.join(root, fn)
                    out[image_key(os.path.relpath(full, path))] = read_wider_detection_file(full)
        if not out:
            raise EvalInputError(f"{path}: no detection .txt files found")
        return out
    if not os.path.isfile(path):
        raise EvalInputError(f"detections not found: {path}")
    for n, obj in json_lines(path, EvalInputError):
        if not isinstance(obj, dict) or not isinstance(obj.get("image"), str):
            raise EvalInputError(f"{path}:{n}: expected {{\"image\": ..., \"boxes\": [[x, y, w, h, score], ...]}}")
        key = image_key(obj["image"])
        boxes = parse_boxes(obj.get("boxes"), f"{path}:{n}", 5)
        out[key] = np.concatenate([out[key], boxes]) if key in out else boxes
    return out
