"""Coverage-guided fuzzing (atheris/libFuzzer) of what untrusted input reaches: ``make fuzz``."""
