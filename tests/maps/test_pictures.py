"""Maps and charts drawn from small hand-made Results: colours, scales, text, fonts (no model run)."""

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from placeplan.maps import difference_maps, plot_map, plot_series, plot_summary, small_multiples  # noqa: E402
from placeplan.maps.choropleth import colour_scale  # noqa: E402
from placeplan.simulate.compare import summary_table  # noqa: E402

from .conftest import ALTERNATIVE, REFERENCE  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _colours(ax):
    """Face colours of the area polygons, in the frame's order (areas 1, 2 for primary)."""
    return ax.collections[0].get_facecolors()


def test_shortage_and_surplus_get_different_hues_on_a_symmetric_scale():
    ax = plot_map(REFERENCE, "primary", 2021)  # area 1: +200 shortage, area 2: -100 surplus
    shortage, surplus = _colours(ax)
    assert shortage[0] > shortage[2]  # orange: more red than blue
    assert surplus[2] > surplus[0]  # purple: more blue than red
    bar = ax.figure.axes[-1]
    low, high = bar.get_ylim()
    assert low == pytest.approx(-200) and high == pytest.approx(200)
    assert "public places" in bar.get_ylabel()


def test_zero_gap_is_the_neutral_middle_colour():
    cmap, norm = colour_scale("gap", np.array([-50.0, 0.0, 50.0]))
    r, g, b, _ = plt.get_cmap(cmap)(norm(0.0))
    assert min(r, g, b) > 0.9  # near white


def test_map_title_labels_north_arrow_and_scale_bar():
    ax = plot_map(REFERENCE, "primary", 2021)
    assert "Scenario ref" in ax.get_title() and "primary" in ax.get_title() and "2021" in ax.get_title()
    texts = [t.get_text() for t in ax.texts]
    assert "Jia\n+200" in texts and "Yi\n-100" in texts
    assert "N" in texts
    assert any(t.endswith(" km") for t in texts)


def test_labels_never_overlap():
    fig, ax = plt.subplots(figsize=(1.5, 1.5))  # too small for both labels
    plot_map(REFERENCE, "primary", 2021, ax=ax)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if "\n" in t.get_text()]
    assert len(boxes) >= 1
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_chinese_names_render_as_characters_not_boxes():
    ax = plot_map(REFERENCE, "primary", 2021, lang="zh")
    assert "甲区\n+200" in [t.get_text() for t in ax.texts]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for boxes
        ax.figure.canvas.draw()


def test_other_figures_use_their_own_scales():
    ax = plot_map(REFERENCE, "primary", 2021, figure="utilization")
    low, high = ax.figure.axes[-1].get_ylim()
    assert (low + high) / 2 == pytest.approx(1.0)  # utilization is centred on 1
    ax = plot_map(REFERENCE, "primary", 2021, figure="cost")
    assert ax.figure.axes[-1].get_ylim()[0] == 0  # sequential from zero
    ax = plot_map(REFERENCE, "primary", 2021, figure="gap_per_1000")
    assert "Jia\n+267" in [t.get_text() for t in ax.texts]  # 200 / 750 pupils x 1000


def test_small_multiples_share_one_colour_scale():
    fig = small_multiples(REFERENCE, ["primary", "senior_general"], [2020, 2021])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        "primary, 2020",
        "primary, 2021",
        "general senior secondary, 2020",
        "general senior secondary, 2021",
    ]
    # one scale from -200 to 200 (the largest gap anywhere): +200 is the end of the scale, +100 three quarters
    scale = plt.get_cmap("PuOr_r")
    assert _colours(panels[1])[0] == pytest.approx(scale(1.0))
    assert _colours(panels[3])[0] == pytest.approx(scale(0.75))
    assert fig.axes[-1].get_ylim() == pytest.approx((-200, 200))


