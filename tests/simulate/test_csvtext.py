"""placeplan's CSV writer writes the very text pandas writes, for every kind of column a run's tables have."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from placeplan.simulate.csvtext import write_csv

TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(["a", "太", ",", '"', "\n", "\r", " ", "1"]), max_size=4))
COLUMNS = [
    column("float", dtype=float, elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
    column("int", dtype=int, elements=st.integers(-(2**62), 2**62)),
    column("flag", dtype=bool),
    column("text, with a comma", dtype=object, elements=TEXT),
    column("met", dtype=object, elements=st.sampled_from([True, False, None, float("nan")])),
]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_text_is_what_pandas_writes(data, tmp_path_factory):
    chosen = data.draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=5, unique_by=lambda c: c.name))
    table = data.draw(data_frames(chosen))
    folder = tmp_path_factory.mktemp("csv")
    rows = data.draw(st.integers(1, 4))  # written a few rows at a time: blocks join as one table
    table.to_csv(folder / "pandas.csv", index=False)
    write_csv(table, folder / "placeplan.csv", rows)
    assert (folder / "placeplan.csv").read_bytes() == (folder / "pandas.csv").read_bytes()


@settings(max_examples=40, deadline=None)
@given(values=st.one_of(st.lists(TEXT.filter(lambda t: t != ""), max_size=8), st.lists(st.integers(-5, 5), max_size=8)))
def test_categorical_columns_are_written_as_their_values(values, tmp_path_factory):
    table = pd.DataFrame({"code": pd.Categorical(values), "n": range(len(values))})
    folder = tmp_path_factory.mktemp("csv")
    table.to_csv(folder / "pandas.csv", index=False)
    write_csv(table, folder / "placeplan.csv", 3)
    assert (folder / "placeplan.csv").read_bytes() == (folder / "pandas.csv").read_bytes()


def test_a_hand_made_table(tmp_path):
    table = pd.DataFrame(
        {"area": ["小店区", 'say "hi", twice'], "pupils": [248.99996, float("nan")], "open": [True, False]}
    )
    write_csv(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == (
        'area,pupils,open\n小店区,248.99996,True\n"say ""hi"", twice",,False\n'
    )
