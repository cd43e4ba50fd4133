"""facetools.labels, the one labels reader: what a line means, and that training and evaluation
see the same picture through it."""
import json

import numpy as np
import pytest

from facetools.data import load_jsonl_folder, load_wider_folder
from facetools.evaluation import load_labels
from facetools.labels import LabelsError, clip_group, read_labels, read_labels_folder, read_wider_train

LINES = [
    {"image": "images/a.jpg", "boxes": [[10, 20, 30, 40], [100, 0, 8, 8]], "ignore": [[200, 0, 20, 20]],
     "flags": [{"ignore": 0}, {"ignore": 1}]},
    {"image": "images/f.jpg", "boxes": [], "source": "owner/repo@abc:clip.mp4#frame=40"},
    {"image": "images/g.jpg", "source": "owner/repo@abc:clip.mp4#frame=80"},
]


def write(folder, lines, extra=""):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + extra)
    return folder


def test_a_line_as_stored(tmp_path):
    pics = read_labels_folder(str(write(tmp_path / "train" / "set", LINES, "\n")))
    assert [p.image for p in pics] == ["images/a.jpg", "images/f.jpg", "images/g.jpg"]
    a, f, g = pics
    assert a.boxes.dtype == np.float64 and a.boxes.tolist() == [[10, 20, 30, 40], [100, 0, 8, 8]]
    assert a.scored.tolist() == [True, False] and a.ignore.tolist() == [[200, 0, 20, 20]]
    assert a.path == str(tmp_path / "train" / "set" / "images" / "a.jpg")
    assert a.group == "set/images/a.jpg" and not a.face_free
    # frames of one clip share a group; no box and no region means face-free
    assert f.group == g.group == "owner/repo@abc:clip.mp4" and f.face_free and g.face_free
    assert clip_group(None) == "" and clip_group("x.jpg") == ""


def test_training_and_evaluation_read_the_same_picture(tmp_path):
    folder = write(tmp_path / "train" / "set", LINES)
    rec = load_jsonl_folder(str(folder))[0]
    lab = load_labels(str(folder / "labels.jsonl"))[0]
    # training: corner boxes, the flagged box joins the ignore regions after the stored ones
    assert rec.boxes.tolist() == [[10, 20, 40, 60]]
    assert rec.ignore.tolist() == [[200, 0, 220, 20], [100, 0, 108, 8]]
    # evaluation: the flagged box stays a box that is not scored
    assert lab.scored.tolist() == [True, False] and lab.boxes.shape == (2, 4)


def test_bad_lines_name_file_and_line(tmp_path):
    with pytest.raises(LabelsError, match="labels file not found"):
        read_labels(str(tmp_path / "none.jsonl"))
    bad = write(tmp_path / "b", [LINES[0]], "{not json\n")
    with pytest.raises(LabelsError, match=r"labels.jsonl:2: not valid JSON"):
        read_labels_folder(str(bad))
    bad = write(tmp_path / "c", [{"image": "x.jpg", "boxes": [[0, 0, 1, 1]], "flags": []}])
    with pytest.raises(LabelsError, match=r"labels.jsonl:1: \"flags\" must list one object per box"):
        read_labels_folder(str(bad))
    bad = write(tmp_path / "d", [{"boxes": []}])
    with pytest.raises(LabelsError, match="expected an object with an \"image\" string"):
        read_labels_folder(str(bad))


def test_wider_training_layout(tmp_path):
    (tmp_path / "images" / "0--Parade").mkdir(parents=True)
    (tmp_path / "wider_face_train_bbx_gt.txt").write_text(
        "0--Parade/a.jpg\n3\n10 20 30 40 0 0 0 0 0 0\n5 5 1 10 0 0 0 0 0 0\n50 60 20 20 0 0 0 1 0 0\n"
        "0--Parade/b.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n")
    a, b = read_wider_train(str(tmp_path))
    assert a.path == str(tmp_path / "images" / "0--Parade" / "a.jpg") and a.group == "0--Parade/a.jpg"
    # 1 px wide and flagged invalid: not scored, still there
    assert a.scored.tolist() == [True, False, False] and len(a.ignore) == 0
    assert b.face_free and b.boxes.shape == (0, 4)
    rec = load_wider_folder(str(tmp_path))[0]
    assert len(rec.boxes) == 1 and rec.ignore.tolist() == [[5, 5, 6, 15], [50, 60, 70, 80]]
