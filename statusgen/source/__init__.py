"""Loading: configuration, incident files and the theme, read and validated into the model."""
