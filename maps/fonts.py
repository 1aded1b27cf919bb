"""Fonts that show Chinese district names as characters, not boxes.

Noto Sans CJK (SIL Open Font Licence 1.1) comes from the PyPI package
``cvttf-NotoSansCJK-Regular``, a dependency, so a fresh ``pip install`` has it.
Latin text stays in DejaVu Sans; matplotlib falls back to Noto for CJK glyphs.
"""

import warnings
from functools import cache
from typing import Any


@cache
def font_path() -> str | None:
    """The Noto Sans CJK font file, or None (with a warning) where its package is missing."""
    try:
        import cvttf_NotoSansCJK_Regular as noto
    except ImportError:
        warnings.warn(
            "placeplan: the font package cvttf-NotoSansCJK-Regular is not installed; Chinese names may show as "
            "boxes (pip install cvttf-NotoSansCJK-Regular)",
            stacklevel=2,
        )
        return None
    return str(noto.get_TTF_path())


@cache
def chinese_font() -> str | None:
    """Register the CJK font with matplotlib and put it in the fallback list; its name, or None."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    path = font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    plt.rcParams["font.family"] = ["DejaVu Sans", name]
    return name


def subplots(*args: Any, **kwargs: Any) -> Any:
    """``plt.subplots`` with the CJK font in place first, so every text of the figure can use it."""
    import matplotlib.pyplot as plt

    chinese_font()
    return plt.subplots(*args, **kwargs)
