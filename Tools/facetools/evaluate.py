"""Face-detection metrics: WIDER FACE easy/medium/hard AP (official protocol), FDDB discrete and
continuous ROC, and plain VOC-style AP on any labels.jsonl set with ignore regions.

numpy/scipy only (no torch), so the training code can call it cheaply:
    from facetools.evaluate import evaluate_ap
    result = evaluate_ap("eval/eden_mask_wearing/labels.jsonl", {"images/x.jpg": [[x, y, w, h, s], ...]}, 0.5)
    result.ap

Boxes everywhere are [x, y, w, h] in pixels of the stored image; detections add a score.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field

import numpy as np

from .wider_mat import (SETTINGS, EvalInputError, WiderGroundTruth, load_wider_detections,
                        load_wider_ground_truth, read_wider_detection_file)

__all__ = [
    "EvalInputError", "voc_ap",
    "WiderResult", "evaluate_wider", "evaluate_wider_folder",
    "LabelledImage", "APResult", "load_labels", "load_detections", "evaluate_ap",
    "FddbImage", "FddbResult", "load_fddb_annotations", "load_fddb_detections",
    "ellipse_rect_iou", "evaluate_fddb",
]


# ---------------------------------------------------------------------------------------------
# Shared: VOC all-points AP
# ---------------------------------------------------------------------------------------------

def voc_ap(recall, precision) -> float:
    """Area under the PR curve with the VOC sentinels (0 at recall 0, 0 at recall 1) and the
    monotone (non-increasing) precision envelope, summed where recall changes.

    NaN precisions (0/0 at thresholds with no detection) are skipped by the envelope like
    MATLAB's max does; they only ever sit at recall 0, so they never weigh in the sum.
    """
    rec = np.concatenate(([0.0], np.asarray(recall, dtype=np.float64), [1.0]))
    pre = np.concatenate(([0.0], np.asarray(precision, dtype=np.float64), [0.0]))
    for i in range(len(pre) - 1, 0, -1):
        pre[i - 1] = np.fmax(pre[i - 1], pre[i])
    steps = np.where(rec[1:] != rec[:-1])[0]
    return float(np.sum((rec[steps + 1] - rec[steps]) * pre[steps + 1]))


# ---------------------------------------------------------------------------------------------
# WIDER FACE (official eval_tools protocol)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Plain AP on labels.jsonl sets, with ignore regions and dlib ignore flags
# ---------------------------------------------------------------------------------------------

# Ignore-region rule of data/eval/README.md.
REGION_IOU = 0.3
REGION_INSIDE = 0.5


@dataclass
class LabelledImage:
    image: str
    boxes: np.ndarray    # [N,4] x y w h
    scored: np.ndarray   # bool[N]; False = dlib flag ignore=1 (taken out with its detection)
    regions: np.ndarray  # [M,4] x y w h ignore regions (unlabelled faces)


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


def _boxes(value, where: str, width: int) -> np.ndarray:
    try:
        a = np.asarray(value if value is not None else [], dtype=np.float64)
    except (TypeError, ValueError):
        raise EvalInputError(f"{where}: boxes must be lists of {width} numbers") from None
    if a.size == 0:
        return np.zeros((0, width))
    if a.ndim != 2 or a.shape[1] != width or not np.all(np.isfinite(a)):
        raise EvalInputError(f"{where}: boxes must be lists of {width} finite numbers")
    return a


def _image_key(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return os.path.splitext(name)[0]


def _parse_label(obj, where: str) -> LabelledImage:
    if not isinstance(obj, dict) or not isinstance(obj.get("image"), str):
        raise EvalInputError(f"{where}: expected an object with an \"image\" string")
    boxes = _boxes(obj.get("boxes"), where, 4)
    flags = obj.get("flags")
    scored = np.ones(len(boxes), dtype=bool)
    if flags is not None:
        if not isinstance(flags, list) or len(flags) != len(boxes):
            raise EvalInputError(f"{where}: \"flags\" must list one object per box")
        for k, f in enumerate(flags):
            if isinstance(f, dict) and f.get("ignore", 0):
                scored[k] = False
    return LabelledImage(obj["image"], boxes, scored, _boxes(obj.get("ignore"), where, 4))


def load_labels(source) -> list:
    """labels.jsonl path, or an iterable of already-parsed label dicts -> [LabelledImage]."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise EvalInputError(f"labels file not found: {path}")
        out = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalInputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                out.append(_parse_label(obj, f"{path}:{n}"))
        return out
    return [x if isinstance(x, LabelledImage) else _parse_label(x, f"labels[{i}]")
            for i, x in enumerate(source)]


