"""A local stand-in for Hugging Face text-generation-inference (TGI): development, tests, benchmarks."""
