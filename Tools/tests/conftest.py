import os
import sys

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
REPO = os.path.dirname(TOOLS)
DATA = os.environ.get("FACEPIPE_DATA", os.path.join(os.path.dirname(REPO), "shared", "data"))
