"""`statusgen notify`: each update sent once to every channel of `[notify]`, with a ledger of
what was sent. It reads the same model a build renders and never builds or publishes."""
