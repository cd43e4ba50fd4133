import os
import random

import numpy as np
import pytest

from conftest import DATA
from facetools import mining, train
from facetools.data import CropDataset, Record, load_sets


def test_only_boxes_on_no_face_and_no_ignore_region_are_hard_negatives():
    faces = np.array([[100, 100, 140, 150]], np.float32)
    ignore = np.array([[300, 300, 340, 340]], np.float32)
    detections = np.array([
        [102, 104, 138, 150, 0.9],   # the face itself
        [110, 115, 150, 165, 0.8],   # a shifted box on the face (IoU 0.36): the regression's business
        [305, 305, 335, 335, 0.7],   # on an unlabelled face's ignore region
        [500, 40, 540, 90, 0.6],     # nothing there
    ])
    hard = mining.false_boxes(detections, faces, ignore)
    assert hard.tolist() == [[500, 40, 540, 90, 0.6]]
    assert len(mining.false_boxes(np.zeros((0, 5)), faces, ignore)) == 0
    assert len(mining.false_boxes(detections, np.zeros((0, 4)), np.zeros((0, 4)))) == 4


def test_mined_file_round_trips_and_raises_the_pictures_weight(tmp_path):
    records = load_sets(["train/caltech_webfaces"], DATA)[:3]
    boxes = np.array([[10, 20, 50, 70, 0.83]])
    path = str(tmp_path / "hard.jsonl")
    mining.write(path, {records[1].path: boxes}, DATA)
    assert '"image": "train/caltech_webfaces/' in open(path).read()  # portable: relative to the data root
    found = mining.read(path, DATA)
    assert list(found) == [os.path.normpath(records[1].path)] and np.allclose(found[records[1].path], boxes)
    weights = [r.weight for r in records]
    assert mining.attach(records, found, 3.0) == 1
    assert records[1].weight == pytest.approx(3 * weights[1]) and records[0].weight == weights[0]
    assert records[1].hard.tolist() == [[10, 20, 50, 70]] and len(records[0].hard) == 0


def test_a_broken_hard_negative_file_names_its_line(tmp_path):
    path = tmp_path / "hard.jsonl"
    path.write_text('{"image": "a.jpg", "boxes": [[1, 2, 3, 4, 0.5]]}\n{"image": "b.jpg"}\n')
    with pytest.raises(SystemExit, match="hard.jsonl:2"):
        mining.read(str(path), DATA)


def test_crops_can_be_centred_on_a_hard_negative():
    ds = CropDataset([], 320)
    hard = np.array([[900, 600, 940, 650]], np.float32)
    rng = random.Random(5)
    for _ in range(50):
        x0, y0 = ds._window(1024, 768, 200.0, hard, rng, 1.0)
        assert x0 < 920 < x0 + 200 and y0 < 625 < y0 + 200


def test_training_takes_a_hard_negative_file(tmp_path, capsys):
    records = load_sets(["train/caltech_webfaces"], DATA)[:2]
    path = str(tmp_path / "hard.jsonl")
    mining.write(path, {records[0].path: np.array([[5, 5, 40, 40, 0.9]])}, DATA)
    args = train.parse_args(["--sets", "train/caltech_webfaces", "--data-root", DATA, "--out", str(tmp_path / "run"),
                             "--iters", "2", "--batch", "1", "--size", "128", "--warmup", "1", "--steps",
                             "--workers", "0", "--threads", "1", "--limit-images", "2",
                             "--hard-negatives", path, "--ckpt-every", "100"])
    assert train.train(args)["iters"] == 2
    assert "hard negatives from" in capsys.readouterr().err


def test_review_numbers_every_box_and_keep_copies_only_the_chosen_ones(tmp_path):
    records = load_sets(["train/caltech_webfaces"], DATA)[:2]
    found = {records[0].path: np.array([[10, 10, 60, 60, 0.9], [100, 40, 150, 90, 0.7]]),
             records[1].path: np.array([[20, 30, 70, 80, 0.6]])}
    sheets = mining.review_sheets(found, str(tmp_path / "review"), per_sheet=2)
    assert [os.path.basename(p) for p in sheets] == ["hard-0.png", "hard-1.png"]
    from PIL import Image
    assert Image.open(sheets[0]).size == (10 * 150, 150)
    assert mining.parse_numbers("0, 2-2") == {0, 2}
    kept = mining.keep_only(found, {0, 2})
    assert kept[records[0].path].tolist() == [[10, 10, 60, 60, 0.9]]
    assert kept[records[1].path].tolist() == [[20, 30, 70, 80, 0.6]]
    with pytest.raises(SystemExit, match="'x'"):
        mining.parse_numbers("1,x")
