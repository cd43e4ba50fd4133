#!/usr/bin/env python3
"""Redaction benchmark of the full pipeline: render test videos, run `facepipe eval-redact`.

Renders the tracking benchmark's videos (Tools/track_benchmark.py's VIDEOS: labelled TRAINING
photos under a moving camera with exact per-frame truth), runs `facepipe eval-redact --json` on them
once per engine and detect-every setting, and prints one Markdown table with a row per run, as
the README's redaction section shows it, followed by each run's per-video table with --per-video.

Example (from the repository root; a release build is faster, a debug build works):
  .venv/bin/python Tools/redact_benchmark.py --engine fp32 --engine int8 --detect-every 1 --detect-every 3
"""
import argparse
import json
import os
import subprocess
import sys

import track_benchmark  # the script beside this one: same videos, same rendering, same binary lookup

HEADER = ("| engine | detect every | frames with faces | face instances | visible face area, mean % | worst frame % "
          "| frames with a face > 20 % visible | faces > 20 % visible | hidden non-face, % of frame "
          "| hidden non-face / face area |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def evaluate(facepipe, videos, engine, detect_every, extra):
    command = [facepipe, "eval-redact", "--json", "--quiet", "--engine", engine,
               "--detect-every", str(detect_every)] + extra + videos
    result = subprocess.run(command, capture_output=True, text=True, cwd=track_benchmark.REPO)
    if result.returncode != 0:
        raise track_benchmark.BenchmarkError(f"{' '.join(command)} failed ({result.returncode}): "
                                             f"{result.stderr.strip()[-2000:]}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as e:
        raise track_benchmark.BenchmarkError(f"eval-redact printed no JSON document ({e.msg}): {result.stdout[:300]}")


def row(document):
    s = document["overall"]
    return (f"| {document['engine']} | {document['detect_every']} | {s['frames_with_faces']} | {s['face_instances']} | "
            f"{100 * s['mean_visible_share']:.2f} | {100 * s['worst_visible_share']:.1f} | "
            f"{s['frames_with_face_over_20pct']} | {s['faces_over_20pct']} | {100 * s['hidden_non_face_share']:.1f} | "
            f"{s['hidden_non_face_per_face_area']:.2f} |")


def per_video(document):
    lines = [f"**{document['engine']}, detect every {document['detect_every']}** ({document['settings']})", "",
             "| video | visible mean % | worst frame % | frames > 20 % | hidden non-face % |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for v in document["videos"]:
        s = v["scores"]
        lines.append(f"| {os.path.basename(v['video']).removesuffix('.mp4')} | {100 * s['mean_visible_share']:.2f} | "
                     f"{100 * s['worst_visible_share']:.1f} | {s['frames_with_face_over_20pct']} | "
                     f"{100 * s['hidden_non_face_share']:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=track_benchmark.default_data(), help="shared data folder")
    parser.add_argument("--out", default="/tmp/facepipe-track-bench", help="where the videos are rendered")
    parser.add_argument("--reuse", action="store_true", help="keep videos already rendered in --out")
    parser.add_argument("--facepipe", help="facepipe binary (default .build/release/facepipe, else .build/debug)")
    parser.add_argument("--engine", action="append", choices=["fp32", "int8"], help="repeatable (default fp32)")
    parser.add_argument("--detect-every", action="append", type=int, help="repeatable (default 1)")
    parser.add_argument("--model", help="model folder (default: facepipe's)")
    parser.add_argument("--per-video", action="store_true", help="also print each run's per-video table")
    parser.add_argument("--json-out", help="also write every eval-redact document to this JSON file")
    parser.add_argument("extra", nargs="*", help="after --: more eval-redact flags (e.g. -- --redact-margin 0.3)")
    args = parser.parse_args(argv)
    extra = list(args.extra)
    if args.model:
        extra += ["--model", args.model]
    try:
        facepipe = args.facepipe or track_benchmark.default_facepipe()
        os.makedirs(args.out, exist_ok=True)
        videos = track_benchmark.render(args.data, args.out, args.reuse)
        documents = [evaluate(facepipe, videos, engine, every, extra)
                     for engine in args.engine or ["fp32"] for every in args.detect_every or [1]]
        print(f"{documents[0]['model']}; {documents[0]['settings']}; {len(videos)} videos\n")
        print(HEADER)
        for d in documents:
            print(row(d))
        if args.per_video:
            for d in documents:
                print("\n" + per_video(d))
        if args.json_out:
            with open(args.json_out, "w") as f:
                json.dump(documents, f, indent=1)
    except (track_benchmark.BenchmarkError, OSError) as e:
        print(f"redact_benchmark: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