def test_difference_maps_show_scenario_minus_reference():
    fig = difference_maps({"ref": REFERENCE, "alt": ALTERNATIVE}, "ref", "primary", 2021)
    ax = fig.axes[0]
    # area 1: (700 - 640) - (600 - 400) = -140; area 2: (350 - 400) - (300 - 400) = +50
    assert "Jia\n-140" in [t.get_text() for t in ax.texts]
    assert "Yi\n+50" in [t.get_text() for t in ax.texts]
    assert ax.get_title() == "Scenario alt\nminus Scenario ref"  # titles, not file names
    chinese = difference_maps({"ref": REFERENCE, "alt": ALTERNATIVE}, "ref", "primary", 2021, lang="zh")
    assert chinese.axes[0].get_title() == "Scenario alt\n减 Scenario ref"


def test_series_shades_the_shortage():
    ax = plot_series(REFERENCE, "1", "primary")
    demand, capacity = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
    assert list(demand) == [500, 600] and list(capacity) == [400, 400]
    assert [text.get_text() for text in ax.get_legend().get_texts()][0] == "shortage"


def test_summary_chart_has_a_panel_per_figure_and_marks_the_reference():
    fig = plot_summary(summary_table({"ref": REFERENCE, "alt": ALTERNATIVE}), reference="ref")
    panels = [ax for ax in fig.axes if ax.patches]
    assert len(panels) == 4
    assert "Scenario ref (reference)" in [label.get_text() for label in panels[0].get_yticklabels()]


def test_a_summary_panel_the_same_in_every_scenario_has_one_tick_at_0_and_counts_tick_at_whole_numbers():
    fig = plot_summary(summary_table({"ref": REFERENCE}), reference="ref")  # one scenario: no extra spending
    fig.canvas.draw()
    spending = fig.axes[3]
    assert [label.get_text() for label in spending.get_xticklabels()] == ["0"]
    for panel in fig.axes[:3]:
        assert all(tick == int(tick) for tick in panel.get_xticks())


def test_colour_bar_ticks_read_like_the_map_labels():
    from placeplan.maps.choropleth import ticks

    assert [ticks("gap", "en")(v, 0) for v in (-12500.0, 0.0, 0.2, 20000.0)] == ["-12,500", "0", "0", "+20,000"]
    assert ticks("utilization", "en")(1.25, 0) == "1.25"
    assert ticks("capital_cost", "zh")(3.5e8, 0) == "35,000万"


def test_a_plan_adding_nothing_has_whole_ticks_and_a_heading_within_the_sheet():
    from placeplan.maps.plan import plan_map

    fig = plan_map(REFERENCE, REFERENCE, "en")  # nothing added: one panel of zeros on a scale of 0 to 1
    fig.canvas.draw()
    bar = fig.axes[-1]
    assert [label.get_text() for label in bar.get_yticklabels()] == ["0", "1"]
    box = fig._suptitle.get_window_extent()
    assert "\n" in fig._suptitle.get_text() and 0 <= box.x0 and box.x1 <= fig.bbox.width


def test_the_plan_spending_chart_labels_each_bar_with_its_year():
    from placeplan.maps.plan import plot_spending

    long = REFERENCE.reindex(year=range(2020, 2041), fill_value={"planned": True})
    for result, labels in ((REFERENCE, ["2020", "2021"]), (long, [str(y) for y in range(2020, 2041, 2)])):
        fig = plot_spending(result.assign(capital_cost=result["gap"].fillna(0) * 0 + 1e6), float("inf"))
        fig.canvas.draw()
        assert [label.get_text() for label in fig.axes[0].get_xticklabels()] == labels  # 21 years: every second


def test_a_sequential_map_draws_nothing_white_and_more_darker():
    from matplotlib import colormaps

    from placeplan.maps.choropleth import colour_scale

    name, norm = colour_scale("classes_needed", np.array([0.0, 50.0, 100.0]))
    shade = [sum(colormaps[name](norm(v))[:3]) / 3 for v in (0.0, 50.0, 100.0)]
    assert shade[0] > 0.95 and shade[0] > shade[1] > shade[2]  # an area needing nothing reads as empty


