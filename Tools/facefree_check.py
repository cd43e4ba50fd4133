#!/usr/bin/env python3
"""Face-free video check: how many boxes the whole pipeline shows where there is no face.

Renders videos with Tools/make_track_video.py's camera path (pan, zoom, shake, cut, a
sweeping bar) from face-free pictures of the training side — pictures with no face box
and no ignore region in `pseudo/` (dark scenes, animals, empty rooms, streets, dashcam and
video frames) that `Tools/facetools/splits.py` holds out of training — then runs
`facepipe eval-track` on them. The truth holds no face, so every box the tracker outputs
(what the annotated video draws) is false. Prints a Markdown table and exits 1 when the
false-box rate is over --limit.

Example (from the repository root, release build first):
  swift build -c release --product facepipe
  .venv/bin/python Tools/facefree_check.py --engine fp32 --engine int8
"""
import argparse
import os
import sys

import track_benchmark as tb  # the script beside this one
from facetools.calibration import FACE_FREE_SETS
from facetools.data import load_sets
from facetools.splits import held_out

SIZES = [("640x360", 25), ("854x480", 30), ("640x480", 25), ("960x540", 30)]


def pictures(data, count):
    """Held-out face-free pictures, taken in turn from each kind (set, and within `scenes/` its
    source: dark scenes, cats, dogs, raccoons, kangaroos, rooms), so every kind is in."""
    queues = {}
    for spec in FACE_FREE_SETS:
        for r in sorted(load_sets([spec], data), key=lambda r: r.path):
            if r.face_free and held_out(r):
                name = os.path.basename(r.path)
                kind = (spec, name.rsplit("_", 1)[0] if "_" in name else "")
                queues.setdefault(kind, []).append((spec.split("/", 1)[1], os.path.relpath(r.path, os.path.join(data, spec))))
    chosen = []
    while len(chosen) < count and any(queues.values()):
        for q in queues.values():
            if q and len(chosen) < count:
                chosen.append(q.pop(0))
    return chosen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=tb.default_data(), help="shared data folder (default ../shared/data)")
    parser.add_argument("--out", default="/tmp/facepipe-facefree", help="where the videos are rendered")
    parser.add_argument("--reuse", action="store_true", help="keep videos already rendered in --out")
    parser.add_argument("--videos", type=int, default=24, help="number of videos (one picture each)")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--facepipe", help="facepipe binary (default .build/release/facepipe, else .build/debug)")
    parser.add_argument("--engine", action="append", choices=["fp32", "int8"], help="repeatable (default fp32)")
    parser.add_argument("--detect-every", type=int, default=1)
    parser.add_argument("--model", help="model folder (default: facepipe's)")
    parser.add_argument("--limit", type=float, default=0.02, help="most false boxes a frame that passes")
    args = parser.parse_args(argv)
    extra = ["--model", args.model] if args.model else []
    try:
        facepipe = args.facepipe or tb.default_facepipe()
        os.makedirs(args.out, exist_ok=True)
        specs = [(folder, image, *SIZES[i % len(SIZES)], args.seconds, 100 + i)
                 for i, (folder, image) in enumerate(pictures(args.data, args.videos))]
        if not specs:
            raise tb.BenchmarkError("no held-out face-free pictures found")
        videos = tb.render(args.data, args.out, args.reuse, specs, root="pseudo", options=["--face-free"])
        worst = 0.0
        for engine in args.engine or ["fp32"]:
            doc = tb.evaluate(facepipe, videos, engine, args.detect_every, extra)
            print(f"**{engine}, detect every {args.detect_every}** ({doc['model']}): face-free videos, every box is false\n")
            print("| video | frames | false boxes | per frame |\n| --- | ---: | ---: | ---: |")
            for v in doc["videos"]:
                s = v["scores"]
                print(f"| {os.path.basename(v['video']).removesuffix('.mp4')} | {s['frames']} | "
                      f"{s['false_positives']} | {s['false_positives'] / max(1, s['frames']):.3f} |")
            s = doc["overall"]
            rate = s["false_positives"] / max(1, s["frames"])
            worst = max(worst, rate)
            print(f"| **all ({len(videos)} videos)** | {s['frames']} | {s['false_positives']} | {rate:.3f} |\n")
        verdict = "passes" if worst <= args.limit else "FAILS"
        print(f"face-free check {verdict}: {worst:.3f} false boxes a frame at worst (limit {args.limit})")
        return 0 if worst <= args.limit else 1
    except (tb.BenchmarkError, OSError) as e:
        print(f"facefree_check: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
