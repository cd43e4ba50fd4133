#!/usr/bin/env python3
"""The ONNX Runtime peer of `facepipe bench engine`: times the exported model on the CPU, fp32 and
int8, with the same sizes, thread counts and warm-up/median protocol, and prints one JSON object
per line on stdout (notes go to stderr). `facepipe bench engine` spawns it and parses the lines;
it also runs on its own: `python Tools/bench_ort.py --model Configs/models/ssh-lite`.

Line types: "peer" (versions, which ONNX file, how int8 was made), "result" (one per precision,
size and thread count), "unavailable" (onnxruntime missing: the caller goes on without the peer).
"""
from __future__ import annotations

import argparse
import glob
import json
import logging
import math
import os
import platform
import sys
import tempfile
import time

import numpy as np

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)


def emit(obj: dict) -> None:
    print(json.dumps(obj, sort_keys=True), flush=True)


def note(text: str) -> None:
    print(f"bench_ort: {text}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def p90(values: list[float]) -> float:
    """Nearest rank, as the Swift side computes it."""
    s = sorted(values)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def parse_size(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size {text!r} is not HEIGHTxWIDTH (e.g. 400x800)") from None
    if h < 1 or w < 1:
        raise argparse.ArgumentTypeError(f"size {text!r} is empty")
    return h, w


def parse_list(kind):
    def parse(text: str):
        return [kind(v) for v in text.split(",") if v]
    return parse


def padded(size: tuple[int, int], multiple: int) -> tuple[int, int]:
    m = max(1, multiple)
    return (size[0] + m - 1) // m * m, (size[1] + m - 1) // m * m


def read_model_yaml(model_dir: str) -> dict:
    import yaml
    path = os.path.join(model_dir, "model.yaml")
    if not os.path.isfile(path):
        raise SystemExit(f"bench_ort: {path} not found (a model folder holds model.yaml + weights.safetensors)")
    with open(path) as f:
        return yaml.safe_load(f)


def onnx_model(model_dir: str, explicit: str | None, scratch: str) -> tuple[str, str]:
    """The ONNX file to time and where it came from; exports one from the safetensors when the
    folder has none (the shipped folder only carries what the Swift engine reads)."""
    if explicit:
        if not os.path.isfile(explicit):
            raise SystemExit(f"bench_ort: --onnx {explicit} not found")
        return explicit, "given"
    shipped = os.path.join(model_dir, "model.onnx")
    if os.path.isfile(shipped):
        return shipped, "shipped"
    note(f"{shipped} is missing (Tools/export.py --onnx writes it); exporting it now from weights.safetensors")
    from facetools.export import load_model, write_onnx
    model, _ = load_model(model_dir)
    path = os.path.join(scratch, "model.onnx")
    write_onnx(model, path)
    return path, "exported on the fly from weights.safetensors"


def session(path: str, threads: int):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


def runs_on_cpu(path: str, size: tuple[int, int]) -> str | None:
    """None when ORT can build and run the model, else its error (e.g. a missing int8 kernel)."""
    try:
        s = session(path, 1)
        s.run(None, {"image": np.zeros((1, 3, *size), np.float32)})
        return None
    except Exception as e:  # ORT raises its own types (NotImplemented, Fail, ...)
        return str(e).splitlines()[0][:300]


def calibration_pictures(root: str, count: int) -> list[str]:
    """A few training pictures, spread over the sets: calibration must never see eval/ data."""
    parts = os.path.normpath(os.path.abspath(root)).split(os.sep)
    if "eval" in parts or "dlib_faces" in parts:
        raise SystemExit(f"bench_ort: {root} is evaluation data; calibrate on training pictures only")
    files = sorted(glob.glob(os.path.join(root, "*", "images", "*.jpg")))
    if not files:
        raise SystemExit(f"bench_ort: no training pictures (*/images/*.jpg) under {root}")
    step = max(1, len(files) // count)
    return files[::step][:count]


def quantize_static(fp32: str, out: str, pictures: list[str], desc: dict, size: tuple[int, int]) -> None:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static as qs
    from PIL import Image

    from facetools.data import preprocess

    rule = desc["input"]

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter(pictures)

        def get_next(self):
            path = next(self.items, None)
            if path is None:
                return None
            tensor, _ = preprocess(Image.open(path), rule["max_short_side"], rule["max_long_side"], rule["pad_multiple"])
            canvas = np.zeros((1, 3, *size), np.float32)  # one shape for every calibration batch
            h, w = min(size[0], tensor.shape[2]), min(size[1], tensor.shape[3])
            canvas[:, :, :h, :w] = tensor[:, :, :h, :w]
            return {"image": canvas}

    qs(fp32, out, Reader(), quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8,
       weight_type=QuantType.QInt8, per_channel=True)


def int8_model(fp32: str, scratch: str, mode: str, desc: dict, probe: tuple[int, int],
               calibration: str, count: int) -> tuple[str, str]:
    """Quantises the convolutions; returns (path, how). Dynamic first (ConvInteger, activations
    quantised per run); where ORT's CPU provider lacks the kernel, static QDQ calibrated on
    training pictures."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    logging.getLogger().setLevel(logging.ERROR)  # its "consider pre-processing" advice is noise here
    if mode in ("dynamic", "auto"):
        for weight_type, label in ((QuantType.QInt8, "int8"), (QuantType.QUInt8, "uint8")):
            path = os.path.join(scratch, f"model.dynamic-{label}.onnx")
            quantize_dynamic(fp32, path, op_types_to_quantize=["Conv"], weight_type=weight_type)
            error = runs_on_cpu(path, probe)
            if error is None:
                return path, f"dynamic (quantize_dynamic: ConvInteger, {label} weights, activations quantised per run)"
            note(f"dynamic quantisation with {label} weights does not run on the CPU provider: {error}")
        if mode == "dynamic":
            raise SystemExit("bench_ort: ORT cannot run dynamically quantised convolutions here; use --int8 static")
    pictures = calibration_pictures(calibration, count)
    path = os.path.join(scratch, "model.static-qdq.onnx")
    quantize_static(fp32, path, pictures, desc, probe)
    return path, (f"static QDQ (quantize_static: uint8 activations, per-channel int8 weights, "
                  f"MinMax calibration on {len(pictures)} training pictures from {calibration})")


def time_model(path: str, threads: int, size: tuple[int, int], warmup: int, runs: int, seed: int) -> list[float]:
    s = session(path, threads)
    x = np.random.default_rng(seed).uniform(-1, 1, (1, 3, *size)).astype(np.float32)
    feed = {"image": x}
    for _ in range(warmup):
        s.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        s.run(None, feed)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def main(argv=None) -> int:
    data = os.environ.get("FACEPIPE_DATA", os.path.join(os.path.dirname(REPO), "shared", "data"))
    p = argparse.ArgumentParser(prog="Tools/bench_ort.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(REPO, "Configs/models/ssh-lite"), help="model folder")
    p.add_argument("--onnx", help="ONNX file to time (default: <model>/model.onnx, exported if missing)")
    p.add_argument("--sizes", type=parse_list(parse_size), default=[(400, 800), (320, 640), (200, 400)],
                   help="network input sizes HEIGHTxWIDTH, comma-separated; padded to the model's pad_multiple")
    p.add_argument("--threads", type=parse_list(int), default=[1, 2], help="intra-op thread counts, e.g. 1,2")
    p.add_argument("--runs", type=int, default=20, help="timed runs per case (median and p90 of these)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs before timing each case")
    p.add_argument("--precisions", type=parse_list(str), default=["fp32", "int8"], help="fp32,int8")
    p.add_argument("--int8", choices=["auto", "dynamic", "static"], default="auto",
                   help="auto: dynamic quantisation, static QDQ where ORT cannot run dynamic convs")
    p.add_argument("--calibration", default=os.path.join(data, "train"),
                   help="training picture sets for static calibration (never eval/)")
    p.add_argument("--calibration-images", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    if a.runs < 1 or a.warmup < 0 or not a.threads or min(a.threads) < 1 or not a.sizes:
        p.error("need --runs >= 1, --warmup >= 0, at least one size and thread counts >= 1")
    unknown = set(a.precisions) - {"fp32", "int8"}
    if unknown:
        p.error(f"unknown precision(s) {sorted(unknown)}: use fp32,int8")

    try:
        import onnxruntime as ort
    except ImportError as e:
        emit({"type": "unavailable", "reason": f"onnxruntime is not installed in {sys.executable} ({e})"})
        return 0

    desc = read_model_yaml(a.model)
    sizes = [padded(s, desc["input"].get("pad_multiple", 1)) for s in a.sizes]
    with tempfile.TemporaryDirectory(prefix="facepipe-bench-ort-") as scratch:
        fp32, origin = onnx_model(a.model, a.onnx, scratch)
        models = {"fp32": fp32}
        int8_how = None
        if "int8" in a.precisions:
            models["int8"], int8_how = int8_model(fp32, scratch, a.int8, desc, sizes[0], a.calibration,
                                                  a.calibration_images)
        emit({"type": "peer", "onnxruntime": ort.__version__, "python": platform.python_version(),
              "onnx": fp32, "onnx_source": origin, "int8": int8_how,
              "execution": "CPUExecutionProvider, inter_op 1, sequential, graph optimisation all"})
        for precision in a.precisions:
            for size in sizes:
                for threads in a.threads:
                    note(f"{precision} {size[0]}x{size[1]} {threads} thread(s)")
                    times = time_model(models[precision], threads, size, a.warmup, a.runs, a.seed)
                    emit({"type": "result", "precision": precision, "height": size[0], "width": size[1],
                          "threads": threads, "warmup": a.warmup, "runs": a.runs, "median_ms": median(times),
                          "p90_ms": p90(times), "min_ms": min(times)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