def load_detections(source) -> dict:
    """Detections -> {image key (path without extension): [N,5] x y w h score}.

    source: a WIDER-format folder (any depth; <dir>/<relative image path>.txt), a JSONL file of
    {"image": ..., "boxes": [[x, y, w, h, score], ...]}, or a dict {image: [[x, y, w, h, s], ...]}.
    """
    if isinstance(source, dict):
        return {_image_key(k): _boxes(v, f"detections[{k!r}]", 5) for k, v in source.items()}
    path = os.fspath(source)
    out = {}
    if os.path.isdir(path):
        for root, _dirs, files in os.walk(path):
            for fn in sorted(files):
                if fn.endswith(".txt"):
                    full = os.path.join(root, fn)
                    out[_image_key(os.path.relpath(full, path))] = read_wider_detection_file(full)
        if not out:
            raise EvalInputError(f"{path}: no detection .txt files found")
        return out
    if not os.path.isfile(path):
        raise EvalInputError(f"detections not found: {path}")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("image"), str):
                raise EvalInputError(f"{path}:{n}: expected {{\"image\": ..., \"boxes\": [[x, y, w, h, score], ...]}}")
            key = _image_key(obj["image"])
            boxes = _boxes(obj.get("boxes"), f"{path}:{n}", 5)
            out[key] = np.concatenate([out[key], boxes]) if key in out else boxes
    return out


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
        key = _image_key(lab.image)
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


def match_image(dets: np.ndarray, lab: LabelledImage, iou: float) -> np.ndarray:
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
    if len(lab.regions):
        on_region = ((box_iou(dets, lab.regions) >= REGION_IOU)
                     | (_inside_fraction(dets, lab.regions) >= REGION_INSIDE)).any(axis=1)
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


# ---------------------------------------------------------------------------------------------
# FDDB (discrete and continuous ROC)
# ---------------------------------------------------------------------------------------------

@dataclass
class FddbImage:
    name: str               # e.g. 2002/08/11/big/img_591 (no extension)
    ellipses: np.ndarray    # [N,5] major radius, minor radius, angle (rad), centre x, centre y


@dataclass
class FddbResult:
    images: int
    faces: int
    thresholds: np.ndarray  # ascending, one per distinct detection score
    tp_discrete: np.ndarray
    tp_continuous: np.ndarray
    false_positives: np.ndarray

    def tpr_at(self, max_fp: float = 1000, continuous: bool = False) -> float:
        """Best true-positive rate among the operating points with at most max_fp false positives."""
        tp = self.tp_continuous if continuous else self.tp_discrete
        ok = self.false_positives <= max_fp
        if not ok.any() or self.faces == 0:
            return 0.0
        return float(tp[ok].max() / self.faces)

    def write_roc(self, prefix: str) -> None:
        """<prefix>DiscROC.txt ('TPR FP threshold') and <prefix>ContROC.txt ('TPR FP'), ascending
        thresholds, the official evaluator's file layout."""
        n = max(self.faces, 1)
        with open(prefix + "DiscROC.txt", "w") as d, open(prefix + "ContROC.txt", "w") as c:
            for t, td, tc, fp in zip(self.thresholds, self.tp_discrete, self.tp_continuous, self.false_positives):
                d.write(f"{td / n:.6g} {int(fp)} {t:.6g}\n")
                c.write(f"{tc / n:.6g} {int(fp)}\n")


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
        yield _image_key(name), rows
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


def _cv_round(v) -> int:
    """cvRound of a value first narrowed to float32 (cvPoint2D32f), ties to even."""
    return int(np.rint(np.float32(v)))


class _EllipseMask:
    """Pixels of one annotation ellipse as the official evaluator draws them: centre rounded,
    radii truncated to int, angle rounded to whole degrees; a pixel (integer coordinates) is in
    if it lies inside the exact ellipse. Holds a summed-area table for O(1) rectangle overlaps."""

    def __init__(self, e, size=None):
        ra, rb, theta, cx, cy = (float(v) for v in e)
        a, b = max(int(ra), 0), max(int(rb), 0)
        ang = math.radians(round(math.degrees(theta)))
        c, s = math.cos(ang), math.sin(ang)
        x0, y0 = _cv_round(cx), _cv_round(cy)
        hx = math.ceil(math.sqrt((a * c) ** 2 + (b * s) ** 2))
        hy = math.ceil(math.sqrt((a * s) ** 2 + (b * c) ** 2))
        xs = np.arange(x0 - hx, x0 + hx + 1)
        ys = np.arange(y0 - hy, y0 + hy + 1)
        if size is not None:
            xs = xs[(xs >= 0) & (xs < size[0])]
            ys = ys[(ys >= 0) & (ys < size[1])]
        dx = xs[None, :] - x0
        dy = ys[:, None] - y0
        # degenerate radii still cover their centre line
        u = (dx * c + dy * s) / max(a, 0.5)
        v = (-dx * s + dy * c) / max(b, 0.5)
        mask = (u * u + v * v) <= 1.0
        self.x_lo = int(xs[0]) if len(xs) else 0
        self.y_lo = int(ys[0]) if len(ys) else 0
        self.area = int(mask.sum())
        self.sat = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int64)
        self.sat[1:, 1:] = mask.cumsum(0).cumsum(1)

    def count_in(self, x1: int, y1: int, x2: int, y2: int) -> int:
        """Mask pixels with x1 <= x <= x2 and y1 <= y <= y2."""
        h, w = self.sat.shape[0] - 1, self.sat.shape[1] - 1
        c1 = min(max(x1 - self.x_lo, 0), w)
        c2 = min(max(x2 - self.x_lo + 1, 0), w)
        r1 = min(max(y1 - self.y_lo, 0), h)
        r2 = min(max(y2 - self.y_lo + 1, 0), h)
        if c2 <= c1 or r2 <= r1:
            return 0
        s = self.sat
        return int(s[r2, c2] - s[r1, c2] - s[r2, c1] + s[r1, c1])


