"""Generated from protos/care/v1 by `make proto`; do not edit."""
