"""The inference service: suggested counselor replies from a TGI model backend, over gRPC."""
