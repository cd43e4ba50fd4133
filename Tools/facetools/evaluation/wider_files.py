"""Readers for the WIDER FACE evaluation inputs: the official ground-truth .mat files and a
detections folder in the WIDER submission layout.

Ground truth (the official eval_tools files):
  wider_face_val.mat            event_list, file_list, face_bbx_list (x, y, w, h per face)
  wider_{easy,medium,hard}_val.mat  gt_list: per image, the 1-based indices of the faces that
                                count at that level (the other faces are still matched against,
                                see wider.py, but never count as found or missed)

Detections: <pred>/<event>/<image name>.txt in the WIDER submission layout (inputs.py reads one).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .inputs import EvalInputError, read_wider_detection_file

SETTINGS = ("easy", "medium", "hard")


@dataclass
class WiderImage:
    event: str
    name: str              # image name without extension, as in file_list
    boxes: np.ndarray      # [N,4] float64, x y w h
    keep: dict = field(default_factory=dict)  # setting -> bool[N], True = counts at that level


@dataclass
class WiderGroundTruth:
    images: list

    def subset(self, events=None, limit_per_event=None) -> "WiderGroundTruth":
        """A smaller ground truth (for quick checks): only some events / the first images of each."""
        chosen, per_event = [], {}
        for im in self.images:
            if events is not None and im.event not in events:
                continue
            n = per_event.get(im.event, 0)
            if limit_per_event is not None and n >= limit_per_event:
                continue
            per_event[im.event] = n + 1
            chosen.append(im)
        return WiderGroundTruth(chosen)

    def face_counts(self) -> dict:
        counts = {"images": len(self.images), "boxes": sum(len(im.boxes) for im in self.images)}
        for s in SETTINGS:
            counts[s] = int(sum(int(im.keep[s].sum()) for im in self.images))
        return counts


def _cell_string(cell) -> str:
    """A MATLAB char cell as loaded by scipy ([['name']] or ['name']) -> 'name'."""
    return str(np.asarray(cell).ravel()[0])


def _load_mat(path: str, keys) -> dict:
    import scipy.io

    if not os.path.isfile(path):
        raise EvalInputError(f"WIDER ground truth file not found: {path}")
    try:
        mat = scipy.io.loadmat(path)
    except Exception as exc:  # scipy raises several types for corrupt files
        raise EvalInputError(f"cannot read WIDER ground truth {path}: {exc}") from exc
    missing = [k for k in keys if k not in mat]
    if missing:
        raise EvalInputError(f"{path} lacks the variable(s) {', '.join(missing)}")
    return mat


def load_wider_ground_truth(gt_dir: str) -> WiderGroundTruth:
    """Reads wider_face_val.mat and the three keep lists from the official ground_truth folder."""
    main = _load_mat(os.path.join(gt_dir, "wider_face_val.mat"),
                     ("event_list", "file_list", "face_bbx_list"))
    keep_lists = {s: _load_mat(os.path.join(gt_dir, f"wider_{s}_val.mat"), ("gt_list",))["gt_list"]
                  for s in SETTINGS}
    events = main["event_list"].ravel()
    files = main["file_list"].ravel()
    boxes = main["face_bbx_list"].ravel()
    if not (len(events) == len(files) == len(boxes)):
        raise EvalInputError(f"{gt_dir}: event_list, file_list and face_bbx_list differ in length")
    images = []
    for e in range(len(events)):
        event = _cell_string(events[e])
        names = np.asarray(files[e]).ravel()
        event_boxes = np.asarray(boxes[e]).ravel()
        for j in range(len(names)):
            b = np.asarray(event_boxes[j], dtype=np.float64).reshape(-1, 4)
            keep = {}
            for s in SETTINGS:
                idx = np.asarray(np.asarray(keep_lists[s].ravel()[e]).ravel()[j]).ravel()
                # uint8/uint16 in the files: widen before the 1-based -> 0-based shift.
                idx = idx.astype(np.int64) - 1
                if idx.size and (idx.min() < 0 or idx.max() >= len(b)):
                    raise EvalInputError(f"wider_{s}_val.mat: index out of range for {event}/{_cell_string(names[j])}")
                mask = np.zeros(len(b), dtype=bool)
                mask[idx] = True
                keep[s] = mask
            images.append(WiderImage(event, _cell_string(names[j]), b, keep))
    return WiderGroundTruth(images)


def load_wider_detections(pred_dir: str, gt: WiderGroundTruth) -> dict:
    """Detections for every ground-truth image: {(event, name): [N,5]}.

    A missing file means no detections for that image (tolerated, as partial runs are common);
    a folder in which not a single expected file exists is an error (probably the wrong folder).
    """
    if not os.path.isdir(pred_dir):
        raise EvalInputError(f"detections folder not found: {pred_dir}")
    found = 0
    preds = {}
    for im in gt.images:
        path = os.path.join(pred_dir, im.event, im.name + ".txt")
        if os.path.isfile(path):
            preds[(im.event, im.name)] = read_wider_detection_file(path)
            found += 1
        else:
            preds[(im.event, im.name)] = np.zeros((0, 5))
    if gt.images and found == 0:
        raise EvalInputError(
            f"{pred_dir}: none of the {len(gt.images)} expected files <event>/<image>.txt exists "
            f"(e.g. {gt.images[0].event}/{gt.images[0].name}.txt)")
    return preds
