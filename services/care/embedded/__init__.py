"""The embedded mode: the whole pipeline on one machine (broker, stand-in, inference, worker)."""
