"""`serve`: build once, then serve the published site on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path

from statusgen.build import build
from statusgen.problems import print_problems


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # a request log would bury the build messages people need to read


def serve(config: Path, port: int, now: str | None, out: Path | None) -> int:
    result = build(config, now=now, out=out)
    print_problems(result.problems)
    output = result.output
    if output is None or not output.exists():
        print("Nothing to serve: the site has never built. Fix the problems above.",
              file=sys.stderr)
        return 1
    if result.problems.errors:
        print("Serving the last good site; it does not include the changes with errors.",
              file=sys.stderr)
    handler = functools.partial(_Handler, directory=str(output))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        print(f"statusgen: cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
              "try another --port", file=sys.stderr)
        return 1
    print(f"Serving {output} at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.")
    return 0
