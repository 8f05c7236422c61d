"""The faust worker: runs any set of stages (one per Deployment, or all in one process)."""
