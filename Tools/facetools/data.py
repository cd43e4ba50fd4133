"""Training data: labelled photo folders (labels.jsonl) or a WIDER-layout folder, and the
augmentations that help on small data (square crops with scale jitter, flips, photometric).

A sample carries `boxes` (faces to learn) and `ignore` (regions that must neither reward nor
punish: unlabelled faces, faces too small to learn, faces cut by the crop).
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .labels import PictureLabels, read_labels_folder, read_wider_train

# Normalisation written into model.yaml; (p - 128) / 128 maps uint8 pixels onto int8 exactly.
MEAN = (128.0, 128.0, 128.0)
STD = (128.0, 128.0, 128.0)
# Faces smaller than this (short side, in network pixels) are not learnable by 16 px anchors
# at stride 8; they become ignore regions instead of negatives.
MIN_FACE = 8.0


@dataclass
class Record:
    path: str
    boxes: np.ndarray   # [N,4] x1 y1 x2 y2
    ignore: np.ndarray  # [M,4]
    weight: float = 1.0
    group: str = ""     # pictures that must stay on one side of a split (a clip, a near-duplicate pair)
    # Mined hard negatives ([K,4], `mining.py`): some crops are centred on them.
    hard: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float32))

    @property
    def face_free(self) -> bool:
        """No face and no ignore region: every box the detector puts here is false."""
        return len(self.boxes) == 0 and len(self.ignore) == 0


def _xywh_to_xyxy(items) -> np.ndarray:
    a = np.array(items, dtype=np.float32).reshape(-1, 4)
    a[:, 2:] += a[:, :2]
    return a


def wider_to_hand_style(boxes: np.ndarray) -> np.ndarray:
    """WIDER-style boxes (forehead to chin: the public detectors that labelled `pseudo/`, and
    WIDER FACE itself) in the hand-labelled style of `train/` and `eval/` (brow to chin).
    Measured on 2,048 faces of `train/` (pseudo/README.md): same width and x centre, height
    x 0.88, centre 0.12 h lower, i.e. (x, y + 0.18 h, w, 0.88 h). Mixing the two styles
    unconverted would teach an average box that matches neither."""
    out = boxes.copy()
    h = boxes[:, 3] - boxes[:, 1]
    out[:, 1] = boxes[:, 1] + 0.18 * h
    out[:, 3] = out[:, 1] + 0.88 * h
    return out


def training_record(labels: PictureLabels, weight: float = 1.0, wider_style: bool = False) -> Record:
    """A picture's labels as training sees them: corner boxes, flagged boxes moved to the
    ignore regions (a face is there, but it must not be learnt), WIDER-style boxes converted."""
    boxes = _xywh_to_xyxy(labels.boxes)
    ignore = _xywh_to_xyxy(labels.ignore)
    if not labels.scored.all():
        ignore = np.concatenate([ignore, boxes[~labels.scored]])
        boxes = boxes[labels.scored]
    if wider_style:
        boxes = wider_to_hand_style(boxes)
    return Record(labels.path, boxes, ignore, weight, labels.group)


def load_jsonl_folder(folder: str, weight: float = 1.0, wider_style: bool = False) -> list[Record]:
    """A folder with labels.jsonl (facetools.labels reads it)."""
    return [training_record(p, weight, wider_style) for p in read_labels_folder(folder)]


def load_wider_folder(folder: str) -> list[Record]:
    """WIDER FACE training layout (facetools.labels reads it); its boxes are WIDER-style."""
    return [training_record(p, wider_style=True) for p in read_wider_train(folder)]


def _join_near_duplicates(records: list[Record], data_root: str) -> None:
    """Near-identical pictures (train/near_duplicate_pairs.json) share a group, so a split
    never puts one in training and its twin in validation."""
    pairs_file = os.path.join(data_root, "train", "near_duplicate_pairs.json")
    if not os.path.exists(pairs_file):
        return
    with open(pairs_file) as f:
        pairs = json.load(f)
    alias = {}
    for a, b, *_ in pairs:  # groups are "<set>/images/<name>", as in the pairs file
        alias[b] = alias.get(a, a)
    for r in records:
        r.group = alias.get(r.group, r.group)


def load_sets(specs: list[str], data_root: str) -> list[Record]:
    """specs: 'train/eden_mask_wearing', 'pseudo/coco128:0.5' (folder[:sampling weight]), or a WIDER folder.
    Sets under `pseudo/` (and WIDER folders) carry WIDER-style boxes and are converted to the
    hand-labelled style on load."""
    records = []
    for spec in specs:
        path, _, w = spec.partition(":")
        folder = path if os.path.isabs(path) else os.path.join(data_root, path)
        if os.path.normpath(folder).split(os.sep)[-2:-1] == ["eval"] or "dlib_faces" in folder:
            raise ValueError(f"{spec}: evaluation-only data must never be used for training")
        weight = float(w) if w else 1.0
        if os.path.exists(os.path.join(folder, "labels.jsonl")):
            wider_style = os.path.normpath(folder).split(os.sep)[-2:-1] == ["pseudo"]
            recs = load_jsonl_folder(folder, weight, wider_style)
        else:
            recs = load_wider_folder(folder)
            for r in recs:
                r.weight = weight
        records.extend(recs)
    _join_near_duplicates(records, data_root)
    return records


def photometric(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Brightness, contrast, saturation jitter, occasional grey and occasional night-dark
    (video is often dim; the data has few dark scenes), on float32 HWC RGB."""
    img = img.astype(np.float32)
    if rng.random() < 0.15:
        img *= rng.uniform(0.25, 0.7)
    if rng.random() < 0.5:
        img += rng.uniform(-32, 32)
    if rng.random() < 0.5:
        img = (img - 128.0) * rng.uniform(0.6, 1.4) + 128.0
    grey = img.mean(axis=2, keepdims=True)
    if rng.random() < 0.1:
        img = np.repeat(grey, 3, axis=2)
    elif rng.random() < 0.5:
        img = grey + (img - grey) * rng.uniform(0.5, 1.5)
    return np.clip(img, 0, 255)


