"""The embedded Kafka-protocol broker (Tansu) for development, tests and the demo."""
