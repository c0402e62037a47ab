#!/usr/bin/env python3
"""What the Statuspage API costs a build of N generated incidents (bench.py's site).

    .venv/bin/python bench/api_cost.py 1000 10000 [--runs 5]

Every build makes the API. Timed in process (medians): a cold build's API, with a file for
every incident made; a rebuild's, where the copy already published holds the per-incident
files under the same keys and only the lists and the summary are made; and a rebuild under
`watch`, which also keeps the keys of settled incidents from the build before. Beside them, one cold
`statusgen build` process of the same site, so each can be read as a share of it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from inprocess import loaded, main, median_ms

from bench import clean, make_site, timed_build
from statusgen.outputs.api import render_api
from statusgen.outputs.pages import PageKeys


def api_cost(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_site(folder, count)
        clean(folder)
        cold_build = timed_build(folder)[0]
        site = loaded(folder)[1]
        first = render_api(site)
        cold = median_ms(lambda: render_api(site), runs)
        again = median_ms(lambda: render_api(site, published=first.keys), runs)
        held = PageKeys()
        render_api(site, published=first.keys, held=held)
        watched = median_ms(lambda: render_api(site, published=first.keys, held=held), runs)
        size = sum(len(data) for data in first.files.values())
        print(
            f"{count:>6} incidents: cold build {cold_build:.2f} s; API cold {cold:.0f} ms "
            f"({len(first.files)} files, {size / 1e6:.1f} MB, {cold / 10 / cold_build:.1f}% of "
            f"the build), rebuild with nothing new {again:.0f} ms, under watch (keys of settled "
            f"incidents kept) {watched:.0f} ms (medians of {runs})",
            flush=True,
        )


if __name__ == "__main__":
    main(__doc__, api_cost)