class CropDataset:
    """Square training crops at the scale the detector runs at.

    At run time a picture is resized so its short side is <= 400 and its long side <= 800,
    and the network sees all of it: background included, at that scale. So a crop here is a
    size x size window of the picture resized by that same factor times a jitter of 0.5x-2x
    (log-uniform), placed over a face most of the time and anywhere otherwise; a window
    larger than the picture is padded with the grey the engine pads with. Items are indexed
    by (record index, draw number) so the same picture drawn twice gets two crops.
    """

    JITTER_LOG2 = (-1.0, 1.0)
    ON_FACE = 0.8
    # A picture with mined hard negatives: this share of its crops is centred on one of them.
    HARD_FOCUS = 0.5

    def __init__(self, records: list[Record], size: int, seed: int = 0, augment: bool = True,
                 max_short: int = 400, max_long: int = 800):
        self.records = records
        self.size = size
        self.seed = seed
        self.augment = augment
        self.max_short, self.max_long = max_short, max_long
        self.epoch = 0

    def __len__(self):
        return len(self.records)

    def __getitem__(self, item):
        index, draw = item if isinstance(item, tuple) else (item, 0)
        rng = random.Random(((self.seed * 1_000_003 + self.epoch) * 1_000_003 + index) * 1_000_003 + draw)
        rec = self.records[index]
        img = Image.open(rec.path).convert("RGB")
        w, h = img.size
        if self.augment:
            scale = min(self.max_short / min(w, h), self.max_long / max(w, h), 1.0)
            scale *= 2.0 ** rng.uniform(*self.JITTER_LOG2)
            targets, chance = rec.boxes, self.ON_FACE
            if len(rec.hard) and rng.random() < self.HARD_FOCUS:
                targets, chance = rec.hard, 1.0
            x0, y0 = self._window(w, h, self.size / scale, targets, rng, chance)
        else:  # the whole picture, long side to size (smoke tests)
            scale, x0, y0 = self.size / max(w, h), 0.0, 0.0
        arr, (ox, oy, sx, sy) = self._render(img, x0, y0, scale)
        boxes = rec.boxes * [sx, sy, sx, sy] + [ox, oy, ox, oy]
        ignore = rec.ignore * [sx, sy, sx, sy] + [ox, oy, ox, oy]
        # Faces whose centre left the crop, or that are too small to learn, must not be negatives.
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        inside = (centres >= 0).all(1) & (centres < self.size).all(1)
        boxes = np.clip(boxes, 0, self.size)
        small = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) < MIN_FACE
        keep = inside & ~small
        ignore = np.concatenate([np.clip(ignore, 0, self.size), boxes[~keep]])
        boxes = boxes[keep]
        if self.augment and rng.random() < 0.5:
            arr = arr[:, ::-1]
            boxes = boxes[:, [2, 1, 0, 3]] * [-1, 1, -1, 1] + [self.size, 0, self.size, 0]
            ignore = ignore[:, [2, 1, 0, 3]] * [-1, 1, -1, 1] + [self.size, 0, self.size, 0]
        arr = photometric(arr, rng) if self.augment else arr.astype(np.float32)
        tensor = (arr - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
        return (np.ascontiguousarray(tensor.transpose(2, 0, 1), dtype=np.float32),
                boxes.astype(np.float32).reshape(-1, 4), ignore.astype(np.float32).reshape(-1, 4))

    def _window(self, w: int, h: int, side: float, boxes: np.ndarray, rng: random.Random, chance: float):
        """Top-left corner (source pixels) of a side x side window: over a random box's
        centre (a face, or a mined hard negative) with probability `chance`, else anywhere;
        centred jitter where the picture is smaller than the window."""
        centre = None
        if len(boxes) and rng.random() < chance:
            b = boxes[rng.randrange(len(boxes))]
            centre = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)

        def axis(extent: int, c):
            if extent <= side:  # picture smaller than the window: place it anywhere inside
                return -rng.uniform(0, side - extent)
            lo, hi = 0.0, extent - side
            if c is not None:
                lo, hi = max(lo, c - side + 1), min(hi, c - 1)
                if lo > hi:
                    lo = hi = min(max(c - side / 2, 0.0), extent - side)
            return rng.uniform(lo, hi)

        return axis(w, centre and centre[0]), axis(h, centre and centre[1])

    def _render(self, img: Image.Image, x0: float, y0: float, scale: float):
        """The window resized into a grey size x size canvas; returns the canvas and the
        mapping source -> canvas (offset x, offset y, scale x, scale y) actually applied."""
        w, h = img.size
        side = self.size / scale
        ix0, iy0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        ix1, iy1 = min(w, int(np.ceil(x0 + side))), min(h, int(np.ceil(y0 + side)))
        canvas = np.full((self.size, self.size, 3), 128, np.uint8)
        ox, oy = max(0, round((ix0 - x0) * scale)), max(0, round((iy0 - y0) * scale))
        rw = max(1, min(self.size - ox, round((ix1 - ix0) * scale)))
        rh = max(1, min(self.size - oy, round((iy1 - iy0) * scale)))
        sx, sy = rw / max(1, ix1 - ix0), rh / max(1, iy1 - iy0)
        if ix1 > ix0 and iy1 > iy0:
            part = img.crop((ix0, iy0, ix1, iy1)).resize((rw, rh), Image.BILINEAR)
            canvas[oy:oy + rh, ox:ox + rw] = np.asarray(part)
        return canvas, (ox - ix0 * sx, oy - iy0 * sy, sx, sy)


def collate(batch):
    import torch
    images = torch.from_numpy(np.stack([b[0] for b in batch]))
    return images, [torch.from_numpy(b[1]) for b in batch], [torch.from_numpy(b[2]) for b in batch]


def preprocess(img: Image.Image, max_short: int = 400, max_long: int = 800, pad_multiple: int = 32):
    """Inference preprocessing exactly as model.yaml states: resize rule, normalise, pad.
    Returns (tensor [1,3,H,W], scale) with source = network / scale."""
    w, h = img.size
    scale = min(max_short / min(w, h), max_long / max(w, h), 1.0)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.BILINEAR)
    arr = (np.asarray(img.convert("RGB"), dtype=np.float32) - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    ph = (nh + pad_multiple - 1) // pad_multiple * pad_multiple
    pw = (nw + pad_multiple - 1) // pad_multiple * pad_multiple
    out = np.zeros((3, ph, pw), np.float32)
    out[:, :nh, :nw] = arr.transpose(2, 0, 1)
    return out[None], (nw / w, nh / h)
