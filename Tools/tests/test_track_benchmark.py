"""Checks of Tools/track_benchmark.py: its video set uses only training photos with 2-6
labelled faces, and its tables carry what an eval-track JSON document says."""
import json
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
import track_benchmark as tb  # Tools/ is on the test path (Tools/pyproject.toml)

DATA = os.environ.get("FACEPIPE_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))


def labels(folder):
    path = os.path.join(DATA, "train", folder, "labels.jsonl")
    if not os.path.exists(path):
        pytest.skip(f"shared data not found at {DATA}")
    return {e["image"]: e for e in map(json.loads, open(path))}


def test_videos_come_from_training_photos_with_two_to_six_faces():
    assert len(tb.VIDEOS) >= 5
    assert len({(folder, image) for folder, image, *_ in tb.VIDEOS}) == len(tb.VIDEOS), "each photo once"
    assert len({seed for *_, seed in tb.VIDEOS}) == len(tb.VIDEOS), "each video its own seed"
    for folder, image, size, fps, seconds, seed in tb.VIDEOS:
        entry = labels(folder).get(image)
        assert entry is not None, f"{folder}/{image} has no label line"
        assert 2 <= len(entry["boxes"]) <= 6
        widths = [b[2] for b in entry["boxes"]]
        assert min(widths) >= 40 and max(widths) <= 200, f"{image}: faces should be medium, got {widths}"


def test_eval_data_is_refused(tmp_path):
    with pytest.raises(tb.BenchmarkError, match="evaluation-only"):
        original = tb.VIDEOS
        try:
            tb.VIDEOS = [("../eval/eden_mask_wearing", "images/x.jpg", "640x360", 25, 1.0, 1)]
            tb.render(DATA, str(tmp_path), reuse=False)
        finally:
            tb.VIDEOS = original


def scores(gt, fn, fp, idsw):
    matches = gt - fn
    return {"frames": 10, "gt_boxes": gt, "predicted_boxes": matches + fp, "matches": matches,
            "false_negatives": fn, "false_positives": fp, "id_switches": idsw, "fragmentations": 1,
            "mota": 1 - (fn + fp + idsw) / gt, "motp": 0.8, "idf1": 0.5, "idp": 0.6, "idr": 0.4,
            "id_true_positives": 8, "id_false_positives": 2, "id_false_negatives": 12,
            "gt_tracks": 2, "mostly_tracked": 1, "mostly_lost": 0}


def test_tables_carry_the_document():
    document = {"format": "facepipe-track-eval", "version": 1, "model": "m", "engine": "fp32", "detect_every": 3,
                "tracker_config": "Configs/tracker.yaml", "iou_threshold": 0.5,
                "videos": [{"video": "/tmp/a.mp4", "truth": "/tmp/a.gt.jsonl", "width": 640, "height": 360,
                            "wall_seconds": 1.0, "frames_per_second": 25.0, "scores": scores(20, 5, 3, 1)}],
                "overall": scores(20, 5, 3, 1),
                "compared": [{"tracker_config": "other.yaml", "videos": [], "overall": scores(20, 2, 9, 0)}]}
    text = tb.table(document)
    assert "fp32, detect every 3" in text and "| a | 10 | 20 | 55.0 | 0.800 | 50.0 |" in text
    rows = tb.summary([document]).splitlines()
    assert len(rows) == 4
    assert rows[2].startswith("| fp32 | 3 | Configs/tracker.yaml | 55.0 |")
    assert rows[3].startswith("| fp32 | 3 | other.yaml | 45.0 |") and "| 9 | 2 |" in rows[3]
