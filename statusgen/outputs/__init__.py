"""The model rendered into bytes: pages, feeds, the API, the calendar and badges. No I/O."""
