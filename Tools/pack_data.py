#!/usr/bin/env python3
"""Packs a training subset small enough to carry to a GPU machine (default budget 60 MiB):
pictures re-encoded at a smaller long side and JPEG quality, boxes and ignore regions scaled
with them, same layout as ../shared/data (`<set>/images/*.jpg` + `<set>/labels.jsonl`), so
`Tools/train.py --data-root <packed folder>` trains from it unchanged. Evaluation-only sets are refused."""
import argparse
import io
import json
import os
import random
import sys

from PIL import Image

from facetools.labels import read_labels_folder
from facetools.train import DEFAULT_SETS


def scaled(boxes, s):
    return [[round(v * s, 2) for v in b] for b in boxes]


def main(argv=None):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(prog="Tools/pack_data.py", description=__doc__)
    p.add_argument("--data-root", default=os.path.join(os.path.dirname(repo), "shared/data"))
    p.add_argument("--sets", nargs="+", default=DEFAULT_SETS, help="as Tools/train.py --sets (weights are kept out)")
    p.add_argument("--out", required=True, help="output folder (keep it git-ignored, e.g. .packed/)")
    p.add_argument("--budget-mib", type=float, default=60.0)
    p.add_argument("--long-side", type=int, default=640)
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    budget = int(a.budget_mib * 1024 * 1024)
    # Interleave the sets so a tight budget still samples every set.
    queues = []
    for spec in a.sets:
        folder = spec.partition(":")[0]
        if "/eval/" in f"/{folder}/" or "dlib_faces" in folder:
            sys.exit(f"{folder}: evaluation-only data must never be packed for training")
        pictures = read_labels_folder(os.path.join(a.data_root, folder))
        random.Random(a.seed).shuffle(pictures)
        queues.append((folder, pictures))
    used = 0
    written = {folder: [] for folder, _ in queues}
    position = 0
    while any(position < len(pictures) for _, pictures in queues):
        for folder, pictures in queues:
            if position >= len(pictures):
                continue
            picture = pictures[position]
            img = Image.open(picture.path).convert("RGB")
            s = min(1.0, a.long_side / max(img.size))
            if s < 1.0:
                img = img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))), Image.BILINEAR)
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=a.quality)
            if used + buf.tell() > budget:
                position = max(len(q) for _, q in queues)  # budget reached: stop everywhere
                break
            used += buf.tell()
            rel = os.path.join("images", os.path.basename(picture.image))
            os.makedirs(os.path.join(a.out, folder, "images"), exist_ok=True)
            with open(os.path.join(a.out, folder, rel), "wb") as f:
                f.write(buf.getvalue())
            stored = {"flags": picture.flags, "source": picture.source}  # source: clip groups of the split
            written[folder].append({"image": rel, "width": img.width, "height": img.height,
                                    "boxes": scaled(picture.boxes.tolist(), s),
                                    "ignore": scaled(picture.ignore.tolist(), s),
                                    **{k: v for k, v in stored.items() if v is not None}})
        position += 1
    for folder, items in written.items():
        if items:
            with open(os.path.join(a.out, folder, "labels.jsonl"), "w") as f:
                f.writelines(json.dumps(x) + "\n" for x in items)
    total = sum(len(v) for v in written.values())
    print(f"packed {total} images, {used / 2**20:.1f} MiB, into {a.out}: "
          + ", ".join(f"{k} {len(v)}" for k, v in written.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
