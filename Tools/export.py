#!/usr/bin/env python3
"""Export a trained SSH checkpoint for the Swift engine: `python Tools/export.py --help`."""
from facetools.export import main

if __name__ == "__main__":
    main()
