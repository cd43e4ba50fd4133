"""FDDB discrete and continuous ROC, as the official evaluator computes them: pixel-set IoU of
annotation ellipses and detection rectangles, maximum-weight matching per picture.

Annotation and detection files: fddb_files.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .inputs import EvalInputError


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
