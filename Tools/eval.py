#!/usr/bin/env python3
"""Face-detection evaluation from the command line (thin wrapper over facetools.evaluation).

  python Tools/eval.py wider --gt <ground_truth dir> --pred <dir> [--iou 0.5]
  python Tools/eval.py fddb  --folds <FDDB-folds dir> --pred <file|dir|jsonl> [--fold 1 ...]
                             [--images <originalPics dir>] [--roc <prefix>] [--max-fp 1000]
  python Tools/eval.py ap    --labels <labels.jsonl> --pred <dir|jsonl> [--iou 0.5 0.3]

Add --json to print one JSON object instead of the table. Exit status 2 on bad input.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

from facetools.evaluation import (EvalInputError, evaluate_ap, evaluate_fddb, evaluate_wider,
                                  load_fddb_annotations, load_fddb_detections, load_wider_detections,
                                  load_wider_ground_truth)


def _fmt(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.4f}"


def _json_safe(v):
    """NaN (no faces to score) becomes null so the output stays valid JSON."""
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _table(header, rows) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_wider(args) -> dict:
    gt = load_wider_ground_truth(args.gt)
    res = evaluate_wider(gt, load_wider_detections(args.pred, gt), args.iou[0])
    out = {s: {"ap": r.ap, "faces": r.faces} for s, r in res.items()}
    if not args.json:
        print(f"WIDER FACE val, {len(gt.images)} images, IoU {args.iou[0]}")
        print(_table(["setting", "faces", "AP"], [[s, r["faces"], _fmt(r["ap"])] for s, r in out.items()]))
    return out


def _image_sizes(folder: str, annotations) -> dict:
    from PIL import Image

    sizes = {}
    for a in annotations:
        path = os.path.join(folder, a.name + ".jpg")
        try:
            with Image.open(path) as im:
                sizes[a.name] = im.size
        except OSError as exc:
            raise EvalInputError(f"cannot read FDDB image {path}: {exc}") from exc
    return sizes


def run_fddb(args) -> dict:
    annots = load_fddb_annotations(args.folds, args.fold)
    sizes = _image_sizes(args.images, annots) if args.images else None
    res = evaluate_fddb(annots, load_fddb_detections(args.pred), sizes)
    if args.roc:
        res.write_roc(args.roc)
    out = {"images": res.images, "faces": res.faces, "max_fp": args.max_fp,
           "discrete_tpr": res.tpr_at(args.max_fp), "continuous_tpr": res.tpr_at(args.max_fp, continuous=True),
           "clipped_to_image": sizes is not None}
    if not args.json:
        print(f"FDDB folds {','.join(str(f) for f in args.fold)}: {res.images} images, {res.faces} faces"
              + ("" if sizes else " (regions not clipped to the images: pass --images for that)"))
        print(_table(["score", f"TPR at {args.max_fp:g} FP"],
                     [["discrete", _fmt(out["discrete_tpr"])], ["continuous", _fmt(out["continuous_tpr"])]]))
    return out


def run_ap(args) -> dict:
    out = {}
    rows = []
    for iou in args.iou:
        r = evaluate_ap(args.labels, args.pred, iou)
        out[str(iou)] = {"ap": r.ap, "faces": r.faces, "images": r.images, "detections": r.detections,
                         "true_positives": r.true_positives, "false_positives": r.false_positives,
                         "dropped_by_region": r.dropped_by_region, "dropped_by_flag": r.dropped_by_flag,
                         "max_recall": r.max_recall}
        rows.append([f"{iou:g}", _fmt(r.ap), _fmt(r.max_recall), r.true_positives, r.false_positives,
                     r.dropped_by_region, r.dropped_by_flag])
    if not args.json:
        first = next(iter(out.values()))
        print(f"{args.labels}: {first['images']} images, {first['faces']} faces, {first['detections']} detections")
        print(_table(["IoU", "AP", "max recall", "TP", "FP", "on ignore region", "on flagged box"], rows))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="eval.py", description="Face-detection evaluation.")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wider", help="WIDER FACE easy/medium/hard AP (official protocol)")
    w.add_argument("--gt", required=True, help="folder with wider_face_val.mat and wider_{easy,medium,hard}_val.mat")
    w.add_argument("--pred", required=True, help="detections: <pred>/<event>/<image>.txt")
    w.add_argument("--iou", type=float, nargs=1, default=[0.5])
    f = sub.add_parser("fddb", help="FDDB discrete/continuous TPR at a number of false positives")
    f.add_argument("--folds", required=True, help="FDDB-folds folder (FDDB-fold-NN-ellipseList.txt)")
    f.add_argument("--pred", required=True, help="detection file(s) in the FDDB layout, or a JSONL")
    f.add_argument("--fold", type=int, nargs="+", default=list(range(1, 11)), choices=range(1, 11), metavar="N")
    f.add_argument("--images", help="originalPics folder: clip regions to the image like the official tool")
    f.add_argument("--roc", help="write <prefix>DiscROC.txt and <prefix>ContROC.txt")
    f.add_argument("--max-fp", type=float, default=1000)
    a = sub.add_parser("ap", help="VOC all-points AP on a labels.jsonl set (ignore regions honoured)")
    a.add_argument("--labels", required=True)
    a.add_argument("--pred", required=True, help="WIDER-format folder or JSONL {image, boxes:[[x,y,w,h,score]]}")
    a.add_argument("--iou", type=float, nargs="+", default=[0.5, 0.3])
    for s in (w, f, a):
        s.add_argument("--json", action="store_true", help="print results as JSON")
    args = p.parse_args(argv)
    try:
        out = {"wider": run_wider, "fddb": run_fddb, "ap": run_ap}[args.cmd](args)
    except EvalInputError as exc:
        print(f"eval.py {args.cmd}: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_json_safe(out), indent=2, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
