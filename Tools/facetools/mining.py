"""Hard negatives: where a trained model is confidently wrong on its own training pictures.

OHEM picks the hardest background anchors inside each crop, but a crop lands on a hand, a
patterned cloth or a logo only by chance. Mining runs a model over the training split (never
the validation split, which must keep judging runs fairly), keeps each box scored at least
`min_score` that is not a face, and the next run centres some crops on them
(`CropDataset.HARD_FOCUS`) and draws their pictures more often, so OHEM meets them in every
few batches.

"Not a face" is strict, because unlabelled faces are common in this data and teaching the
network that a real face is background costs recall: a mined box overlaps no labelled face at
IoU >= NEG_IOU (a looser or shifted box on a face is the regression's business) and lies on no
ignore region (the loss's rule: IoU >= 0.3 or half inside).

Even so, pictures hold unlabelled faces that no ignore region covers (a masked face in a crowd,
a face under a helmet), so a mined file is checked by eye before a run uses it: `--review DIR`
writes numbered contact sheets, `--keep 2,4-9,...` writes only the boxes that are not faces.

File format, one JSON object a line: {"image": "<path relative to the data root>", "boxes":
[[x1, y1, x2, y2, score], ...]} in source pixels.
"""
from __future__ import annotations

import json
import os

import numpy as np
import torch
from PIL import Image

from .boxes import iou_matrix
from .data import Record
from .loss import NEG_IOU, on_ignore_region


def false_boxes(detections: np.ndarray, faces: np.ndarray, ignore: np.ndarray) -> np.ndarray:
    """The rows of `detections` ([K,5] x1 y1 x2 y2 score) that are surely not faces."""
    if len(detections) == 0:
        return detections.reshape(0, 5)
    d = torch.as_tensor(detections[:, :4], dtype=torch.float32)
    keep = torch.ones(len(d), dtype=torch.bool)
    if len(faces):
        keep &= iou_matrix(d, torch.as_tensor(faces, dtype=torch.float32)).max(1).values < NEG_IOU
    keep &= ~on_ignore_region(d, torch.as_tensor(ignore, dtype=torch.float32).reshape(-1, 4))
    return detections[keep.numpy()]


@torch.no_grad()
def mine(model, inp: dict, det: dict, records: list[Record], min_score: float, log=None) -> dict[str, np.ndarray]:
    """Picture path -> its hard negatives ([K,5], source pixels), for pictures that have any."""
    from .infer import detect_image
    found = {}
    for i, rec in enumerate(records):
        boxes = np.asarray(detect_image(model, inp, det, Image.open(rec.path).convert("RGB"), min_score),
                           dtype=np.float64).reshape(-1, 5)
        boxes[:, 2:4] += boxes[:, :2]  # x y w h -> x1 y1 x2 y2
        hard = false_boxes(boxes, rec.boxes, rec.ignore)
        if len(hard):
            found[rec.path] = hard
        if log and (i + 1) % 200 == 0:
            log(f"{i + 1}/{len(records)} pictures, {len(found)} with hard negatives")
    return found


