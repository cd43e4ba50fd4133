"""Runs an exported model (or a training checkpoint) on pictures, as the Swift detector does:
resize rule, normalise, pad, heads, decode, NMS 0.3. Writes JSONL detections
({"image", "boxes": [[x, y, w, h, score], ...]}) or a WIDER submission folder."""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch
from PIL import Image

from .boxes import detect
from .data import preprocess
from .export import DETECTOR, INPUT, deploy_model, folded_tensors, load_model
from .labels import read_labels
from .model import SSH


def load_any(path: str):
    """An exported model folder, or a training checkpoint (.pt) folded on the fly."""
    if os.path.isdir(path):
        model, desc = load_model(path)
        return model, desc["input"], desc["detector"]
    state = torch.load(path, map_location="cpu", weights_only=False)
    trained = SSH(state["backbone"])
    trained.load_state_dict(state["model"])
    trained.eval()
    return deploy_model(state["backbone"], folded_tensors(trained)), INPUT, DETECTOR


@torch.no_grad()
def detect_image(model, inp: dict, det: dict, img: Image.Image, score_threshold: float | None = None):
    tensor, (sx, sy) = preprocess(img, inp["max_short_side"], inp["max_long_side"], inp["pad_multiple"])
    x = torch.from_numpy(tensor)
    out = detect(model(x), x.shape[2], x.shape[3],
                 det["score_threshold"] if score_threshold is None else score_threshold,
                 det["nms_iou"], det["pre_nms_top_k"], det["max_detections"])
    w, h = img.size
    boxes = []
    for x1, y1, x2, y2, s in out.tolist():
        x1, x2 = max(0.0, x1 / sx), min(float(w), x2 / sx)
        y1, y2 = max(0.0, y1 / sy), min(float(h), y2 / sy)
        if x2 > x1 and y2 > y1:
            boxes.append([x1, y1, x2 - x1, y2 - y1, s])
    return boxes


def main(argv=None):
    p = argparse.ArgumentParser(prog="Tools/detect.py", description=__doc__)
    p.add_argument("model", help="exported model folder or training checkpoint")
    p.add_argument("--labels", help="labels.jsonl whose images to run (paths relative to its folder)")
    p.add_argument("images", nargs="*", help="or picture files")
    p.add_argument("--score", type=float, default=0.02, help="score threshold (low for AP evaluation)")
    p.add_argument("--out", default="-", help="JSONL output (default stdout)")
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    model, inp, det = load_any(a.model)
    items = []
    if a.labels:
        root = os.path.dirname(os.path.abspath(a.labels))
        items = [(p.image, root) for p in read_labels(a.labels)]
    items += [(path, "") for path in a.images]
    out = sys.stdout if a.out == "-" else open(a.out, "w")
    for name, root in items:
        img = Image.open(os.path.join(root, name) if root else name).convert("RGB")
        boxes = detect_image(model, inp, det, img, a.score)
        out.write(json.dumps({"image": name, "boxes": [[round(v, 2) for v in b[:4]] + [round(b[4], 5)]
                                                       for b in boxes]}) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
