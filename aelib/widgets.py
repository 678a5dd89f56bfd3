"""Interactive explorers built on ipywidgets.

An explorer is a drawing function plus controls: moving a control calls the
function again with the new values. The drawing function is an ordinary
Python function, written in the chapter, so it can be called directly (in
tests, or to make the static figure the rendered book shows, since widgets
need a live kernel).

The figure is shown through an IPython display handle and replaced in place
when a control moves, rather than through an ipywidgets Output widget: when a
notebook is executed unattended (the book build, nbval), nbclient answers an
Output widget's messages on the same channel it is waiting on, and now and then
the execution hangs for good (jupyter/nbclient#312). Plain controls and a
display handle work the same in Jupyter, Colab and VS Code.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure


class Explorer:
    """Controls and the figure they drive; display it (or make it the cell's last expression).

    children: the controls, in the order given. figure: the last figure drawn.
    """

    def __init__(self, draw, controls):
        self._draw, self._controls = draw, controls
        self.children = tuple(controls.values())
        self._handle = None
        for control in self.children:
            control.observe(self._redraw, names="value")
        self.figure = self._render()  # drawn once now, so a broken draw fails at once

    def _render(self):
        result = self._draw(**{name: c.value for name, c in self._controls.items()})
        figure = result if isinstance(result, Figure) else plt.gcf()
        plt.close(figure)  # shown through the display handle, not again by the inline backend
        return figure

    def _redraw(self, change=None):
        self.figure = self._render()
        if self._handle is not None:
            self._handle.update(self.figure)

    def _ipython_display_(self):
        from IPython.display import display
        display(widgets.VBox(list(self.children)))
        self._handle = display(self.figure, display_id=True)


def explorer(draw, **controls):
    """Build an explorer: `draw(**values)` runs whenever a control changes.

    draw: a function whose keyword arguments are the control names; it draws
        with matplotlib and returns the Figure (or leaves it current).
    controls: name=ipywidgets control, e.g. k=widgets.IntSlider(2, 1, 256).
    Returns an `Explorer`; display it (or make it the cell's last expression)
    in a live notebook.
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
    return Explorer(draw, controls)
