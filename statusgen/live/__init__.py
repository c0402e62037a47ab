"""`watch` and `serve`: thin layers that run the same build on every settled change."""
