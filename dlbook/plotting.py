"""Plotting helpers. Each returns the matplotlib figure (and axes) so a chapter can adjust it.

Example:
    >>> fig, axes = plot_timeline()
    >>> len(axes)
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


from dlbook.history import MILESTONES, MODEL_SIZES, Milestone, ModelSize

__all__ = ["plot_timeline", "plot_model_sizes"]

_ERA_COLOURS = {"foundations": "tab:blue", "deep learning": "tab:orange"}


def _assign_levels(xs: Sequence[float], levels: Sequence[float], min_gap: float) -> list[float]:
    """Give each x (in increasing order) the first level not used by a neighbour closer than min_gap."""
    chosen: list[float] = []
    for i, x in enumerate(xs):
        busy = {chosen[j] for j in range(i) if abs(xs[j] - x) < min_gap}
        free = [lv for lv in levels if lv not in busy]
        chosen.append(free[0] if free else levels[i % len(levels)])
    return chosen


def _timeline_panel(ax: Any, events: Sequence[Milestone], span: tuple[int, int], title: str) -> None:
    from matplotlib.ticker import MaxNLocator

    events = sorted(events, key=lambda e: (e.start, e.end, e.label))
    mids = [(e.start + e.end) / 2 for e in events]
    levels = _assign_levels(mids, (4.0, -4.0, 2.5, -2.5, 1.0, -1.0), min_gap=0.21 * (span[1] - span[0]))
    ax.axhline(0, color="0.3", linewidth=1.5, zorder=1)
    for event, mid, level in zip(events, mids, levels):
        colour = _ERA_COLOURS[event.era]
        if event.end > event.start:
            ax.plot([event.start, event.end], [0, 0], color=colour, linewidth=6, solid_capstyle="butt", zorder=2)
        ax.vlines(mid, 0, level, color=colour, linewidth=0.8, zorder=1)
        ax.plot(mid, 0, "o", color=colour, markersize=5, zorder=3)
        ax.annotate(f"{event.when}\n{event.label}", (mid, level), ha="center",
                    va="bottom" if level > 0 else "top", fontsize=7.5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6})
    ax.set_xlim(*span)
    ax.set_ylim(-5.4, 5.4)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("year")


def plot_timeline(milestones: Sequence[Milestone] = MILESTONES, *, split_year: int = 2000) -> tuple[Any, Any]:
    """Draw the milestones as a two-panel timeline: before and after ``split_year``.

    The two panels have their own year scales, because the last decade is crowded.

    Args:
        milestones: the events to draw.
        split_year: the first year of the second panel.

    Returns:
        ``(fig, axes)`` with two axes.

    Example:
        >>> fig, (early, late) = plot_timeline()
        >>> bool(early.get_xlim()[0] < 1943 and late.get_xlim()[1] > 2022)
        True
    """
    import matplotlib.pyplot as plt

    early = [m for m in milestones if m.start < split_year]
    late = [m for m in milestones if m.start >= split_year]
    fig, axes = plt.subplots(2, 1, figsize=(12, 8.5))
    if early:
        _timeline_panel(axes[0], early, (min(m.start for m in early) - 6, split_year),
                        f"Foundations ({min(m.start for m in early)}-{split_year - 1})")
    if late:
        _timeline_panel(axes[1], late, (split_year + 4, max(m.end for m in late) + 2),
                        f"The deep-learning era ({split_year} on)")
    fig.suptitle("Milestones of neural networks and deep learning")
    fig.tight_layout()
    return fig, axes


def plot_model_sizes(models: Sequence[ModelSize] = MODEL_SIZES, ax: Any = None) -> tuple[Any, Any]:
    """Plot parameter counts against year on a logarithmic axis.

    Args:
        models: the models to draw.
        ax: an existing axes, or ``None`` for a new figure.

    Returns:
        ``(fig, ax)``.

    Example:
        >>> fig, ax = plot_model_sizes()
        >>> ax.get_yscale()
        'log'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.2))
    else:
        fig = ax.figure
    years = [m.year for m in models]
    params = [m.parameters for m in models]
    ax.scatter(years, params, color="tab:purple", zorder=3)
    for m in models:
        ax.annotate(m.name, (m.year, m.parameters), textcoords="offset points", xytext=(6, -3), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlim(min(years) - 2, max(years) + 5)
    ax.set_xlabel("year")
    ax.set_ylabel("trainable parameters (log scale)")
    ax.set_title("Model size grew by more than six orders of magnitude")
    ax.grid(True, which="major", alpha=0.3)
    return fig, ax
