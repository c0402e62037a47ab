"""The one writer: rendered bytes onto disk, switched into place atomically."""
