"""Checks of Tools/make_track_video.py on a real labelled photo: the video has the promised
frames, and every ground-truth box is where the camera path puts the labelled face, in
the numbers and in the decoded pixels."""
import json
import os
import subprocess

import numpy as np
import pytest
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
import make_track_video as mtv  # Tools/ is on the test path (Tools/pyproject.toml)

DATA = os.environ.get("FACEPIPE_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))
LABELS = os.path.join(DATA, "train", "eden_mask_wearing", "labels.jsonl")
IMAGE = "images/eden_00000040.jpg"
W, H, FPS, SECONDS = 320, 180, 10, 3.0


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not os.path.exists(LABELS):
        pytest.skip(f"shared data not found at {DATA}")
    out = tmp_path_factory.mktemp("trackvideo") / "clip.mp4"
    code = mtv.main(["--labels", LABELS, "--image", IMAGE, "--out", str(out), "--size", f"{W}x{H}",
                     "--fps", str(FPS), "--seconds", str(SECONDS), "--seed", "7", "--crf", "12"])
    assert code == 0
    lines = [json.loads(line) for line in open(out.with_suffix(".gt.jsonl"))]
    return out, lines[0], lines[1:]


def decode_rgb(path):
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, H, W, 3)


def test_frame_count_and_size_match_the_header(rendered):
    out, header, frames = rendered
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                            "stream=nb_read_frames,width,height,r_frame_rate", "-of", "json", str(out)],
                           capture_output=True, check=True, text=True)
    stream = json.loads(probe.stdout)["streams"][0]
    assert int(stream["nb_read_frames"]) == FPS * SECONDS == header["frames"] == len(frames)
    assert (stream["width"], stream["height"]) == (W, H)
    assert stream["r_frame_rate"] == f"{FPS}/1"
    assert [f["frame"] for f in frames] == list(range(len(frames)))
    assert all(abs(f["time"] - f["frame"] / FPS) < 1e-6 for f in frames)


def test_boxes_follow_the_camera_path(rendered):
    _, header, frames = rendered
    labelled = header["source"]["boxes"]
    seen_occluded = seen_dropped = 0
    for f in frames:
        cx, cy, cw, ch = f["camera"]
        assert abs(cw / ch - W / H) < 1e-3, "crop must keep the output aspect"
        listed = {face["id"]: face for face in f["faces"]}
        for face_id, (bx, by, bw, bh) in enumerate(labelled):
            # Independent mapping: photo -> crop -> output pixels, then clip.
            s = W / cw
            x0, y0 = (bx - cx) * s, (by - cy) * s
            x1, y1 = x0 + bw * s, y0 + bh * s
            inside = max(0, min(x1, W) - max(x0, 0)) * max(0, min(y1, H) - max(y0, 0)) / ((x1 - x0) * (y1 - y0))
            if inside < 0.5:
                assert face_id not in listed
                seen_dropped += 1
                continue
            box = listed[face_id]["box"]
            expected = [max(x0, 0), max(y0, 0), min(x1, W) - max(x0, 0), min(y1, H) - max(y0, 0)]
            assert np.allclose(box, expected, atol=0.01), (f["frame"], face_id, box, expected)
            seen_occluded += listed[face_id]["occluded"]
    assert seen_occluded > 0, "the bar should hide some face"
    assert seen_dropped > 0, "the pan/zoom should push some face out"


def test_cut_jumps_and_shake_moves(rendered):
    _, header, frames = rendered
    cut = header["cut_frame"]
    assert 0 < cut < len(frames)
    step = lambda a, b: abs(frames[a]["camera"][0] - frames[b]["camera"][0])
    assert step(cut - 1, cut) > 5 * max(step(k, k + 1) for k in range(cut - 1))


def test_pixels_match_the_ground_truth(rendered):
    out, header, frames = rendered
    video = decode_rgb(out)
    photo = Image.open(os.path.join(os.path.dirname(LABELS), IMAGE)).convert("RGB")
    checked = 0
    for f in frames:
        if f["bar"] is not None:
            x0, x1 = f["bar"]
            assert video[f["frame"], :, x0 + 1:x1 - 1].max() < 40, "bar must be black"
        for face in f["faces"]:
            x, y, w, h = face["box"]
            if face["covered"] > 0 or face["in_frame"] < 1 or w < 24:
                continue
            # The labelled face cut from the photo, scaled to the box, must look like the video there.
            bx, by, bw, bh = header["source"]["boxes"][face["id"]]
            expected = np.asarray(photo.crop((bx, by, bx + bw, by + bh)).resize((round(w), round(h)),
                                                                               Image.Resampling.BILINEAR), float)
            got = video[f["frame"], round(y):round(y) + round(h), round(x):round(x) + round(w)].astype(float)
            got = got[:expected.shape[0], :expected.shape[1]]
            expected = expected[:got.shape[0], :got.shape[1]]
            a, b = got - got.mean(), expected - expected.mean()
            correlation = (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())
            assert correlation > 0.9, (f["frame"], face["id"], correlation)
            # Shifted by a quarter of the box, the match must be clearly worse.
            dx = max(2, round(w / 4))
            shifted = video[f["frame"], round(y):round(y) + got.shape[0], round(x) + dx:round(x) + dx + got.shape[1]]
            if shifted.shape == got.shape:
                c = shifted.astype(float) - shifted.mean()
                assert (c * b).sum() / np.sqrt((c * c).sum() * (b * b).sum()) < correlation - 0.05
            checked += 1
    assert checked > 20


def test_bad_inputs_give_clear_errors(tmp_path, capsys):
    if not os.path.exists(LABELS):
        pytest.skip(f"shared data not found at {DATA}")
    out = str(tmp_path / "x.mp4")
    assert mtv.main(["--labels", LABELS, "--image", "images/nope.jpg", "--out", out]) == 2
    assert "no label line for image 'images/nope.jpg'" in capsys.readouterr().err
    assert mtv.main(["--labels", str(tmp_path / "missing.jsonl"), "--image", IMAGE, "--out", out]) == 2
    assert "cannot read labels file" in capsys.readouterr().err
    assert mtv.main(["--labels", LABELS, "--image", IMAGE, "--out", out, "--size", "321x180"]) == 2
    assert "--size must be even" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"image": "a.jpg", "boxes": [[1, 2, 3, 4]]}\n{"image": \n')
    assert mtv.main(["--labels", str(broken), "--image", "b.jpg", "--out", out]) == 2
    assert "broken.jsonl:2: not valid JSON" in capsys.readouterr().err
    assert not os.path.exists(out)


def test_face_free_pictures_render_only_when_asked(tmp_path):
    scenes = os.path.join(DATA, "pseudo", "scenes", "labels.jsonl")
    if not os.path.exists(scenes):
        pytest.skip(f"shared data not found at {DATA}")
    lines = [json.loads(x) for x in open(scenes)]
    free = next(o["image"] for o in lines if not o["boxes"] and not o["ignore"])
    with_faces = next(o["image"] for o in lines if o["boxes"])
    out = tmp_path / "free.mp4"
    common = ["--labels", scenes, "--size", "160x90", "--fps", "5", "--seconds", "1"]
    assert mtv.main(common + ["--image", free, "--out", str(out)]) != 0  # no faces, not asked: refused
    assert mtv.main(common + ["--image", with_faces, "--out", str(out), "--face-free"]) != 0
    assert mtv.main(common + ["--image", free, "--out", str(out), "--face-free"]) == 0
    truth = [json.loads(x) for x in open(out.with_suffix(".gt.jsonl"))][1:]
    assert len(truth) == 5 and all(t["faces"] == [] for t in truth)
