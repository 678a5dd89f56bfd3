import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from aelib import plots
from aelib.widgets import explorer

rng = np.random.default_rng(0)
IMAGES = rng.random((12, 784)).astype(np.float32)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_image_grid_draws_every_image():
    fig = plots.image_grid(IMAGES, ncols=5, titles=[str(i) for i in range(12)])
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and len(fig.axes) == 15
    np.testing.assert_allclose(shown[3].images[0].get_array(), IMAGES[3].reshape(28, 28))
    assert shown[3].get_title() == "3"
    with pytest.raises(ValueError, match="2 titles for 12 images"):
        plots.image_grid(IMAGES, titles=["a", "b"])


def test_reconstruction_rows_layout_and_errors():
    recon = np.clip(IMAGES + 0.05, 0, 1)
    fig = plots.reconstruction_rows(IMAGES, {"model": recon, "copy": IMAGES}, n=4)
    axes = np.array(fig.axes).reshape(3, 4)
    assert axes[1, 0].get_ylabel() == "model"
    assert float(axes[1, 2].get_title()) == pytest.approx(((recon[2] - IMAGES[2]) ** 2).sum(), abs=0.05)
    assert axes[2, 0].get_title() == "0.0"
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.reconstruction_rows(IMAGES, recon)
    with pytest.raises(ValueError, match="fewer than"):
        plots.reconstruction_rows(IMAGES, {"short": recon[:2]}, n=4)


@pytest.mark.parametrize("shown", [8, 10])
def test_reconstruction_numbers_are_readable_in_the_text_column(shown):
    """The per-image errors stay at least 10 px tall once the figure is shrunk
    to the book's text column (they were about 5 px)."""
    images = rng.random((10, 784))
    fig = plots.reconstruction_rows(images, {"a long row label": images, "b": images}, n=shown)
    shrink = min(1.0, plots.TEXT_COLUMN_INCHES / fig.get_figwidth())
    texts = [ax.title for ax in fig.axes] + [ax.yaxis.label for ax in fig.axes]
    texts = [t for t in texts if t.get_text()]
    assert len(texts) == 2 * shown + 3
    smallest = min(t.get_fontsize() for t in texts) / 72 * fig.dpi * shrink
    assert smallest >= 10, smallest


def test_signed_image_grid_draws_each_row_and_refuses_a_transposed_kernel():
    fig = plots.signed_image_grid(rng.normal(size=(3, 784)))
    assert sum(bool(ax.images) for ax in fig.axes) == 3
    with pytest.raises(ValueError, match="kernel.T"):
        plots.signed_image_grid(rng.normal(size=(784, 3)))


def test_latent_scatter_subsamples_and_needs_two_columns():
    codes, labels = rng.normal(size=(300, 2)), rng.integers(0, 10, 300)
    fig = plots.latent_scatter(codes, labels, max_points=100)
    assert sum(len(c.get_offsets()) for c in fig.axes[0].collections) == 100
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("code value 1", "code value 2")
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        plots.latent_scatter(codes[:, :1], labels)


def test_training_curves_draw_loss_and_validation_and_name_a_missing_metric():
    fig = plots.training_curves({"a": {"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}})
    assert len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError, match="has no 'mae'"):
        plots.training_curves({"a": {"loss": [1]}}, metric="mae")


def test_explorer_calls_draw_when_a_control_moves():
    calls = []

    def draw(k, index):
        calls.append((k, index))
        return plots.image_grid(IMAGES[index:index + 1])

    ui = explorer(draw, k=widgets.IntSlider(value=3, min=1, max=10),
                  index=widgets.IntSlider(value=0, min=0, max=5))
    assert calls[-1] == (3, 0)  # drawn once on creation
    k_slider = ui.children[0]
    assert k_slider.continuous_update is False
    k_slider.value = 7
    assert calls[-1] == (7, 0)
    with pytest.raises(ValueError, match="ipywidgets control"):
        explorer(draw, k=3)
    with pytest.raises(ValueError, match="at least one control"):
        explorer(draw)


@pytest.mark.slow
def test_explorer_in_a_real_kernel_updates_its_figure_in_place():
    """Executed unattended (as the book build does), an explorer shows its controls and its
    figure, and moving a control replaces that figure; no Output widget is involved
    (nbclient can hang on those: jupyter/nbclient#312)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(
            "%matplotlib inline\n"
            "import ipywidgets as w, matplotlib.pyplot as plt, aelib\n"
            "def draw(k):\n"
            "    fig, ax = plt.subplots(figsize=(2, 2))\n"
            "    ax.plot(range(k))\n"
            "    return fig\n"
            "ui = aelib.widgets.explorer(draw, k=w.IntSlider(value=2, min=1, max=9))\n"
            "ui"),
        nbformat.v4.new_code_cell("ui.children[0].value = 9"),
    ])
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    client.execute()
    outputs = nb.cells[0].outputs
    kinds = {kind for o in outputs for kind in o.get("data", {})}
    assert {"application/vnd.jupyter.widget-view+json", "image/png"} <= kinds, kinds
    assert not any(state.get("_model_name") == "OutputModel" for state in client.widget_state.values())
    assert nb.cells[1].outputs == []  # the new figure went into the first cell's output
    figure_after = next(o for o in outputs if "image/png" in o.get("data", {}))["data"]["image/png"]
    client2 = NotebookClient(nbformat.v4.new_notebook(cells=[nb.cells[0]]), timeout=120, kernel_name="python3")
    client2.execute()
    figure_before = next(o for o in client2.nb.cells[0].outputs if "image/png" in o.get("data", {}))["data"]["image/png"]
    assert figure_after != figure_before, "moving the slider did not replace the figure"