def test_numbers_read_whole_below_10000_and_an_axis_in_one_unit():
    from placeplan.maps.style import compact, one_unit_axis

    assert [compact(v) for v in (1505.0, 9999.0, 71131.0, 1.39e8)] == ["1,505", "9,999", "71.1k", "139M"]
    assert [compact(v, "zh") for v in (1505.0, 71131.0, 1.39e8)] == ["1,505", "7.11万", "1.39亿"]
    money = [0.0, 4e7, 8e7, 1.2e8, 1.6e8]
    assert one_unit_axis("zh").format_ticks(money) == ["0", "0.4亿", "0.8亿", "1.2亿", "1.6亿"]  # not 4,000万, 1.2亿
    assert one_unit_axis("en").format_ticks(money) == ["0", "40M", "80M", "120M", "160M"]
    assert one_unit_axis("en").format_ticks([0.0, 250.0, 500.0, 1250.0]) == ["0", "250", "500", "1,250"]
    assert one_unit_axis("en").format_ticks([0.0, 25e3, 50e3]) == ["0", "25k", "50k"]
    assert one_unit_axis("zh").format_ticks([0.0, 2.5e4, 5e4]) == ["0", "2.5万", "5.0万"]


def test_headings_are_punctuated_as_each_language_writes_them():
    from placeplan.maps.style import in_unit, joined, listed, year_label

    assert joined("en", "Tiny city", "capital spending") == "Tiny city: capital spending"
    assert joined("zh", "小城", "小店区", "学前教育") == "小城：小店区，学前教育"
    assert listed("zh", "小学", year_label(2025, "zh")) == "小学，2025年"
    assert listed("en", "primary", year_label(2025, "en")) == "primary, 2025"
    assert (in_unit("资本支出", "元", "zh"), in_unit("capital", "CNY", "en")) == ("资本支出（元）", "capital (CNY)")


def test_where_labels_collide_the_area_with_the_change_keeps_its_label():
    import geopandas as gpd
    from shapely.geometry import box

    from placeplan.maps.choropleth import draw
    from placeplan.maps.fonts import subplots

    frame = gpd.GeoDataFrame(  # a small area in a big one's middle (a town in its county): labels collide
        {"area": ["1", "2"], "name": ["Big", "Small"]},
        geometry=[box(0, 0, 1, 0.1), box(0.48, 0.045, 0.52, 0.055)],
        crs="EPSG:4326",
    )
    _, ax = subplots(figsize=(3, 3))
    draw(frame, np.array([0.0, -176.0]), "gap", ax, furniture=False)
    assert [text.get_text() for text in ax.texts] == ["Small\n-176"]


def test_a_map_of_money_names_the_results_currency_and_ticks_in_one_unit():
    spent = REFERENCE.assign(capital_cost=REFERENCE["capital_cost"] * 0 + 2.4e8).assign_attrs(currency="USD")
    for lang, unit, suffix in (("en", "capital spending (USD)", "M"), ("zh", "资本支出（USD）", "亿")):
        ax = plot_map(spent, "primary", 2021, "capital_cost", lang)
        ax.figure.canvas.draw()
        bar = ax.figure.axes[-1]
        assert bar.get_ylabel() == unit  # not "(currency)", nor 元 for dollars
        ticks = [t.get_text() for t in bar.get_yticklabels()]
        assert ticks[0] == "0" and all(t.endswith(suffix) for t in ticks[1:]), ticks  # not 0.0 M, nor 20,000万


def test_a_utilization_above_1_is_hatched_as_a_shortage_is():
    gap = plot_map(REFERENCE, "primary", 2021)  # area 1: 600 / 400 = 1.5 (short), area 2: 300 / 400 = 0.75
    utilization = plot_map(REFERENCE, "primary", 2021, "utilization")
    for ax in (gap, utilization):
        assert [len(c.get_paths()) for c in ax.collections if c.get_hatch()] == [1]


def test_an_ensembles_band_shows_both_edges_over_the_shortage():
    drawn = REFERENCE.assign(
        public_demand_p5=REFERENCE["public_demand"] - 50, public_demand_p95=REFERENCE["public_demand"] + 80
    )
    ax = plot_series(drawn, "1", "primary")
    edges = [list(line.get_ydata()) for line in ax.lines if line.get_linestyle() == ":"]
    assert edges == [[450, 550], [580, 680]]  # the lower edge lies in the shaded shortage, drawn over it
    assert [text.get_text() for text in ax.get_legend().get_texts()][0] == "p5-p95 range of public places needed"
