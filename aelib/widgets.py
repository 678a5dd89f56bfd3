"""Interactive explorers built on ipywidgets.

An explorer is a drawing function plus controls: moving a control calls the
function again with the new values. The drawing function is an ordinary
Python function, written in the chapter, so it can be called directly (in
tests, or to make the static figure the rendered book shows, since widgets
need a live kernel).
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt


def explorer(draw, **controls):
    """Build an explorer: `draw(**values)` runs whenever a control changes.

    draw: a function whose keyword arguments are the control names; it draws
        with matplotlib (and may return the Figure).
    controls: name=ipywidgets control, e.g. k=widgets.IntSlider(2, 1, 256).
    Returns an ``ipywidgets.interactive``; display it (or make it the cell's
    last expression) in a live notebook.
    """
    if not callable(draw):
        raise ValueError(f"draw must be a function, got {type(draw).__name__}.")
    if not controls:
        raise ValueError("give at least one control, e.g. k=widgets.IntSlider(value=8, min=1, max=64).")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise ValueError(f"control {name!r} must be an ipywidgets control such as IntSlider, "
                             f"got {type(control).__name__}.")
        if hasattr(control, "continuous_update"):
            control.continuous_update = False  # redraw on release, not on every pixel

    def redraw(**values):
        draw(**values)
        plt.show()

    return widgets.interactive(redraw, **controls)