def _rect_pixels(d, size=None):
    """Inclusive pixel range of a detection rectangle as cvRectangle fills it (corners rounded)."""
    x, y, w, h = (float(v) for v in d[:4])
    xa, xb = sorted((_cv_round(x), _cv_round(x + w)))
    ya, yb = sorted((_cv_round(y), _cv_round(y + h)))
    if size is not None:
        xa, ya = max(xa, 0), max(ya, 0)
        xb, yb = min(xb, size[0] - 1), min(yb, size[1] - 1)
    return xa, ya, xb, yb


def ellipse_rect_iou(ellipses: np.ndarray, dets: np.ndarray, size=None) -> np.ndarray:
    """[A,D] pixel-count IoU of annotation ellipses against detection rectangles.
    size = (width, height) clips both to the image, as the official evaluator's masks do."""
    out = np.zeros((len(ellipses), len(dets)))
    rects = [_rect_pixels(d, size) for d in dets]
    r_area = [max(xb - xa + 1, 0) * max(yb - ya + 1, 0) for xa, ya, xb, yb in rects]
    for i, e in enumerate(ellipses):
        m = _EllipseMask(e, size)
        for j, (xa, ya, xb, yb) in enumerate(rects):
            inter = m.count_in(xa, ya, xb, yb) if r_area[j] else 0
            union = m.area + r_area[j] - inter
            out[i, j] = inter / union if union > 0 else 0.0
    return out


def _fddb_image_curve(ious: np.ndarray, scores: np.ndarray):
    """Per distinct score st (ascending): matched counts with detections scoring >= st.
    Maximum-weight bipartite matching on IoU (the official Hungarian step); a pair counts as a
    discrete TP if IoU > 0.5 and adds its IoU to the continuous TP; FP = detections - discrete TP."""
    from scipy.optimize import linear_sum_assignment

    uniq = np.unique(scores)
    rows = []
    useful = ious.max(axis=0) > 0 if ious.size else np.zeros(len(scores), dtype=bool)
    last_cols, last = None, (0, 0.0)
    for st in uniq:
        valid = scores >= st
        cols = np.nonzero(valid & useful)[0]
        if last_cols is None or len(cols) != len(last_cols):
            sub = ious[:, cols]
            if sub.size:
                r, c = linear_sum_assignment(sub, maximize=True)
                pairs = sub[r, c]
                pairs = pairs[pairs > 0]
                last = (int((pairs > 0.5).sum()), float(pairs.sum()))
            else:
                last = (0, 0.0)
            last_cols = cols
        rows.append((st, last[0], last[1], int(valid.sum()) - last[0]))
    return rows


def evaluate_fddb(annotations: list, detections: dict, image_sizes: dict | None = None) -> FddbResult:
    """FDDB ROC over the given images (missing detections = none for that image).

    Same as the official evaluator: IoU of pixel sets, max-weight matching per image and per
    score threshold, discrete TP at IoU > 0.5, continuous TP = sum of matched IoUs, FP shared,
    curves merged over all distinct scores. Not identical: see the README text in the report
    (ellipse boundary pixels, no clipping to the image unless image_sizes is given, tie-breaks).
    """
    names = {a.name for a in annotations}
    unknown = sorted(set(detections) - names)
    if unknown:
        raise EvalInputError(f"FDDB detections for {len(unknown)} image(s) not in the annotations, e.g. {unknown[:3]}")
    events = []
    faces = 0
    for a in annotations:
        faces += len(a.ellipses)
        d = np.asarray(detections.get(a.name, np.zeros((0, 5))), dtype=np.float64).reshape(-1, 5)
        if len(d) == 0:
            continue
        size = image_sizes.get(a.name) if image_sizes else None
        curve = _fddb_image_curve(ellipse_rect_iou(a.ellipses, d, size), d[:, 4])
        # The image contributes curve[j] to every global threshold t with
        # curve[j-1].st < t <= curve[j].st, nothing above its highest score: store steps.
        prev = (0, 0.0, 0)
        for st, td, tc, fp in reversed(curve):
            events.append((st, td - prev[0], tc - prev[1], fp - prev[2]))
            prev = (td, tc, fp)
    if not events:
        z = np.zeros(0)
        return FddbResult(len(annotations), faces, z, z, z, z)
    ev = np.array(events, dtype=np.float64)
    ev = ev[np.argsort(-ev[:, 0], kind="stable")]
    cum = np.cumsum(ev[:, 1:], axis=0)
    ends = np.nonzero(np.append(ev[1:, 0] != ev[:-1, 0], True))[0]
    th, cum = ev[ends, 0][::-1], cum[ends][::-1]
    return FddbResult(len(annotations), faces, th, np.rint(cum[:, 0]), cum[:, 1], np.rint(cum[:, 2]))
