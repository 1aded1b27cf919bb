"""Dask clusters for ensembles and scenario sweeps: a local one, an existing one, or none."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..scenarios.errors import ScenarioError


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
        with Client(scheduler) as client:
            yield client
        return
    # the dashboard on any free port: a second cluster then does not warn that 8787 is taken
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        yield client
