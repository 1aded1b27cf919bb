"""numba, set up once for placeplan's compiled kernels (imported only for ensembles: ``--draws``).

Compiled kernels are cached in the user's cache folder (``NUMBA_CACHE_DIR``, by
default ``~/.cache/placeplan/numba``), never beside the package: files written
into an installed package outlive ``pip uninstall`` and would shadow a later
editable install.
"""

import os
from pathlib import Path

os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "placeplan" / "numba")
)

# numba reads NUMBA_CACHE_DIR when it is imported
from numba import get_num_threads, njit, prange, set_num_threads, threading_layer  # noqa: E402

__all__ = ["get_num_threads", "njit", "prange", "set_num_threads", "threadsafe"]


def threadsafe() -> bool:
    """Whether kernels may be launched from two threads at once: numba's omp and tbb threading layers allow it,
    its workqueue layer stops the process. Known once a parallel kernel has run."""
    try:
        return threading_layer() in ("omp", "tbb")
    except ValueError:  # no parallel kernel has run yet
        return False
