"""Language routing: pick the Hebrew or Arabic model route for a conversation."""
