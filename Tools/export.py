#!/usr/bin/env python3
"""Export a trained SSH checkpoint for the Swift engine: `python Tools/export.py --help`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facetools.export import main  # noqa: E402

if __name__ == "__main__":
    main()
