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

from numba import get_num_threads, njit, prange  # noqa: E402  (numba reads NUMBA_CACHE_DIR when it is imported)

__all__ = ["get_num_threads", "njit", "prange"]
