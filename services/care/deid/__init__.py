"""De-identification: replace personal details in chat text with per-conversation placeholders."""
