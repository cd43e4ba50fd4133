#!/usr/bin/env python3
"""Render a tracking test video from one labelled photo, with exact per-frame ground truth.

A virtual camera moves over the photo: it pans and zooms, shakes a little, cuts once to
another crop, and a black bar sweeps across the picture for a while, hiding the faces it
passes. Every face box of the photo's label line is mapped through the same camera into
output pixels, so the ground truth is exact by construction.

Writes <out>.mp4 (H.264 through the ffmpeg CLI, yuv420p) and <out>.gt.jsonl beside it:
a header line, then one line per frame:
  {"frame": i, "time": t, "camera": [x, y, w, h] (crop in photo pixels), "bar": [x0, x1] or null,
   "faces": [{"id": k, "box": [x, y, w, h], "in_frame": f, "covered": c, "occluded": bool}]}
Faces less than half inside the picture are left out; boxes are clipped to the picture.
`occluded` is true when the bar hides at least half of the (clipped) box: score those as ignored.

Example:
  make_track_video.py --labels ../shared/data/train/eden_mask_wearing/labels.jsonl \
      --image images/eden_00000040.jpg --out /tmp/track.mp4 --size 640x360 --fps 25 --seconds 6
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
from PIL import Image

from facetools.labels import LabelsError, read_labels

FORMAT = "facepipe-track-gt"
VERSION = 1
MIN_IN_FRAME = 0.5   # a face less inside the picture than this is not in the ground truth
OCCLUDED_AT = 0.5    # a face this much under the bar is marked occluded


class ToolError(Exception):
    pass


def read_label(labels_path, image_name):
    """The photo's labels (facetools.labels reads the file: one reader for every tool)."""
    try:
        pictures = read_labels(labels_path)
    except LabelsError as e:
        raise ToolError(f"cannot read labels file: {e}")
    for picture in pictures:
        if picture.image == image_name:
            return picture
    raise ToolError(f"{labels_path}: no label line for image '{image_name}'")


class CameraPath:
    """Crop rectangle (photo pixels, output aspect) as a function of time.

    Before the cut: a pan from the left part of the photo to the right with a zoom in,
    plus a smooth shake. After the cut: a tighter crop elsewhere, drifting slowly.
    """

    def __init__(self, photo_w, photo_h, out_w, out_h, seconds, seed):
        self.pw, self.ph = photo_w, photo_h
        self.aspect = out_w / out_h
        self.seconds = seconds
        self.cut_time = 0.65 * seconds
        rng = np.random.default_rng(seed)
        # Shake: a few sinusoids with random phases, amplitude about 1.2% of the crop width.
        self.shake_freq = rng.uniform(1.5, 4.0, size=(2, 3))
        self.shake_phase = rng.uniform(0, 2 * math.pi, size=(2, 3))
        self.shake_amp = 0.012

    def max_width(self):
        return min(self.pw, self.ph * self.aspect)

    def crop(self, t):
        full = self.max_width()
        if t < self.cut_time:
            u = t / self.cut_time
            width = full * (0.95 - 0.30 * u)                 # zoom in
            cx = self.pw * (0.40 + 0.20 * u)                  # pan right
            cy = self.ph * 0.45
            shake = [sum(math.sin(2 * math.pi * f * t + p) for f, p in zip(self.shake_freq[k], self.shake_phase[k]))
                     / 3 for k in range(2)]
            cx += self.shake_amp * width * shake[0]
            cy += self.shake_amp * width * shake[1]
        else:
            u = (t - self.cut_time) / max(self.seconds - self.cut_time, 1e-9)
            width = full * 0.55
            cx = self.pw * (0.30 + 0.05 * u)                  # the other side of the photo
            cy = self.ph * 0.40
        height = width / self.aspect
        x = min(max(cx - width / 2, 0.0), self.pw - width)
        y = min(max(cy - height / 2, 0.0), self.ph - height)
        return x, y, width, height


def bar_columns(t, seconds, out_w):
    """The occluding bar's columns [x0, x1) in output pixels, or None when it is not shown."""
    start, end = 0.25 * seconds, 0.50 * seconds
    if not (start <= t < end):
        return None
    width = max(2, round(0.14 * out_w))
    u = (t - start) / (end - start)
    x0 = round(-width + u * (out_w + width))
    x0, x1 = max(0, x0), min(out_w, x0 + width)
    return (x0, x1) if x1 > x0 else None


def faces_in_frame(boxes, crop, out_w, out_h, bar):
    cx, cy, cw, ch = crop
    sx, sy = out_w / cw, out_h / ch
    faces = []
    for face_id, (bx, by, bw, bh) in enumerate(boxes):
        x, y, w, h = (bx - cx) * sx, (by - cy) * sy, bw * sx, bh * sy
        x0, y0 = max(x, 0.0), max(y, 0.0)
        x1, y1 = min(x + w, float(out_w)), min(y + h, float(out_h))
        if x1 <= x0 or y1 <= y0 or w <= 0 or h <= 0:
            continue
        in_frame = (x1 - x0) * (y1 - y0) / (w * h)
        if in_frame < MIN_IN_FRAME:
            continue
        covered = 0.0
        if bar is not None:
            overlap = max(0.0, min(x1, bar[1]) - max(x0, bar[0]))
            covered = overlap / (x1 - x0)
        faces.append({"id": face_id, "box": [round(x0, 3), round(y0, 3), round(x1 - x0, 3), round(y1 - y0, 3)],
                      "in_frame": round(in_frame, 4), "covered": round(covered, 4),
                      "occluded": covered >= OCCLUDED_AT})
    return faces


