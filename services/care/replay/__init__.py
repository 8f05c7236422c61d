"""`care replay`: conversations from a file through the pipeline, one JSON line per help-seeker turn."""
