"""statusgen: Markdown incident files in, an honest static status site out."""

__version__ = "0.1.0"
