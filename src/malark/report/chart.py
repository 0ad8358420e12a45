"""The summary chart: one horizontal stacked bar per category (the KF goals, then each
committee's nämndmål), parts Grön/Gul/Röd/Ej bedömd, drawn with matplotlib.

matplotlib rather than a hand-drawn SVG or a native Word chart: one drawing serves both
outputs (PNG in the Word document, which every Word version and LibreOffice show the
same; SVG in the web page, sharp when printed), and it lays out axes, long labels and
the legend, which hand-written SVG would have to redo. The figure is drawn without pyplot
(no global state, no GUI backend), math text is off (a `$` in a name stays a `$`), and
the files carry no date, so the same data gives the same bytes.
"""

from __future__ import annotations

import io

from malark.report.blocks import ChartData

__all__ = ["BAR_COLOURS", "chart_png", "chart_svg"]

BAR_COLOURS = {"gron": "#63BE7B", "gul": "#FFD966", "rod": "#F8696B", "ej": "#BFBFBF"}
"""The fills of the consolidated workbook's chart (`Översikt`), so both look alike."""
WIDTH_INCHES = 6.3
MAX_HEIGHT_INCHES = 9.0
_RC = {"text.parse_math": False, "svg.hashsalt": "malark", "svg.fonttype": "path",
       "font.size": 8, "axes.spines.top": False, "axes.spines.right": False}


def _figure(data: ChartData):
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        count = len(data.categories)
        height = min(MAX_HEIGHT_INCHES, 1.1 + 0.24 * count)
        figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
        axes = figure.subplots()
        positions = list(range(count))
        left = [0] * count
        for mark, values in data.series:
            bars = axes.barh(positions, values, left=left, color=BAR_COLOURS[mark.key],
                             edgecolor="white", linewidth=0.6, height=0.7,
                             label=mark.word)
            labels = [str(v) if v else "" for v in values]
            axes.bar_label(bars, labels=labels, label_type="center", fontsize=7)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, labels=list(data.categories),
                        fontsize=8 if count <= 25 else 6)
        axes.invert_yaxis()
        axes.set_xlabel("Antal mål")
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4, frameon=False)
        return figure


def chart_png(data: ChartData, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    _figure(data).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def chart_svg(data: ChartData) -> bytes:
    buffer = io.BytesIO()
    import matplotlib

    with matplotlib.rc_context(_RC):
        _figure(data).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
