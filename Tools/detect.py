#!/usr/bin/env python3
"""Run the SSH detector from Python (reference for the Swift engine): `python Tools/detect.py --help`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facetools.infer import main  # noqa: E402

if __name__ == "__main__":
    main()
