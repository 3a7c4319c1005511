"""The palette's "Fetch today's papers": ``fetch hf`` for the days not yet fetched, in a thread worker.

Why a module of its own: the main screen is the search's; fetching only needs to show progress and, when it
lands, have the results searched again. It speaks through the messages the screen already handles
(``IndexingProgressed`` drives the progress bar, ``LibraryChanged`` hides it, says what happened and re-runs the
search), so the screen needs no fetch code. Network code (httpx) is imported in the worker, never at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from .messages import IndexingProgressed, LibraryChanged

if TYPE_CHECKING:
    from paperdeck.index import FetchRun, PeriodResult

    from .screens.main import MainScreen

TITLE = "Fetch today's papers"


def fetch_commands(main: MainScreen) -> Iterable[SystemCommand]:
    """The palette entries this module adds."""
    yield SystemCommand(TITLE, "Download the Hugging Face daily listings not fetched yet, up to today",
                        lambda: start_fetch(main))


def start_fetch(main: MainScreen) -> None:
    if main.library is None:
        main.notify("The library is still opening; try again in a moment.", markup=False)
        return
    main.run_worker(lambda: fetch_missing_days(main), thread=True, exclusive=True, group="fetch",
                    exit_on_error=False, description="fetch today's papers")


def fetch_missing_days(main: MainScreen) -> FetchRun:
    """Runs in a thread: every message to the screen is posted, never a widget touched."""
    from paperdeck.index import Downloader, FetchBusy, FetchRun, fetch_hf, fetching, hf_base, hf_endpoint, \
        missing_days

    library = main.library
    assert library is not None
    run = FetchRun("hf")
    try:
        endpoint = hf_endpoint()
        with Downloader() as downloader, fetching(hf_base(), library) as run:
            periods = missing_days(datetime.now(timezone.utc).date())
            done = 0
            main.post_message(IndexingProgressed(0, len(periods), "fetching from Hugging Face"))

            def progressed(result: PeriodResult) -> None:
                nonlocal done
                done += 1
                main.post_message(IndexingProgressed(done, len(periods), f"fetched {result.period}"))

            fresh = fetch_hf(periods, library, downloader, endpoint=endpoint, on_result=progressed)
            run.results.extend(fresh.results)
            run.error = fresh.error
    except (FetchBusy, ValueError, OSError) as err:  # another fetch, a bad HF_ENDPOINT, an unwritable folder
        run.error = str(err)
    except Exception as err:  # anything else (the library busy with a rebuild): said, never swallowed
        run.error = f"{type(err).__name__}: {err}"
    main.post_message(LibraryChanged(summarise(run)))
    return run


def summarise(run: FetchRun) -> str:
    """One notice for the whole fetch: what landed, and the one line that stopped it, if any."""
    fetched = sum(r.status in ("fetched", "resumed") for r in run.results)
    text = f"Fetched {fetched} listing(s) from Hugging Face: {run.new_papers} new papers."
    if not run.results and not run.error:
        text = "Every day up to today is already fetched."
    if run.error:
        text += f" Stopped: {run.error}" + ("" if fetched else "; nothing changed.")
    return text
