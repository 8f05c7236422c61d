"""Assembler: keeps each conversation's complete history and asks for suggestions from all of it."""
