"""Training data as the detector will meet it: box styles reconciled, a fixed validation split,
crops at run scale whose boxes land on the pixels they label, and face-free crops in every batch."""
import os

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import DATA
from facetools.data import CropDataset, Record, load_sets, wider_to_hand_style
from facetools.sampling import MixedBatches
from facetools.splits import FACE_FREE_FRACTION, VALIDATION_FRACTION, held_out, split


def need_data():
    if not os.path.isdir(os.path.join(DATA, "pseudo")):
        pytest.skip(f"shared data not found at {DATA}")


def test_wider_boxes_become_hand_style():
    # (x, y, w, h) = (10, 20, 40, 50) -> (10, 29, 40, 44): 0.18 h lower, 0.88 h tall, same width.
    got = wider_to_hand_style(np.array([[10.0, 20.0, 50.0, 70.0]], np.float32))
    assert np.allclose(got, [[10.0, 29.0, 50.0, 73.0]])


def test_pseudo_sets_are_converted_and_hand_sets_are_not():
    need_data()
    import json
    lines = [json.loads(x) for x in open(os.path.join(DATA, "pseudo/coco128/labels.jsonl"))]
    k = next(i for i, o in enumerate(lines) if o["boxes"])
    rec = load_sets(["pseudo/coco128"], DATA)[k]
    x, y, w, h = lines[k]["boxes"][0]
    assert np.allclose(rec.boxes[0], [x, y + 0.18 * h, x + w, y + 0.18 * h + 0.88 * h], atol=1e-3)
    hand = json.loads(open(os.path.join(DATA, "train/caltech_webfaces/labels.jsonl")).readline())
    x, y, w, h = hand["boxes"][0]
    assert np.allclose(load_sets(["train/caltech_webfaces"], DATA)[0].boxes[0], [x, y, x + w, y + h], atol=1e-3)


def test_split_is_fixed_keeps_twins_together_and_holds_out_more_face_free():
    need_data()
    records = load_sets(["train/eden_mask_wearing", "pseudo/scenes", "pseudo/video_frames"], DATA)
    train, val = split(records)
    assert len(train) + len(val) == len(records)
    assert [r.path for r in split(records)[1]] == [r.path for r in val]  # same every time
    faces = [r for r in records if not r.face_free]
    share = sum(held_out(r) for r in faces) / len(faces)
    assert 0.5 * VALIDATION_FRACTION < share < 1.6 * VALIDATION_FRACTION
    free = [r for r in records if r.face_free]
    assert sum(held_out(r) for r in free) / len(free) > 0.5 * FACE_FREE_FRACTION
    # Near-duplicate pairs and frames of one clip share a group, so they fall on one side.
    by_group = {}
    for r in records:
        by_group.setdefault(r.group, set()).add(held_out(r) or r.face_free)
    twins = [r for r in records if r.path.endswith("eden_00000048.jpg")]
    assert twins and twins[0].group == "eden_mask_wearing/images/eden_00000001.jpg"
    clips = {r.group for r in records if "#" not in r.group and r.group.startswith("KwaiVGI")}
    assert clips, "video frames are grouped by clip"


def test_crop_boxes_land_on_the_pixels_they_label(tmp_path):
    # A dark picture with one white "face": wherever the crop puts the box, the bright pixels are
    # under it and the rows just above it are dark (colour jitter keeps that order).
    img = np.full((300, 500, 3), 40, np.uint8)
    img[100:160, 200:250] = 255
    path = tmp_path / "p.png"
    Image.fromarray(img).save(path)
    rec = Record(str(path), np.array([[200, 100, 250, 160]], np.float32), np.zeros((0, 4), np.float32))
    ds = CropDataset([rec], 160, seed=5)
    seen = 0
    for draw in range(40):
        x, boxes, _ = ds[(0, draw)]
        luma = (x * 128 + 128).mean(0)
        for b in boxes:
            x1, y1, x2, y2 = (int(round(v)) for v in b)
            if min(x2 - x1, y2 - y1) < 8 or y1 < 4:
                continue
            inner = luma[y1 + 2:y2 - 2, x1 + 2:x2 - 2].mean()
            above = luma[y1 - 4:y1 - 1, x1 + 2:x2 - 2].mean()
            assert inner > above + 10, (draw, b, inner, above)
            seen += 1
    assert seen >= 15


def test_every_batch_has_its_face_free_crops():
    recs = [Record(f"f{i}", np.zeros((1, 4), np.float32), np.zeros((0, 4), np.float32)) for i in range(10)]
    recs += [Record(f"n{i}", np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32)) for i in range(3)]
    batches = iter(MixedBatches(recs, batch=8, face_free=2, seed=1))
    for _ in range(20):
        b = next(batches)
        assert len(b) == 8 and sum(recs[i].face_free for i, _ in b) == 2
    assert MixedBatches(recs[:10], batch=8, face_free=2).n_free == 0  # none to give: all faces
