"""What the site says at a moment: statuses, windows, history and uptime, derived from the model."""
