"""`care demo`: the whole pipeline on an embedded broker with the TGI stand-in."""
