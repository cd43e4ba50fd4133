"""The one reader of face labels: `labels.jsonl` folders and the WIDER FACE training layout.

Training (`data.py`), the validation split, calibration, evaluation (`evaluation/labelled_ap.py`)
and the scripts (`make_track_video.py`, `pack_data.py`, `detect.py --labels`) all read labels
here, so a picture means the same thing everywhere. Boxes stay as stored: x y w h in pixels of
the stored picture, float64. What a consumer makes of them (corner boxes, box-style
conversion, flagged boxes as ignore regions) is its own business.

labels.jsonl, one picture a line (see ../shared/data/README.md):
  {"image": "images/x.jpg", "boxes": [[x, y, w, h], ...], "ignore": [[x, y, w, h], ...],
   "flags": [{"ignore": 0|1}, ...] (dlib: one per box), "source": "...#frame=N" (video frames), ...}
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

# The WIDER FACE training layout: its ground-truth list and where the pictures may sit.
WIDER_TRAIN_LISTS = ("wider_face_train_bbx_gt.txt", "wider_face_split/wider_face_train_bbx_gt.txt")
WIDER_TRAIN_IMAGES = ("WIDER_train/images", "images")


class LabelsError(Exception):
    """A labels file that cannot be read as promised; the message names the file and line."""


@dataclass
class PictureLabels:
    image: str              # as written in the labels (relative to the labels' folder)
    boxes: np.ndarray       # [N,4] float64 x y w h: every labelled face, flagged ones included
    scored: np.ndarray      # bool[N]; False = flagged ignore (dlib `flags`, WIDER `invalid`)
    ignore: np.ndarray      # [M,4] float64 x y w h: regions with unlabelled faces
    path: str = ""          # the picture file
    group: str = ""         # pictures that must stay on one side of a split (a clip, else the picture)
    source: str | None = None   # as stored: where the picture came from
    flags: list | None = field(default=None, repr=False)  # as stored, for tools that rewrite labels

    @property
    def face_free(self) -> bool:
        """No face and no ignore region: every box a detector puts here is false."""
        return len(self.boxes) == 0 and len(self.ignore) == 0


def parse_boxes(value, where: str, width: int = 4) -> np.ndarray:
    """A JSON list of boxes (`width` numbers each) -> [N,width] float64; `where` names the line."""
    try:
        a = np.asarray(value if value is not None else [], dtype=np.float64)
    except (TypeError, ValueError):
        raise LabelsError(f"{where}: boxes must be lists of {width} numbers") from None
    if a.size == 0:
        return np.zeros((0, width))
    if a.ndim != 2 or a.shape[1] != width or not np.all(np.isfinite(a)):
        raise LabelsError(f"{where}: boxes must be lists of {width} finite numbers")
    return a


def clip_group(source: str | None) -> str:
    """Frames of one clip share a group: `source` without its `#frame=N` ("" if not a frame)."""
    src = source or ""
    return src.split("#frame=")[0] if "#frame=" in src else ""


def parse_line(obj, where: str, folder: str = "") -> PictureLabels:
    """One labels.jsonl object. `folder` (the labels' folder) makes `path` and the default group
    `<folder name>/<image>`, the form train/near_duplicate_pairs.json uses."""
    if not isinstance(obj, dict) or not isinstance(obj.get("image"), str):
        raise LabelsError(f"{where}: expected an object with an \"image\" string")
    boxes = parse_boxes(obj.get("boxes"), where)
    flags = obj.get("flags")
    scored = np.ones(len(boxes), dtype=bool)
    if flags is not None:
        if not isinstance(flags, list) or len(flags) != len(boxes):
            raise LabelsError(f"{where}: \"flags\" must list one object per box")
        for k, f in enumerate(flags):
            if isinstance(f, dict) and f.get("ignore", 0):
                scored[k] = False
    image = obj["image"]
    source = obj.get("source")
    group = clip_group(source) or (f"{os.path.basename(os.path.normpath(folder))}/{image}" if folder else image)
    return PictureLabels(image, boxes, scored, parse_boxes(obj.get("ignore"), where),
                         path=os.path.join(folder, image), group=group, source=source, flags=flags)


def json_lines(path: str, error: type[Exception]):
    """(line number, object) for each non-blank line of a JSON Lines file; a bad line raises
    `error` naming the file and line."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{path}:{n}: not valid JSON ({exc.msg})") from None


def read_labels(path) -> list[PictureLabels]:
    """A labels.jsonl file -> its pictures in file order (blank lines skipped)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise LabelsError(f"labels file not found: {path}")
    folder = os.path.dirname(path)
    out = []
    try:
        for n, obj in json_lines(path, LabelsError):
            out.append(parse_line(obj, f"{path}:{n}", folder))
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"cannot read labels file {path}: {exc}") from None
    return out


def read_labels_folder(folder: str) -> list[PictureLabels]:
    """A labels folder (labels.jsonl beside images/) -> its pictures in file order."""
    return read_labels(os.path.join(folder, "labels.jsonl"))


def read_wider_train(folder: str) -> list[PictureLabels]:
    """WIDER FACE training layout: wider_face_train_bbx_gt.txt (+ images/ beside it or under
    WIDER_train/). Boxes flagged invalid, or under 2 px wide or tall, are not scored: nothing
    can learn from them, yet a face is there. Each picture is its own group."""
    gt = None
    for cand in WIDER_TRAIN_LISTS:
        if os.path.exists(os.path.join(folder, cand)):
            gt = os.path.join(folder, cand)
    if gt is None:
        raise FileNotFoundError(f"{folder}: no wider_face_train_bbx_gt.txt")
    image_root = next((os.path.join(folder, d) for d in WIDER_TRAIN_IMAGES
                       if os.path.isdir(os.path.join(folder, d))), folder)
    out = []
    with open(gt) as f:
        lines = [line.strip() for line in f]
    i = 0
    while i < len(lines):
        name = lines[i]
        if not name:
            i += 1
            continue
        count = int(lines[i + 1])
        rows = lines[i + 2:i + 2 + max(count, 1)]  # a picture with no face still has one row of zeros
        i += 2 + max(count, 1)
        boxes, scored = [], []
        for row in rows[:count]:
            v = [int(x) for x in row.split()[:10]]
            x, y, w, h, invalid = v[0], v[1], v[2], v[3], v[7]
            boxes.append([x, y, w, h])
            scored.append(not (invalid or w < 2 or h < 2))
        out.append(PictureLabels(name, np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
                                 np.asarray(scored, dtype=bool), np.zeros((0, 4)),
                                 path=os.path.join(image_root, name), group=name))
    return out
