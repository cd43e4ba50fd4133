"""Scores that mean what they say, and the threshold to ship, from the training side only.

The detector's raw softmax score is shaped by the OHEM sampling ratio, not by how often a
box is a face. After training, the exported model is run on the validation split
(`splits.py`: hand-labelled pictures of `train/` and held-out face-free pictures), each
detection is matched to the labels (IoU 0.5, ignore regions as in evaluation), and a
logistic (Platt) map score' = sigmoid(a * logit(score) + b) is fitted to whether it was a
face. The map is folded into the classification heads (face logit x a + b, background
logit x a), so the engine needs nothing new. The shipped threshold is then the lowest
calibrated score at which validation precision reaches the target, pooled and in each
hand-labelled set large enough to judge, i.e. the most recall that precision allows
everywhere (one set's high precision must not pay for another's). `eval/` and `photos/` are
never read here.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .data import load_sets
from .evaluation.ap import voc_ap
from .evaluation.labelled_ap import DROP_FLAG, DROP_REGION, TP, match_image
from .labels import PictureLabels
from .splits import split

# Hand-labelled training sets (the box style of eval/) and the sets holding face-free pictures.
HAND_SETS = ["train/eden_mask_wearing", "train/caltech_webfaces", "train/kaggle_face_mask"]
FACE_FREE_SETS = ["pseudo/scenes", "pseudo/video_frames", "pseudo/coco128", "pseudo/pedestrian_streets_lschen"]
FIT_MIN_SCORE = 0.05
# A set's own precision is judged only with this many validation faces (one box moves kaggle's 27 by 4 %).
PER_SET_MIN_FACES = 200
# The validation group of held-out face-free pictures (every box on them is false).
FACE_FREE_GROUP = "face-free"


@dataclass
class Validation:
    scores: np.ndarray    # every scored detection (drops on ignore regions removed)
    is_face: np.ndarray   # bool, per detection, at IoU 0.5
    is_face_03: np.ndarray  # bool, per detection, at IoU 0.3
    faces: int            # labelled faces
    pictures: int
    face_free_pictures: int


def validation_groups(data_root: str) -> dict[str, list]:
    """The validation split by set: each hand-labelled set, then the held-out face-free pictures."""
    groups = {s: split(load_sets([s], data_root))[1] for s in HAND_SETS}
    groups[FACE_FREE_GROUP] = [r for r in split(load_sets(FACE_FREE_SETS, data_root))[1] if r.face_free]
    return groups


def validation_records(data_root: str):
    return pooled(validation_groups(data_root))


def pooled(groups: dict[str, list]):
    """All validation pictures of the groups in one list, and how many of them are face-free."""
    return [r for records in groups.values() for r in records], len(groups[FACE_FREE_GROUP])


def merged(parts: list[Validation]) -> Validation:
    """One validation of several sets' (detections are per picture, so they simply add up)."""
    cat = lambda name, t: np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros(0, t)
    return Validation(cat("scores", np.float64), cat("is_face", bool), cat("is_face_03", bool),
                      sum(p.faces for p in parts), sum(p.pictures for p in parts),
                      sum(p.face_free_pictures for p in parts))


