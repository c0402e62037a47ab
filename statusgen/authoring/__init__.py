"""Writing incident files for people: `init`, `new` and `update`."""
