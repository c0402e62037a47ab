"""One build: load and validate, render into bytes, publish."""
