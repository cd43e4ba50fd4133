"""facepipe model tools: the SSH face detector, its training, evaluation and export."""
