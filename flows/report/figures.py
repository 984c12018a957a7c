"""The report's figures, drawn by matplotlib as inline SVG: text stays text, no network, no script.

Each function takes plain rows (read by `flows.report.data`) and returns an SVG string, or "" when
there is nothing to draw (the template then says so). Element ids are prefixed per figure, so several
figures live in one page without clashing.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("svg")  # no display, no GUI toolkit
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

INK, MUTED, GRID = "#1d1d1f", "#6b7280", "#e5e7eb"
TOP_ACTORS = 30

_STYLE = {"svg.fonttype": "none", "font.size": 9, "axes.edgecolor": GRID, "axes.labelcolor": INK,
          "xtick.color": MUTED, "ytick.color": INK, "axes.spines.top": False, "axes.spines.right": False,
          "svg.hashsalt": "commitments"}


def _svg(fig: Figure, name: str) -> str:
    """The figure as an inline <svg> element: no XML prologue, ids prefixed with the figure's name."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="', f'id="{name}-', text)
    text = re.sub(r"url\(#", f"url(#{name}-", text)
    text = re.sub(r'xlink:href="#', f'xlink:href="#{name}-', text)
    return text.replace("<svg ", f'<svg class="figure" role="img" aria-labelledby="{name}-title" ', 1)


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def actor_type_heatmap(cells: list[tuple[str, str, int]]) -> str:
    """Commitments by actor (rows: the TOP_ACTORS with most) and type (columns); the number in a cell
    is the commitments of that actor and type, its shade the distinct publishers reporting them."""
    if not cells:
        return ""
    by_actor: dict[str, int] = {}
    for actor, _, n in cells:
        by_actor[actor] = by_actor.get(actor, 0) + n
    actors = sorted(by_actor, key=lambda a: (-by_actor[a], a))[:TOP_ACTORS]
    types = sorted({t for _, t, _ in cells})
    counts = {(a, t): n for a, t, n in cells}
    grid = [[counts.get((a, t), 0) for t in types] for a in actors]
    with matplotlib.rc_context(_STYLE):
        fig = _figure(max(4.5, 1.6 + 0.62 * len(types)), max(2.2, 1.2 + 0.26 * len(actors)))
        ax = fig.add_subplot()
        image = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0)
        ax.set_xticks(range(len(types)), types, rotation=35, ha="right")
        ax.set_yticks(range(len(actors)), actors)
        ax.tick_params(length=0)
        peak = max(max(row) for row in grid) or 1
        for i, row in enumerate(grid):
            for j, n in enumerate(row):
                if n:
                    ax.text(j, i, str(n), ha="center", va="center", fontsize=8,
                            color="#ffffff" if n > peak * 0.55 else INK)
        fig.colorbar(image, ax=ax, shrink=0.6, label="commitments", ticks=MaxNLocator(integer=True))
        ax.set_title(f"Commitments by actor and type (top {len(actors)} actors)", loc="left", fontsize=10,
                     gid="title")
    return _svg(fig, "fig-actors")


def stance_mix(rows: list[tuple[str, int]], colours: dict[str, str]) -> str:
    """Mentions per stance, in the given order, in the stances' colours (sql/seeds/stances.csv)."""
    if not rows:
        return ""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(6.0, 0.5 + 0.34 * len(rows))
        ax = fig.add_subplot()
        labels = [s for s, _ in rows][::-1]
        values = [n for _, n in rows][::-1]
        bars = ax.barh(labels, values, color=[colours.get(s) or MUTED for s in labels])
        ax.bar_label(bars, padding=3, fontsize=8)
        ax.set_xlabel("mentions")
        ax.set_title("Stance mix of the mentions", loc="left", fontsize=10, gid="title")
    return _svg(fig, "fig-stances")


def mentions_per_day(rows: list[tuple[str, int]]) -> str:
    """Mentions per publication day of their article (articles with a known date)."""
    if not rows:
        return ""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(7.5, 2.4)
        ax = fig.add_subplot()
        ax.bar([d for d, _ in rows], [n for _, n in rows], color="#14213d")
        step = max(len(rows) // 12, 1)
        ax.set_xticks(range(0, len(rows), step), [rows[i][0] for i in range(0, len(rows), step)],
                      rotation=35, ha="right")
        ax.set_ylabel("mentions")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Mentions per publication day", loc="left", fontsize=10, gid="title")
    return _svg(fig, "fig-days")


CLEANING_OUTCOMES = (("new", "#14213d"), ("changed", "#4f6d9a"), ("unchanged", "#c9d1e3"), ("rejected", "#c0392b"))


def cleaning_history(rows: list[tuple[str, int, int, int, int]]) -> str:
    """Files per run, stacked by outcome (new, changed, unchanged, rejected), oldest run on the left."""
    if not rows:
        return ""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(7.5, 2.6)
        ax = fig.add_subplot()
        labels = [r[0] for r in rows]
        bottom = [0] * len(rows)
        for k, (outcome, colour) in enumerate(CLEANING_OUTCOMES, start=1):
            values = [r[k] or 0 for r in rows]
            ax.bar(range(len(rows)), values, bottom=bottom, color=colour, label=outcome)
            bottom = [b + v for b, v in zip(bottom, values)]
        step = max(len(rows) // 10, 1)
        ax.set_xticks(range(0, len(rows), step), [labels[i][:16] for i in range(0, len(rows), step)],
                      rotation=35, ha="right")
        ax.set_ylabel("files")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        ax.set_title("Cleaning outcomes per run", loc="left", fontsize=10, gid="title")
    return _svg(fig, "fig-cleaning")


def slowest_stages(stages: list[tuple[str, float]], models: list[tuple[str, float]]) -> str:
    """Wall seconds of this run's stages, and of its ten slowest SQL models."""
    if not stages and not models:
        return ""
    models = sorted(models, key=lambda m: -m[1])[:10]
    with matplotlib.rc_context(_STYLE):
        fig = _figure(7.5, 0.9 + 0.22 * (len(stages) + len(models)))
        axes = fig.subplots(1, 2) if models and stages else [fig.add_subplot()]
        for ax, (title, rows) in zip(axes, [(t, r) for t, r in (("stages", stages), ("slowest models", models)) if r]):
            names = [n for n, _ in rows][::-1]
            bars = ax.barh(names, [s for _, s in rows][::-1], color="#4f6d9a")
            ax.bar_label(bars, fmt="%.2f", padding=3, fontsize=7)
            ax.set_xlabel("seconds")
            ax.set_title(title, loc="left", fontsize=9)
        fig.suptitle("Where the run spent its time", x=0.01, ha="left", fontsize=10, gid="title")
    return _svg(fig, "fig-time")
