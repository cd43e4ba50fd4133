#!/usr/bin/env python3
"""A contact sheet of a video: N frames spread evenly over it, tiled into one PNG, each
captioned with its frame number. For looking at what the pipeline drew before calling a
detector better (the annotated output of `facepipe run`, or any clip).

Example:
  .venv/bin/python Tools/contact_sheet.py out/annotated.mp4 --out out/sheet.png --frames 12
"""
import argparse
import json
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                          "-show_entries", "stream=width,height,nb_read_frames", "-of", "json", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"contact_sheet: cannot read {path}: {out.stderr.strip()}")
    s = json.loads(out.stdout)["streams"][0]
    return int(s["width"]), int(s["height"]), int(s["nb_read_frames"])


def frames(path, picks, width, height):
    """The picked frames (decode order) as RGB arrays, decoded once by the ffmpeg CLI."""
    select = "+".join(f"eq(n\\,{i})" for i in picks)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", f"select={select}", "-vsync", "0",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("video")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--frames", type=int, default=12)
    p.add_argument("--columns", type=int, default=4)
    p.add_argument("--tile-width", type=int, default=480)
    a = p.parse_args(argv)
    w, h, n = probe(a.video)
    picks = sorted({round(i * (n - 1) / max(1, a.frames - 1)) for i in range(a.frames)})
    images = frames(a.video, picks, w, h)
    tw = a.tile_width
    th = round(h * tw / w)
    rows = (len(images) + a.columns - 1) // a.columns
    sheet = Image.new("RGB", (a.columns * tw, rows * th), (0, 0, 0))
    for k, (idx, arr) in enumerate(zip(picks, images)):
        tile = Image.fromarray(arr).resize((tw, th), Image.BILINEAR)
        ImageDraw.Draw(tile).text((4, 2), f"frame {idx}", fill=(255, 255, 0))
        sheet.paste(tile, ((k % a.columns) * tw, (k // a.columns) * th))
    sheet.save(a.out)
    print(f"wrote {a.out}: {len(images)} frames of {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
