"""Domain core of dvc-bot: models, rules and ports. Standard library only, no I/O."""
