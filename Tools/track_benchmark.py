#!/usr/bin/env python3
"""Tracking-quality benchmark of the full pipeline: render test videos, run `facepipe eval-track`.

Renders a fixed set of videos with Tools/make_track_video.py from labelled TRAINING photos
(2-6 medium faces each, every visible face labelled, checked by eye), with different output sizes,
frame rates and camera-shake seeds, then runs `facepipe eval-track --json` on them once per
engine and detect-every setting, and prints a Markdown table per run plus a summary.

The photos come from train/ (the detector has seen them as stills during training), never from
eval/ or photos/dlib_faces/: the benchmark measures the tracker and the pipeline around the
detector, and it is the only data the tracker's thresholds may be tuned on.

Example (from the repository root, release build first):
  swift build -c release --product facepipe
  .venv/bin/python Tools/track_benchmark.py --engine fp32 --engine int8 --detect-every 1 --detect-every 3
"""
import argparse
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (folder under train/, image, size, fps, seconds, seed). Chosen for 2-6 faces of 50-140 px in
# the photo, all of them labelled; the camera path (pan, zoom, shake, cut, occluding bar) is
# Tools/make_track_video.py's, scaled to each photo and output size.
VIDEOS = [
    ("eden_mask_wearing", "images/eden_00000052.jpg", "640x360", 25, 6.0, 1),
    ("eden_mask_wearing", "images/eden_00000062.jpg", "854x480", 30, 6.0, 2),
    ("eden_mask_wearing", "images/eden_00000174.jpg", "640x360", 25, 6.0, 3),
    ("eden_mask_wearing", "images/eden_00000220.jpg", "960x540", 30, 6.0, 4),
    ("caltech_webfaces", "images/pic03872.jpg", "640x480", 25, 6.0, 5),
    ("caltech_webfaces", "images/pic11056.jpg", "640x360", 20, 6.0, 6),
]


class BenchmarkError(Exception):
    pass


def default_data():
    return os.environ.get("FACEPIPE_DATA") or os.path.join(os.path.dirname(REPO), "shared", "data")


def default_facepipe():
    for config in ("release", "debug"):
        path = os.path.join(REPO, ".build", config, "facepipe")
        if os.access(path, os.X_OK):
            return path
    raise BenchmarkError("no facepipe binary in .build/release or .build/debug: run "
                         "`swift build -c release --product facepipe` or pass --facepipe")


def render(data, out_dir, reuse, videos=None, root="train", options=()):
    """Renders every benchmark video (or reuses it); returns the video paths. `videos` (default
    VIDEOS) name folders under data/<root>/; `options` go to make_track_video.py."""
    paths = []
    for folder, image, size, fps, seconds, seed in VIDEOS if videos is None else videos:
        labels = os.path.join(data, root, folder, "labels.jsonl")
        if "/eval/" in labels or "dlib_faces" in labels:
            raise BenchmarkError(f"{labels}: evaluation-only data must not be used here")
        name = f"{os.path.splitext(os.path.basename(image))[0]}-{size}-{fps}fps-s{seed}"
        video = os.path.join(out_dir, name + ".mp4")
        truth = os.path.join(out_dir, name + ".gt.jsonl")
        paths.append(video)
        if reuse and os.path.exists(video) and os.path.exists(truth):
            continue
        command = [sys.executable, os.path.join(REPO, "Tools", "make_track_video.py"), "--labels", labels,
                   "--image", image, "--out", video, "--size", size, "--fps", str(fps),
                   "--seconds", str(seconds), "--seed", str(seed), *options]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchmarkError(f"rendering {name} failed: {result.stderr.strip()}")
        print(f"rendered {video}", file=sys.stderr)
    return paths


def evaluate(facepipe, videos, engine, detect_every, extra):
    command = [facepipe, "eval-track", "--json", "--quiet", "--engine", engine,
               "--detect-every", str(detect_every)] + extra + videos
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0:
        raise BenchmarkError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as e:
        raise BenchmarkError(f"eval-track printed no JSON document ({e.msg}): {result.stdout[:300]}")


def pct(x):
    return f"{100 * x:.1f}"


