"""Training data: labelled photo folders (labels.jsonl) or a WIDER-layout folder, and the
augmentations that help on small data (square crops with scale jitter, flips, photometric).

A sample carries `boxes` (faces to learn) and `ignore` (regions that must neither reward nor
punish: unlabelled faces, faces too small to learn, faces cut by the crop).
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image

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


def _xywh_to_xyxy(items) -> np.ndarray:
    a = np.asarray(items, dtype=np.float32).reshape(-1, 4)
    a[:, 2:] += a[:, :2]
    return a


def load_jsonl_folder(folder: str, weight: float = 1.0) -> list[Record]:
    """A folder with labels.jsonl: {"image", "boxes": [[x,y,w,h]], "ignore": [[x,y,w,h]]}."""
    records = []
    with open(os.path.join(folder, "labels.jsonl")) as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            boxes = _xywh_to_xyxy(o.get("boxes", []))
            ignore = _xywh_to_xyxy(o.get("ignore", []))
            # dlib-style per-box ignore flags move a box into the ignore set.
            flags = o.get("flags")
            if flags and len(flags) == len(boxes) and all(isinstance(x, dict) for x in flags):
                mask = np.array([bool(x.get("ignore", 0)) for x in flags])
                ignore = np.concatenate([ignore, boxes[mask]])
                boxes = boxes[~mask]
            records.append(Record(os.path.join(folder, o["image"]), boxes, ignore, weight))
    return records


def load_wider_folder(folder: str) -> list[Record]:
    """WIDER FACE layout: wider_face_train_bbx_gt.txt (+ images/ beside or under WIDER_train/).
    Boxes flagged invalid or smaller than 2 px become ignore regions."""
    gt = None
    for cand in ("wider_face_train_bbx_gt.txt", "wider_face_split/wider_face_train_bbx_gt.txt"):
        if os.path.exists(os.path.join(folder, cand)):
            gt = os.path.join(folder, cand)
    if gt is None:
        raise FileNotFoundError(f"{folder}: no wider_face_train_bbx_gt.txt")
    image_root = next((os.path.join(folder, d) for d in ("WIDER_train/images", "images")
                       if os.path.isdir(os.path.join(folder, d))), folder)
    records = []
    with open(gt) as f:
        lines = [line.strip() for line in f]
    i = 0
    while i < len(lines):
        name = lines[i]
        if not name:
            i += 1
            continue
        count = int(lines[i + 1])
        rows = lines[i + 2:i + 2 + max(count, 1)]
        i += 2 + max(count, 1)
        boxes, ignore = [], []
        for row in rows[:count]:
            v = [int(x) for x in row.split()[:10]]
            x, y, w, h, invalid = v[0], v[1], v[2], v[3], v[7]
            (ignore if invalid or w < 2 or h < 2 else boxes).append([x, y, w, h])
        records.append(Record(os.path.join(image_root, name), _xywh_to_xyxy(boxes), _xywh_to_xyxy(ignore)))
    return records


def load_sets(specs: list[str], data_root: str) -> list[Record]:
    """specs: 'train/eden_mask_wearing', 'pseudo/coco128:0.5' (folder[:sampling weight]), or a WIDER folder."""
    records = []
    for spec in specs:
        path, _, w = spec.partition(":")
        folder = path if os.path.isabs(path) else os.path.join(data_root, path)
        if os.path.normpath(folder).split(os.sep)[-2:-1] == ["eval"] or "dlib_faces" in folder:
            raise ValueError(f"{spec}: evaluation-only data must never be used for training")
        weight = float(w) if w else 1.0
        if os.path.exists(os.path.join(folder, "labels.jsonl")):
            recs = load_jsonl_folder(folder, weight)
        else:
            recs = load_wider_folder(folder)
            for r in recs:
                r.weight = weight
        records.extend(recs)
    return records


def photometric(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Brightness, contrast, saturation jitter and occasional grey, on float32 HWC RGB."""
    img = img.astype(np.float32)
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
    """Random square crops with scale jitter, resized to size x size, plus flips and colour."""

    SCALES = (0.3, 0.45, 0.6, 0.8, 1.0)

    def __init__(self, records: list[Record], size: int, seed: int = 0, augment: bool = True):
        self.records = records
        self.size = size
        self.seed = seed
        self.augment = augment
        self.epoch = 0

    def __len__(self):
        return len(self.records)

    def __getitem__(self, index: int):
        rng = random.Random((self.seed * 1_000_003 + self.epoch) * 1_000_003 + index)
        rec = self.records[index]
        img = Image.open(rec.path).convert("RGB")
        w, h = img.size
        boxes, ignore = rec.boxes.copy(), rec.ignore.copy()
        if self.augment:
            crop = self._choose_crop(w, h, boxes, rng)
        else:
            side = max(w, h)
            crop = (0, 0, side)
        x0, y0, side = crop
        scale = self.size / side
        img = img.crop((x0, y0, x0 + side, y0 + side)).resize((self.size, self.size), Image.BILINEAR)
        arr = np.asarray(img)
        boxes = (boxes - [x0, y0, x0, y0]) * scale
        ignore = (ignore - [x0, y0, x0, y0]) * scale
        # Faces whose centre left the crop, or that are too small to learn, must not be negatives.
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        inside = (centres >= 0).all(1) & (centres < self.size).all(1)
        boxes = np.clip(boxes, 0, self.size)
        small = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) < MIN_FACE
        keep = inside & ~small
        ignore = np.concatenate([np.clip(ignore, 0, self.size), boxes[~keep]]) if len(boxes) else np.clip(ignore, 0, self.size)
        boxes = boxes[keep]
        if self.augment and rng.random() < 0.5:
            arr = arr[:, ::-1]
            boxes = boxes[:, [2, 1, 0, 3]] * [-1, 1, -1, 1] + [self.size, 0, self.size, 0]
            ignore = ignore[:, [2, 1, 0, 3]] * [-1, 1, -1, 1] + [self.size, 0, self.size, 0]
        arr = photometric(arr, rng) if self.augment else arr.astype(np.float32)
        tensor = (arr - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
        return (np.ascontiguousarray(tensor.transpose(2, 0, 1), dtype=np.float32),
                boxes.astype(np.float32), ignore.astype(np.float32))

    def _choose_crop(self, w: int, h: int, boxes: np.ndarray, rng: random.Random):
        short = min(w, h)
        for _ in range(20):
            side = max(1, int(short * rng.choice(self.SCALES)))
            x0 = rng.randint(0, w - side)
            y0 = rng.randint(0, h - side)
            if len(boxes) == 0:
                return x0, y0, side
            c = (boxes[:, :2] + boxes[:, 2:]) / 2
            if ((c[:, 0] >= x0) & (c[:, 0] < x0 + side) & (c[:, 1] >= y0) & (c[:, 1] < y0 + side)).any():
                return x0, y0, side
        return 0, 0, short


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
