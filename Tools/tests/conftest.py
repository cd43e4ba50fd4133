import os

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TOOLS)
DATA = os.environ.get("FACEPIPE_DATA", os.path.join(os.path.dirname(REPO), "shared", "data"))
