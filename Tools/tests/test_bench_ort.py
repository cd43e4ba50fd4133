import json
import os
import subprocess
import sys

import pytest

from conftest import DATA, REPO, TOOLS
from facetools import export

EDGE = os.path.join(REPO, "Configs/backbones/edge.yaml")
BENCH = os.path.join(TOOLS, "bench_ort.py")


def run_bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FACEPIPE_DATA": DATA}
    return subprocess.run([sys.executable, BENCH, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def random_model(tmp_path_factory):
    """A random edge model folder without model.onnx, as the shipped folder is."""
    out = tmp_path_factory.mktemp("bench") / "model"
    export.main(["--random", EDGE, "--out", str(out)])
    return out


def test_one_tiny_run_prints_a_result_per_case(random_model):
    # 50x90 is padded to the model's multiple of 32: 64x96.
    r = run_bench("--model", str(random_model), "--sizes", "50x90", "--threads", "1,2", "--runs", "1",
                  "--warmup", "0")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    peer = [x for x in lines if x["type"] == "peer"]
    results = [x for x in lines if x["type"] == "result"]
    assert len(peer) == 1 and len(lines) == 1 + len(results)
    assert peer[0]["onnx_source"].startswith("exported on the fly")
    assert peer[0]["int8"].startswith(("dynamic", "static"))
    assert sorted((x["precision"], x["threads"]) for x in results) == [("fp32", 1), ("fp32", 2), ("int8", 1), ("int8", 2)]
    for x in results:
        assert (x["height"], x["width"]) == (64, 96)
        assert x["runs"] == 1 and x["warmup"] == 0
        assert 0 < x["min_ms"] <= x["median_ms"] <= x["p90_ms"]


def test_static_calibration_refuses_evaluation_pictures(random_model):
    r = run_bench("--model", str(random_model), "--sizes", "64x96", "--runs", "1", "--precisions", "int8",
                  "--int8", "static", "--calibration", os.path.join(DATA, "eval"))
    assert r.returncode != 0
    assert "evaluation data" in r.stderr


def test_bad_size_is_named():
    r = run_bench("--sizes", "400by800")
    assert r.returncode == 2
    assert "400by800" in r.stderr
