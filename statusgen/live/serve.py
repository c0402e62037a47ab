"""`statusgen serve`: `watch`, plus the published site on 127.0.0.1 with live reload."""

from __future__ import annotations

import http.server
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from statusgen.build import Builder, BuildResult
from statusgen.live.livereload import LiveHandler, LiveState
from statusgen.live.watch import Watcher, follows_clock, report_build, stop_on_terminate
from statusgen.problems import ExitCode


def serve(builder: Builder, port: int) -> ExitCode:
    strict = builder.options.strict
    live = LiveState()
    base = Path.cwd()

    def report(result: BuildResult) -> None:
        live.record(result, base, strict)  # first, so a page fetched meanwhile is current
        report_build(result, strict)

    watcher = Watcher(builder, report, follow_clock=follows_clock(builder))
    with stop_on_terminate():
        try:
            first = watcher.build()  # before the server's threads start, so it may use every core
            output = first.output or (builder.config_path.parent / "site")
            server = _listen(live, output, port)
            if server is None:
                return ExitCode.PROBLEMS
            try:
                if not output.exists():
                    print(
                        "The site has not built yet: fix the problems above and save.",
                        file=sys.stderr,
                        flush=True,
                    )
                print(
                    f"Serving {output} at http://127.0.0.1:{server.server_port}/ with live "
                    "reload (Ctrl-C to stop)",
                    flush=True,
                )
                watcher.run(first)
            finally:
                live.close()
                server.shutdown()
                server.server_close()
        except KeyboardInterrupt:
            watcher.stop()
            print("Stopped.", flush=True)
    return ExitCode.OK


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A browser that closes a tab or stops a download mid-way is not a problem."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # broken pipe, reset, aborted
            return
        super().handle_error(request, client_address)


def _listen(live: LiveState, output: Path, port: int) -> _Server | None:
    """Serve `output` on 127.0.0.1 from a thread of its own; None if the port is taken."""
    handler = type("Handler", (LiveHandler,), {"live": live, "root": output})
    try:
        server = _Server(
            ("127.0.0.1", port),
            lambda *a: handler(*a, directory=str(output)),
        )
    except OSError as exc:
        print(
            f"statusgen: cannot listen on 127.0.0.1:{port} ({exc.strerror}); try another --port",
            file=sys.stderr,
        )
        return None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
