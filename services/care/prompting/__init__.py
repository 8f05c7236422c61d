"""Complete-history prompts within a model's token budget.

Pure functions and small value types, no faust, Kafka or gRPC: token counting with the model's own
tokenizer (:mod:`.tokens`), the model's chat template (:mod:`.template`), the per-conversation
budget that elides middle turns in large blocks so the prompt prefix stays cacheable
(:mod:`.window`), the final prompt in either request mode (:mod:`.build`) and the prefix-reuse
metric (:mod:`.stability`).
"""
