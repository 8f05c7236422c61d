"""Stage-independent pieces of the streaming shell: decoding, dead letters, derived ids."""