def parse_size(text):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ToolError(f"--size must look like 640x360, got '{text}'")
    if w < 16 or h < 16 or w % 2 or h % 2:
        raise ToolError(f"--size must be even and at least 16x16 (H.264 yuv420p), got {w}x{h}")
    return w, h


def render(args):
    out_w, out_h = parse_size(args.size)
    if args.fps <= 0 or args.seconds <= 0:
        raise ToolError("--fps and --seconds must be positive")
    label = read_label(args.labels, args.image)
    photo_path = os.path.join(os.path.dirname(os.path.abspath(args.labels)), label.image)
    try:
        photo = Image.open(photo_path).convert("RGB")
    except OSError as e:
        raise ToolError(f"cannot read photo {photo_path}: {e}")
    boxes = [tuple(float(v) for v in b[:4]) for b in label.boxes]
    if args.face_free and (boxes or len(label.ignore)):
        raise ToolError(f"{args.labels}: '{args.image}' has face boxes or ignore regions, so it is not face-free")
    if not boxes and not args.face_free:
        raise ToolError(f"{args.labels}: '{args.image}' has no face boxes (--face-free renders such pictures)")

    frames = int(round(args.fps * args.seconds))
    camera = CameraPath(photo.width, photo.height, out_w, out_h, args.seconds, args.seed)
    gt_path = args.gt or os.path.splitext(args.out)[0] + ".gt.jsonl"
    for folder in {os.path.dirname(os.path.abspath(args.out)), os.path.dirname(os.path.abspath(gt_path))}:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as e:
            raise ToolError(f"cannot create output folder {folder}: {e.strerror}")
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{out_w}x{out_h}", "-r", str(args.fps), "-i", "-",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", str(args.crf), "-pix_fmt", "yuv420p",
               "-movflags", "+faststart", args.out]
    try:
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise ToolError(f"cannot start ffmpeg: {e.strerror}")

    header = {"format": FORMAT, "version": VERSION, "video": os.path.basename(args.out), "width": out_w,
              "height": out_h, "fps": args.fps, "frames": frames, "seconds": args.seconds, "seed": args.seed,
              "source": {"labels": args.labels, "image": args.image, "width": photo.width, "height": photo.height,
                         "boxes": [list(b) for b in boxes]},
              "cut_frame": next((i for i in range(frames) if i / args.fps >= camera.cut_time), frames),
              "min_in_frame": MIN_IN_FRAME, "occluded_at": OCCLUDED_AT}
    lines = [json.dumps(header)]
    try:
        for i in range(frames):
            t = i / args.fps
            crop = camera.crop(t)
            x, y, w, h = crop
            picture = np.asarray(photo.transform((out_w, out_h), Image.Transform.EXTENT, (x, y, x + w, y + h),
                                                 resample=Image.Resampling.BILINEAR)).copy()
            bar = bar_columns(t, args.seconds, out_w)
            if bar is not None:
                picture[:, bar[0]:bar[1], :] = 0
            encoder.stdin.write(picture.tobytes())
            lines.append(json.dumps({"frame": i, "time": round(t, 6), "camera": [round(v, 4) for v in crop],
                                     "bar": list(bar) if bar else None,
                                     "faces": faces_in_frame(boxes, crop, out_w, out_h, bar)}))
        encoder.stdin.close()
    except BrokenPipeError:
        pass
    status = encoder.wait()
    if status != 0:
        raise ToolError(f"ffmpeg failed ({status}): {encoder.stderr.read().decode(errors='replace')[-1500:]}")
    with open(gt_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return frames, gt_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", required=True, help="labels.jsonl (lines: image, boxes [x, y, w, h])")
    parser.add_argument("--image", required=True, help="the photo's 'image' value in the labels file")
    parser.add_argument("--out", required=True, help="output video (.mp4)")
    parser.add_argument("--gt", help="ground-truth JSONL (default: <out without extension>.gt.jsonl)")
    parser.add_argument("--size", default="640x360", help="output WxH, even (default 640x360)")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=1, help="seed of the camera shake")
    parser.add_argument("--crf", type=int, default=20, help="x264 quality (lower is better)")
    parser.add_argument("--face-free", action="store_true",
                        help="the picture must have no face box and no ignore region: a truth with no face, "
                             "where every box a detector shows is false")
    args = parser.parse_args(argv)
    try:
        frames, gt_path = render(args)
    except ToolError as e:
        print(f"make_track_video: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({frames} frames) and {gt_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
