#!/usr/bin/env bash
# The whole test suite: Python model tools (pytest, CPU only), then the Swift package
# (Swift Testing). Creates .venv on first use. Run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
# facetools is installed in editable mode (Tools/pyproject.toml), which pip rebuilds on every run: without
# build isolation that uses the venv's setuptools, so a rerun needs no network once everything is in.
.venv/bin/python -m pip install -q --disable-pip-version-check "setuptools>=70.1"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation -r Tools/requirements.txt
.venv/bin/python -m pytest -q Tools/tests
bash Tests/FakeCamera/install.sh   # the fake V4L2 camera the capture tests use (needs root)
swift build --build-tests
swift test --skip-build --parallel --num-workers 2
# The allocation-counting suites hook the Swift runtime process-wide: each runs alone.
for suite in TrackerTests.SteadyStateTests OverlayTests.OverlaySteadyStateTests EngineTests.Int8SteadyStateTests; do
    FACEPIPE_ALLOCATION_TESTS=1 swift test --skip-build --filter "$suite"
done