def write(path: str, found: dict[str, np.ndarray], data_root: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for image, boxes in found.items():
            f.write(json.dumps({"image": os.path.relpath(image, data_root),
                                "boxes": np.round(boxes, 2).tolist()}) + "\n")
    os.replace(tmp, path)


def read(path: str, data_root: str) -> dict[str, np.ndarray]:
    """Absolute picture path -> its boxes ([K,5])."""
    found = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                boxes = np.asarray(obj["boxes"], dtype=np.float64).reshape(-1, 5)
                found[os.path.normpath(os.path.join(data_root, obj["image"]))] = boxes
            except (ValueError, KeyError, TypeError) as error:
                raise SystemExit(f"{path}:{n}: not a hard-negative line ({error})")
    return found


def numbered(found: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:
    """Every mined box with the picture it is on, in file order: the numbers of --review and --keep."""
    return [(image, box) for image, boxes in found.items() for box in boxes]


def keep_only(found: dict[str, np.ndarray], keep: set[int]) -> dict[str, np.ndarray]:
    """The boxes whose numbers are in `keep`."""
    kept: dict[str, list] = {}
    for i, (image, box) in enumerate(numbered(found)):
        if i in keep:
            kept.setdefault(image, []).append(box)
    return {image: np.stack(boxes) for image, boxes in kept.items()}


def parse_numbers(text: str) -> set[int]:
    """'2,4-6,9' -> {2, 4, 5, 6, 9}."""
    out = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        lo, _, hi = part.partition("-")
        try:
            out.update(range(int(lo), int(hi or lo) + 1))
        except ValueError:
            raise SystemExit(f"--keep: '{part}' is not a number or a range a-b")
    return out


def review_sheets(found: dict[str, np.ndarray], folder: str, per_sheet: int = 60, tile: int = 150) -> list[str]:
    """Numbered contact sheets of the mined boxes, each with context around it, to check by eye."""
    from PIL import ImageDraw
    os.makedirs(folder, exist_ok=True)
    items, paths, cols = numbered(found), [], 10
    for start in range(0, len(items), per_sheet):
        part = items[start:start + per_sheet]
        sheet = Image.new("RGB", (cols * tile, ((len(part) + cols - 1) // cols) * tile))
        for j, (image, (x1, y1, x2, y2, score)) in enumerate(part):
            w, h = x2 - x1, y2 - y1
            margin = 1.2 * max(w, h)
            crop = Image.open(image).convert("RGB").crop((x1 - margin, y1 - margin, x2 + margin, y2 + margin))
            crop = crop.resize((tile, tile))
            k = tile / (w + 2 * margin)
            draw = ImageDraw.Draw(crop)
            draw.rectangle([margin * k, margin * k, (margin + w) * k, (margin + h) * k], outline=(255, 0, 0), width=2)
            draw.text((2, 2), f"{start + j} {score:.2f}", fill=(255, 255, 0))
            sheet.paste(crop, ((j % cols) * tile, (j // cols) * tile))
        paths.append(os.path.join(folder, f"hard-{start // per_sheet}.png"))
        sheet.save(paths[-1])
    return paths


def attach(records: list[Record], found: dict[str, np.ndarray], weight: float) -> int:
    """Gives each record its mined boxes and multiplies its sampling weight; returns how many got any.
    Face-free pictures keep their weight: their batch share is fixed (`MixedBatches`)."""
    n = 0
    for rec in records:
        boxes = found.get(os.path.normpath(rec.path))
        if boxes is None:
            continue
        rec.hard = boxes[:, :4].astype(np.float32)
        if not rec.face_free:
            rec.weight *= weight
        n += 1
    return n


def main(argv=None):
    import argparse
    import sys

    from .data import load_sets
    from .infer import load_any
    from .splits import split
    from .train import DEFAULT_SETS

    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(prog="Tools/mine_negatives.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(repo, "Configs/models/ssh-lite"),
                   help="exported model folder or training checkpoint that mines")
    p.add_argument("--data-root", default=os.path.join(os.path.dirname(repo), "shared/data"))
    p.add_argument("--sets", nargs="+", default=DEFAULT_SETS, help="as train.py's (weights are ignored here)")
    p.add_argument("--out", required=True, help="hard-negative file to write (JSON lines)")
    p.add_argument("--min-score", type=float, default=0.5, help="mine boxes scored at least this")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    p.add_argument("--review", metavar="DIR", help="then write numbered contact sheets of the mined boxes here")
    p.add_argument("--keep", metavar="NUMBERS", help="do not mine: copy the boxes numbered so (e.g. 2,4-9) "
                                                     "from --from to --out, after checking the sheets")
    p.add_argument("--from", dest="source", metavar="FILE", help="the mined file --keep selects from")
    a = p.parse_args(argv)
    if a.keep is not None:
        if not a.source:
            raise SystemExit("--keep needs --from FILE (the mined file the numbers refer to)")
        found = read(a.source, a.data_root)
        kept = keep_only(found, parse_numbers(a.keep))
        write(a.out, kept, a.data_root)
        print(f"kept {sum(len(b) for b in kept.values())} of {len(numbered(found))} boxes -> {a.out}", file=sys.stderr)
        return
    if a.threads:
        torch.set_num_threads(a.threads)
    records, _ = split(load_sets(a.sets, a.data_root))  # the training split only
    model, inp, det = load_any(a.model)
    found = mine(model, inp, det, records, a.min_score, log=lambda s: print(s, file=sys.stderr, flush=True))
    write(a.out, found, a.data_root)
    total = sum(len(b) for b in found.values())
    print(f"{total} hard negatives scored >= {a.min_score} on {len(found)} of {len(records)} training pictures "
          f"-> {a.out}", file=sys.stderr)
    if a.review:
        for path in review_sheets(found, a.review):
            print(f"review: {path}", file=sys.stderr)
