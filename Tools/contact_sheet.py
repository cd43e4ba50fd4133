#!/usr/bin/env python3
"""A contact sheet of videos: frames spread evenly over a video (or the frames named with --at),
tiled into one PNG, each captioned with its frame number. For looking at what the pipeline drew
before calling a detector better (the annotated output of `facepipe run`, or any clip). Several
videos of one clip (the original, redacted, redacted with --overlay) give one row per frame and
one column per video, the same frame side by side.

Examples:
  .venv/bin/python Tools/contact_sheet.py out/annotated.mp4 --out out/sheet.png --frames 12
  .venv/bin/python Tools/contact_sheet.py clip.mp4 out/redacted.mp4 out/solid.mp4 --at 150 --no-captions \\
      --tile-width 320 --out docs/redaction.png
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
    if out.returncode != 0 or not json.loads(out.stdout or "{}").get("streams"):
        raise SystemExit(f"contact_sheet: cannot read {path}: {out.stderr.strip() or 'no video stream'}")
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
    p.add_argument("videos", nargs="+", metavar="video")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--frames", type=int, default=12, help="frames spread evenly over the (shortest) video")
    p.add_argument("--at", type=int, action="append", metavar="N", help="these frames instead (repeatable)")
    p.add_argument("--columns", type=int, help="tiles per row (default 4; with several videos, one per video)")
    p.add_argument("--tile-width", type=int, default=480)
    p.add_argument("--no-captions", action="store_true", help="leave the frame numbers off")
    a = p.parse_args(argv)
    sizes = [probe(v) for v in a.videos]
    w, h = sizes[0][:2]
    if any(s[:2] != (w, h) for s in sizes):
        raise SystemExit(f"contact_sheet: the videos differ in size: {', '.join(f'{s[0]}x{s[1]}' for s in sizes)}")
    n = min(s[2] for s in sizes)
    if a.at:
        picks = sorted(set(a.at))
        if picks[0] < 0 or picks[-1] >= n:
            raise SystemExit(f"contact_sheet: frame {picks[-1] if picks[-1] >= n else picks[0]} is not in 0...{n - 1}")
    else:
        picks = sorted({round(i * (n - 1) / max(1, a.frames - 1)) for i in range(a.frames)})
    decoded = [frames(v, picks, w, h) for v in a.videos]
    # Frame-major: each picked frame of every video, in the order the videos were named.
    tiles = [(idx, decoded[v][k]) for k, idx in enumerate(picks) for v in range(len(a.videos))]
    columns = a.columns or (len(a.videos) if len(a.videos) > 1 else 4)
    tw = a.tile_width
    th = round(h * tw / w)
    rows = (len(tiles) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * tw, rows * th), (0, 0, 0))
    for k, (idx, arr) in enumerate(tiles):
        tile = Image.fromarray(arr).resize((tw, th), Image.BILINEAR)
        if not a.no_captions:
            ImageDraw.Draw(tile).text((4, 2), f"frame {idx}", fill=(255, 255, 0))
        sheet.paste(tile, ((k % columns) * tw, (k // columns) * th))
    sheet.save(a.out)
    print(f"wrote {a.out}: {len(picks)} frames of {n}" + (f" from {len(a.videos)} videos" if len(a.videos) > 1 else ""),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
