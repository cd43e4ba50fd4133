#!/usr/bin/env python3
"""Run the SSH detector from Python (reference for the Swift engine): `python Tools/detect.py --help`."""
from facetools.infer import main

if __name__ == "__main__":
    main()