def row(name, s, fps=None):
    cells = [name, str(s["frames"]), str(s["gt_boxes"]), pct(s["mota"]), f"{s['motp']:.3f}", pct(s["idf1"]),
             pct(s["idp"]), pct(s["idr"]), str(s["id_switches"]), str(s["fragmentations"]),
             str(s["false_positives"]), str(s["false_negatives"]),
             f"{s['mostly_tracked']}/{s['mostly_lost']}/{s['gt_tracks']}", "" if fps is None else f"{fps:.0f}"]
    return "| " + " | ".join(cells) + " |"


HEADER = ("| video | frames | GT boxes | MOTA % | MOTP | IDF1 % | IDP % | IDR % | ID sw | frag | FP | FN "
          "| MT/ML/tracks | fps |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def table(document):
    lines = [f"**{document['engine']}, detect every {document['detect_every']}** "
             f"({document['model']}, {document['tracker_config']}, IoU >= {document['iou_threshold']})", "", HEADER]
    for v in document["videos"]:
        lines.append(row(os.path.basename(v["video"]).removesuffix(".mp4"), v["scores"], v["frames_per_second"]))
    lines.append(row("**all**", document["overall"]))
    return "\n".join(lines)


def summary(documents):
    lines = ["| engine | detect every | tracker settings | MOTA % | MOTP | IDF1 % | IDP % | IDR % | ID sw | frag | FP | FN "
             "| MT/ML/tracks |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for d in documents:
        runs = [(d["tracker_config"], d["overall"])] + [(c["tracker_config"], c["overall"]) for c in d.get("compared", [])]
        for config, s in runs:
            lines.append(f"| {d['engine']} | {d['detect_every']} | {config} | {pct(s['mota'])} | {s['motp']:.3f} | "
                         f"{pct(s['idf1'])} | {pct(s['idp'])} | {pct(s['idr'])} | {s['id_switches']} | "
                         f"{s['fragmentations']} | {s['false_positives']} | {s['false_negatives']} | "
                         f"{s['mostly_tracked']}/{s['mostly_lost']}/{s['gt_tracks']} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=default_data(), help="shared data folder (default ../shared/data or FACEPIPE_DATA)")
    parser.add_argument("--out", default="/tmp/facepipe-track-bench", help="where the videos are rendered")
    parser.add_argument("--reuse", action="store_true", help="keep videos already rendered in --out")
    parser.add_argument("--facepipe", help="facepipe binary (default .build/release/facepipe, else .build/debug)")
    parser.add_argument("--engine", action="append", choices=["fp32", "int8"], help="repeatable (default fp32)")
    parser.add_argument("--detect-every", action="append", type=int, help="repeatable (default 1)")
    parser.add_argument("--model", help="model folder (default: facepipe's)")
    parser.add_argument("--tracker-config", help="tracker settings (default: facepipe's)")
    parser.add_argument("--threads", type=int, help="detector threads (default: facepipe's)")
    parser.add_argument("--compare-tracker-config", action="append", default=[],
                        help="repeatable: also score these tracker settings on the same detections (for tuning)")
    parser.add_argument("--json-out", help="also write every eval-track document to this JSON file")
    args = parser.parse_args(argv)
    extra = []
    for path in args.compare_tracker_config:
        extra += ["--compare-tracker-config", path]
    for flag, value in (("--model", args.model), ("--tracker-config", args.tracker_config), ("--threads", args.threads)):
        if value is not None:
            extra += [flag, str(value)]
    try:
        facepipe = args.facepipe or default_facepipe()
        os.makedirs(args.out, exist_ok=True)
        videos = render(args.data, args.out, args.reuse)
        documents = []
        for engine in args.engine or ["fp32"]:
            for every in args.detect_every or [1]:
                document = evaluate(facepipe, videos, engine, every, extra)
                documents.append(document)
                print(table(document) + "\n", flush=True)
        print(summary(documents))
        if args.json_out:
            with open(args.json_out, "w") as f:
                json.dump(documents, f, indent=1)
    except (BenchmarkError, OSError) as e:
        print(f"track_benchmark: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