@torch.no_grad()
def collect(model, inp: dict, det: dict, records, min_score: float = 0.02) -> Validation:
    from .infer import detect_image
    scores, face, face03 = [], [], []
    faces = 0
    for r in records:
        img = Image.open(r.path).convert("RGB")
        d = np.asarray(detect_image(model, inp, det, img, min_score), dtype=np.float64).reshape(-1, 5)
        d = d[np.argsort(-d[:, 4], kind="stable")]
        xywh = lambda a: np.concatenate([a[:, :2], a[:, 2:] - a[:, :2]], 1) if len(a) else np.zeros((0, 4))
        lab = PictureLabels(image=r.path, boxes=xywh(r.boxes), scored=np.ones(len(r.boxes), bool),
                            ignore=xywh(r.ignore))
        out5 = match_image(d, lab, 0.5)
        out3 = match_image(d, lab, 0.3)
        keep = (out5 != DROP_REGION) & (out5 != DROP_FLAG)
        scores.append(d[keep, 4])
        face.append(out5[keep] == TP)
        face03.append(out3[keep] == TP)
        faces += len(r.boxes)
    cat = lambda xs, t: np.concatenate(xs) if xs else np.zeros(0, t)
    return Validation(cat(scores, np.float64), cat(face, bool), cat(face03, bool), faces, len(records),
                      sum(r.face_free for r in records))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def fit_platt(scores: np.ndarray, is_face: np.ndarray) -> tuple[float, float]:
    """a, b minimising the logistic loss of sigmoid(a * logit(s) + b): Newton's method with a
    backtracking line search (plain Newton overshoots from a poor start)."""
    keep = scores >= FIT_MIN_SCORE
    x, y = logit(scores[keep]), is_face[keep].astype(np.float64)

    def loss(a, b):
        z = a * x + b
        return float(np.sum(np.logaddexp(0, z) - y * z))

    a, b = 1.0, 0.0
    current = loss(a, b)
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(a * x + b, -50, 50)))
        g = np.array([np.sum((p - y) * x), np.sum(p - y)])
        w = p * (1 - p) + 1e-9
        h = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        t = 1.0
        while t > 1e-6 and loss(a - t * step[0], b - t * step[1]) > current:
            t /= 2
        a, b = a - t * step[0], b - t * step[1]
        new = loss(a, b)
        if current - new < 1e-10 * max(1.0, abs(current)):
            break
        current = new
    return float(a), float(b)


def calibrated(scores: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(a * logit(scores) + b)))


def fold_platt(tensors: dict, a: float, b: float) -> dict:
    """Heads whose softmax gives sigmoid(a * (face - background) + b): both logits x a, face + b.
    Channels of a cls head are (background, face) per anchor."""
    out = dict(tensors)
    for name in list(tensors):
        if name.endswith("_cls.weight"):
            out[name] = tensors[name] * a
        elif name.endswith("_cls.bias"):
            bias = tensors[name] * a
            bias[1::2] += b
            out[name] = bias
    return out


def precision_recall(v: Validation, threshold: float, iou: float = 0.5) -> tuple[float, float, int, int]:
    hit = v.is_face if iou == 0.5 else v.is_face_03
    sel = v.scores >= threshold
    tp, fp = int((sel & hit).sum()), int((sel & ~hit).sum())
    return tp / max(tp + fp, 1), tp / max(v.faces, 1), tp, fp


def operating_threshold(v: Validation, precision_target: float, floor: float = 0.3) -> float:
    """The lowest threshold (on a 0.01 grid, at least `floor`) whose precision reaches the target."""
    return lowest_threshold([v], precision_target, floor)


def shipped_threshold(pooled: Validation, sets: dict[str, Validation], precision_target: float,
                      floor: float = 0.3) -> float:
    """The lowest threshold at which the pooled validation and each set with at least
    PER_SET_MIN_FACES labelled faces reach the target precision."""
    judged = [pooled] + [v for v in sets.values() if v.faces >= PER_SET_MIN_FACES]
    return lowest_threshold(judged, precision_target, floor)


def lowest_threshold(validations: list[Validation], precision_target: float, floor: float) -> float:
    """The lowest threshold (0.01 grid, at least `floor`) at which every one reaches the target; 0.99 if none."""
    for t in (round(float(t), 2) for t in np.arange(floor, 0.995, 0.01)):
        if all(precision_recall(v, t)[0] >= precision_target for v in validations):
            return t
    return 0.99


def average_precision(v: Validation, iou: float = 0.5) -> float:
    """VOC all-points AP of the validation detections (the rule of facetools.evaluation)."""
    hit = (v.is_face if iou == 0.5 else v.is_face_03)[np.argsort(-v.scores, kind="stable")]
    tp, fp = np.cumsum(hit), np.cumsum(~hit)
    return float(voc_ap(tp / max(v.faces, 1), tp / np.maximum(tp + fp, 1)))


def reliability_table(v: Validation, edges=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)) -> str:
    rows = ["| score | detections | faces | share that are faces |", "| --- | ---: | ---: | ---: |"]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (v.scores >= lo) & (v.scores < hi)
        n = int(sel.sum())
        share = f"{v.is_face[sel].mean():.2f}" if n else "-"
        rows.append(f"| {lo:.2f}–{min(hi, 1.0):.2f} | {n} | {int(v.is_face[sel].sum())} | {share} |")
    return "\n".join(rows)
