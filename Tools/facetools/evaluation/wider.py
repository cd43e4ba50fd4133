"""WIDER FACE easy/medium/hard AP, as the official eval_tools compute it.

Ground truth and detection files: wider_files.py. Boxes are x y w h; detections add a score.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ap import voc_ap
from .wider_files import SETTINGS, WiderGroundTruth, load_wider_detections, load_wider_ground_truth

WIDER_THRESHOLDS = 1000


@dataclass
class WiderResult:
    setting: str
    ap: float
    faces: int              # faces that count at this level (recall denominator)
    precision: np.ndarray   # per threshold 0.999, 0.998, ..., 0.0
    recall: np.ndarray


def _normalise_scores(preds: dict) -> dict:
    """Sort each image's detections by score (descending, stable, as MATLAB's sort) and map all
    scores with one global min/max onto [0, 1], as the official code does.

    Deviation: when every score is equal the official code divides by zero (NaN: nothing is ever
    kept); here every score becomes 1.0 so all detections count at every threshold.
    """
    preds = {k: np.array(p, dtype=np.float64).reshape(-1, 5) for k, p in preds.items()}
    scores = [p[:, 4] for p in preds.values() if len(p)]
    if not scores:
        return preds
    every = np.concatenate(scores)
    lo, hi = float(every.min()), float(every.max())
    out = {}
    for key, p in preds.items():
        p = p[np.argsort(-p[:, 4], kind="stable")]
        p[:, 4] = 1.0 if hi == lo else (p[:, 4] - lo) / (hi - lo)
        out[key] = p
    return out


def _wider_overlaps(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """IoU [P,G] with the official inclusive-pixel convention: x2 = x + w, width = x2 - x1 + 1."""
    p = pred[:, :4].copy()
    g = gt[:, :4].copy()
    p[:, 2:] += p[:, :2]
    g[:, 2:] += g[:, :2]
    iw = np.minimum(p[:, None, 2], g[None, :, 2]) - np.maximum(p[:, None, 0], g[None, :, 0]) + 1
    ih = np.minimum(p[:, None, 3], g[None, :, 3]) - np.maximum(p[:, None, 1], g[None, :, 1]) + 1
    inter = iw * ih
    area_p = (p[:, 2] - p[:, 0] + 1) * (p[:, 3] - p[:, 1] + 1)
    area_g = (g[:, 2] - g[:, 0] + 1) * (g[:, 3] - g[:, 1] + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ov = inter / (area_g[None, :] + area_p[:, None] - inter)
    ov[(iw <= 0) | (ih <= 0)] = 0.0
    return ov


def _wider_image_eval(overlaps: np.ndarray, keep: np.ndarray, iou: float):
    """Per detection (score order): recalled-face count so far, and whether it is a proposal.

    Each detection looks only at its single best-overlapping face among ALL faces (first on
    ties). If that overlap reaches `iou`: a face outside the keep list makes the detection
    ignored (not a proposal); a kept face is recalled the first time it is hit, later hits are
    still proposals (so they cost precision). Below `iou` the detection is a plain proposal.
    """
    best = overlaps.argmax(axis=1)
    hit = overlaps[np.arange(len(best)), best] >= iou
    ignored = hit & ~keep[best]
    kept_hit = hit & keep[best]
    first = np.zeros(len(best), dtype=bool)
    hits = np.nonzero(kept_hit)[0]
    if len(hits):
        _, first_pos = np.unique(best[hits], return_index=True)
        first[hits[first_pos]] = True
    return np.cumsum(first), ~ignored


def _wider_image_pr(scores: np.ndarray, proposal: np.ndarray, pred_recall: np.ndarray,
                    thresholds: np.ndarray) -> np.ndarray:
    """[T,2] (proposals, recalled faces) counting the detections with score >= each threshold."""
    count = np.searchsorted(-scores, -thresholds, side="right")  # scores are sorted descending
    out = np.zeros((len(thresholds), 2))
    some = count > 0
    cum_prop = np.cumsum(proposal)
    out[some, 0] = cum_prop[count[some] - 1]
    out[some, 1] = pred_recall[count[some] - 1]
    return out


def evaluate_wider(gt: WiderGroundTruth, preds: dict, iou: float = 0.5) -> dict:
    """{setting: WiderResult} for easy/medium/hard. preds: {(event, name): [N,5] x y w h score}."""
    thresholds = 1.0 - np.arange(1, WIDER_THRESHOLDS + 1) / WIDER_THRESHOLDS
    norm = _normalise_scores({(im.event, im.name): preds.get((im.event, im.name), np.zeros((0, 5)))
                              for im in gt.images})
    curves = {s: np.zeros((WIDER_THRESHOLDS, 2)) for s in SETTINGS}
    faces = {s: 0 for s in SETTINGS}
    for im in gt.images:
        p = norm[(im.event, im.name)]
        for s in SETTINGS:
            faces[s] += int(im.keep[s].sum())
        # As in the official code: an image with no faces or no detections adds nothing
        # (its detections are not charged as false positives).
        if len(im.boxes) == 0 or len(p) == 0:
            continue
        ov = _wider_overlaps(p, im.boxes)
        for s in SETTINGS:
            pred_recall, proposal = _wider_image_eval(ov, im.keep[s], iou)
            curves[s] += _wider_image_pr(p[:, 4], proposal, pred_recall, thresholds)
    results = {}
    for s in SETTINGS:
        c = curves[s]
        with np.errstate(divide="ignore", invalid="ignore"):
            precision = c[:, 1] / c[:, 0]
            recall = c[:, 1] / faces[s] if faces[s] else np.full(len(c), np.nan)
        results[s] = WiderResult(s, voc_ap(recall, precision) if faces[s] else float("nan"),
                                 faces[s], precision, recall)
    return results


def evaluate_wider_folder(gt_dir: str, pred_dir: str, iou: float = 0.5) -> dict:
    gt = load_wider_ground_truth(gt_dir)
    return evaluate_wider(gt, load_wider_detections(pred_dir, gt), iou)
