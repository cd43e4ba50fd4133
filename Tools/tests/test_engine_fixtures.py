"""The Swift engine's fixture (Tests/Fixtures/engine/tiny) must be exactly what
engine_fixtures.py writes: nobody hand-edits expected outputs."""
import os

from safetensors.torch import load_file

import engine_fixtures
from conftest import REPO

FIXTURE = os.path.join(REPO, "Tests", "Fixtures", "engine", "tiny")


def test_committed_fixture_is_reproducible(tmp_path):
    engine_fixtures.main(["--out", str(tmp_path)])
    names = sorted(os.listdir(FIXTURE))
    assert names == sorted(os.listdir(tmp_path))
    for name in names:
        if name.endswith(".yaml"):
            with open(os.path.join(FIXTURE, name)) as a, open(tmp_path / name) as b:
                assert a.read() == b.read(), name
        else:
            want, got = load_file(os.path.join(FIXTURE, name)), load_file(str(tmp_path / name))
            assert sorted(want) == sorted(got), name
            for key in want:
                # Same seed and ops; allow last-bit differences between CPU kernels.
                assert (want[key] - got[key]).abs().max().item() <= 1e-5 * max(1.0, want[key].abs().max().item()), (name, key)
