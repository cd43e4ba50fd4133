"""VOC all-points AP on our own labelled sets (labels.jsonl): ignore regions and dlib ignore
flags honoured, one IoU threshold. Sources/Evaluation/AveragePrecision.swift mirrors it.

    from facetools.evaluation import evaluate_ap
    result = evaluate_ap("eval/eden_mask_wearing/labels.jsonl", {"images/x.jpg": [[x, y, w, h, s], ...]}, 0.5)
    result.ap

Labels are read by facetools.labels; boxes are x y w h; detections add a score.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..labels import LabelsError, PictureLabels, parse_line, read_labels
from .ap import voc_ap
from .inputs import EvalInputError, image_key, load_detections


# Ignore-region rule of data/eval/README.md.
REGION_IOU = 0.3
REGION_INSIDE = 0.5


@dataclass
class APResult:
    iou: float
    ap: float
    faces: int               # labelled faces that count (recall denominator)
    images: int
    detections: int          # all detections given for these images
    true_positives: int      # at the lowest score
    false_positives: int
    dropped_by_region: int   # unmatched detections on an ignore region
    dropped_by_flag: int     # detections matched to a dlib ignore-flagged box
    thresholds: np.ndarray = field(repr=False, default=None)  # distinct scores, descending
    precision: np.ndarray = field(repr=False, default=None)
    recall: np.ndarray = field(repr=False, default=None)

    @property
    def max_recall(self) -> float:
        return float(self.recall[-1]) if self.recall is not None and len(self.recall) else 0.0


def load_labels(source) -> list[PictureLabels]:
    """labels.jsonl path, or an iterable of already-parsed label dicts (or PictureLabels)."""
    try:
        if isinstance(source, (str, os.PathLike)):
            return read_labels(source)
        return [x if isinstance(x, PictureLabels) else parse_line(x, f"labels[{i}]")
                for i, x in enumerate(source)]
    except LabelsError as exc:
        raise EvalInputError(str(exc)) from None


def _attach_detections(labels: list, dets: dict) -> list:
    """Detections per labelled image, found by relative path, else by unique file stem.
    Detections for images that are not in the labels are an error (a mismatched folder would
    otherwise silently score zero)."""
    by_stem, stems_seen = {}, {}
    for k in dets:
        stem = k.rsplit("/", 1)[-1]
        stems_seen[stem] = stems_seen.get(stem, 0) + 1
        by_stem[stem] = k
    used, out = set(), []
    for lab in labels:
        key = image_key(lab.image)
        stem = key.rsplit("/", 1)[-1]
        if key in dets:
            found = key
        elif stems_seen.get(stem) == 1:
            found = by_stem[stem]
        else:
            found = None
        if found is not None:
            used.add(found)
        out.append(dets[found] if found is not None else np.zeros((0, 5)))
    unknown = sorted(set(dets) - used)
    if unknown:
        raise EvalInputError(f"detections for {len(unknown)} image(s) not in the labels, e.g. {unknown[:3]}")
    return out


def _xyxy(b: np.ndarray) -> np.ndarray:
    out = b[:, :4].astype(np.float64).copy()
    out[:, 2:] += out[:, :2]
    return out


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Continuous IoU [N,M] of x y w h boxes (area = w * h, no +1)."""
    a, b = _xyxy(a), _xyxy(b)
    iw = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = iw * ih
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def _inside_fraction(a: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """[N,M] share of each box's own area that lies inside each region (0 for empty boxes)."""
    a, r = _xyxy(a), _xyxy(regions)
    iw = np.clip(np.minimum(a[:, None, 2], r[None, :, 2]) - np.maximum(a[:, None, 0], r[None, :, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, None, 3], r[None, :, 3]) - np.maximum(a[:, None, 1], r[None, :, 1]), 0, None)
    area = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(area[:, None] > 0, iw * ih / area[:, None], 0.0)


TP, FP, DROP_FLAG, DROP_REGION = 1, 0, -1, -2


def match_image(dets: np.ndarray, lab: PictureLabels, iou: float) -> np.ndarray:
    """Outcome per detection (dets already in descending score order): TP, FP, DROP_FLAG, DROP_REGION.

    Greedy in score order, one detection per box: a detection takes the unmatched scored face
    with the highest IoU >= iou; failing that, an unmatched ignore-flagged box at IoU >= iou
    (both leave scoring). A detection that matched neither is dropped if it overlaps an ignore
    region at IoU >= 0.3 or has >= 50 % of its own area inside one; otherwise it is an FP.
    A second detection on an already matched face did not match anything, so it is an FP
    unless it lies on an ignore region.
    """
    out = np.full(len(dets), FP, dtype=np.int8)
    if len(dets) == 0:
        return out
    ious = box_iou(dets, lab.boxes) if len(lab.boxes) else np.zeros((len(dets), 0))
    if len(lab.ignore):
        on_region = ((box_iou(dets, lab.ignore) >= REGION_IOU)
                     | (_inside_fraction(dets, lab.ignore) >= REGION_INSIDE)).any(axis=1)
    else:
        on_region = np.zeros(len(dets), dtype=bool)
    taken = np.zeros(len(lab.boxes), dtype=bool)
    for i in range(len(dets)):
        for group, outcome in ((lab.scored, TP), (~lab.scored, DROP_FLAG)):
            cand = np.where(group & ~taken, ious[i], -1.0)
            if len(cand) and cand.max() >= iou:
                taken[int(cand.argmax())] = True
                out[i] = outcome
                break
        else:
            if on_region[i]:
                out[i] = DROP_REGION
    return out


def evaluate_ap(labels, detections, iou: float = 0.5) -> APResult:
    """VOC all-points AP at one IoU threshold on a labels set.

    labels: labels.jsonl path or parsed lines; detections: see load_detections (a dict, a
    WIDER-format folder or a JSONL). Images without detections have none. Precision/recall
    points are taken at each distinct score (tied scores enter together, so the result does not
    depend on the order of ties); AP = voc_ap over those points.
    """
    labs = load_labels(labels)
    per_image = _attach_detections(labs, load_detections(detections))
    scores, outcomes = [], []
    faces = 0
    for lab, d in zip(labs, per_image):
        faces += int(lab.scored.sum())
        d = d[np.argsort(-d[:, 4], kind="stable")]
        scores.append(d[:, 4])
        outcomes.append(match_image(d, lab, iou))
    scores = np.concatenate(scores) if scores else np.zeros(0)
    outcomes = np.concatenate(outcomes) if outcomes else np.zeros(0, dtype=np.int8)
    scored = outcomes >= 0
    s, o = scores[scored], outcomes[scored]
    order = np.argsort(-s, kind="stable")
    s, o = s[order], o[order]
    ctp = np.cumsum(o == TP)
    cfp = np.cumsum(o == FP)
    # last index of each run of equal scores
    ends = np.nonzero(np.append(s[1:] != s[:-1], True))[0] if len(s) else np.zeros(0, dtype=int)
    tp, fp = ctp[ends].astype(np.float64), cfp[ends].astype(np.float64)
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / faces if faces else np.full(len(tp), np.nan)
    return APResult(
        iou=iou,
        ap=voc_ap(recall, precision) if faces else float("nan"),
        faces=faces, images=len(labs), detections=int(len(scores)),
        true_positives=int((outcomes == TP).sum()), false_positives=int((outcomes == FP).sum()),
        dropped_by_region=int((outcomes == DROP_REGION).sum()),
        dropped_by_flag=int((outcomes == DROP_FLAG).sum()),
        thresholds=s[ends], precision=precision, recall=recall)
