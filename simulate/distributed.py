"""Dask clusters for ensembles and scenario sweeps: a local one, an existing one, or none."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..scenarios.errors import ScenarioError

SCHEDULER_WAIT = 10
"""Seconds to wait for ``--scheduler`` to answer before saying it does not."""


@contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: ``workers`` local processes, or the scheduler at ``scheduler``; else None."""
    if not workers and not scheduler:
        yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(
            f"{'--workers' if workers else '--scheduler'} needs Dask; install it with: pip install 'placeplan[cluster]'"
        ) from None

    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_WAIT, set_as_default=False)  # a failure leaves no default
        except Exception as error:  # refused, timed out, not an address, or a server that is not Dask's
            raise ScenarioError(
                f"--scheduler {scheduler}: {_why(error)}; start one with: dask scheduler, "
                "and give the address it prints (tcp://HOST:8786)"
            ) from None
        with client:
            yield client
        return
    # the dashboard on any free port: a second cluster then does not warn that 8787 is taken
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        yield client


def _why(error: Exception) -> str:
    """Why no scheduler could be used, in a planner's words."""
    if isinstance(error, OSError):
        return f"no Dask scheduler answered within {SCHEDULER_WAIT} s"
    if isinstance(error, ValueError):
        return "not an address of a Dask scheduler"
    return "what answers there is not a Dask scheduler"
