"""`statusgen serve`: `watch`, plus a preview of the site on 127.0.0.1 with live reload.

The preview includes drafts (marked as such), so it is published into the site's own store
(`build.preview_for`), never where `build` publishes: a web server serving the site, or a copy
of it, can never show a draft. Until the preview has built once, the last site `build` or
`watch` published is served instead, so a broken file never leaves the author with nothing.
"""

from __future__ import annotations

import http.server
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from statusgen.build import Builder, BuildResult, preview_for
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
            site = (
                builder.site_output(builder.config)
                if builder.config is not None
                else builder.config_path.parent / "site"
            )
            output = first.output or preview_for(site)
            server = _listen(live, output, site, port)
            if server is None:
                return ExitCode.PROBLEMS
            try:
                if not output.exists() and not site.exists():
                    print(
                        "The site has not built yet: fix the problems above and save.",
                        file=sys.stderr,
                        flush=True,
                    )
                print(
                    f"Serving a preview of {site}, drafts included, at "
                    f"http://127.0.0.1:{server.server_port}/ with live reload (Ctrl-C to stop)",
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


def _listen(live: LiveState, preview: Path, site: Path, port: int) -> _Server | None:
    """Serve the preview on 127.0.0.1 from a thread of its own (the published `site` until the
    preview has built once); None if the port is taken."""

    kinds: dict[Path, type[LiveHandler]] = {
        root: type("Handler", (LiveHandler,), {"live": live, "root": root})
        for root in (preview, site)
    }

    def handler(*args: Any) -> LiveHandler:
        root = site if not preview.exists() and site.exists() else preview
        return kinds[root](*args, directory=str(root))

    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError as exc:
        print(
            f"statusgen: cannot listen on 127.0.0.1:{port} ({exc.strerror}); try another --port",
            file=sys.stderr,
        )
        return None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
