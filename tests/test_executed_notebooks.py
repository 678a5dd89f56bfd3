"""nbval's outputs are reused by the quick book build only when they were made
from the same notebook, aelib and data settings (tests/executed_notebooks.py)."""

import nbformat
import pytest

import executed_notebooks as executed

ENV = {"AELIB_QUICK": "1", "AELIB_MNIST_SOURCE": "sample"}


@pytest.fixture
def notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(executed, "EXECUTED_DIR", tmp_path / "executed")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"), nbformat.v4.new_code_cell("print(1)"),
                nbformat.v4.new_code_cell("2 + 2")]
    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(nb, path)
    return path, nb


def nbval_outputs():
    # What nbval collects for the two code cells: a stream, then an execute_result.
    return [[{"output_type": "stream", "name": "stdout", "text": "1\n"}],
            [{"output_type": "execute_result", "data": {"text/plain": "4"}, "metadata": {}}]]


def test_an_executed_copy_is_reused_with_its_outputs(notebook):
    path, nb = notebook
    executed.write_executed(nb, path, executed.fingerprint(path, ENV), nbval_outputs(), seconds=1.5)
    copy, seconds = executed.reusable(path, ENV)
    cells = [cell for cell in copy.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in cells] == [1, 2]
    assert cells[0].outputs[0].text == "1\n" and cells[1].outputs[0].data["text/plain"] == "4"
    assert cells[1].outputs[0].execution_count == 2 and seconds == 1.5
    assert "aelib_executed" not in copy.metadata  # the book's pages carry no test bookkeeping


@pytest.mark.parametrize("change", ["notebook", "environment", "aelib"])
def test_a_copy_made_from_other_inputs_is_not_reused(notebook, change, monkeypatch, tmp_path):
    path, nb = notebook
    executed.write_executed(nb, path, executed.fingerprint(path, ENV), nbval_outputs(), seconds=1.0)
    env = dict(ENV)
    if change == "notebook":
        nb.cells[2].source = "2 + 3"
        nbformat.write(nb, path)
    elif change == "environment":
        env["AELIB_QUICK"] = ""
    else:  # an edited aelib file: point the fingerprint at a copy of aelib and edit it
        root = tmp_path / "root"
        (root / "aelib").mkdir(parents=True)
        (root / "aelib" / "metrics.py").write_text("x = 1\n")
        monkeypatch.setattr(executed, "ROOT", root)
        executed.write_executed(nb, path, executed.fingerprint(path, env), nbval_outputs(), seconds=1.0)
        assert executed.reusable(path, env) is not None
        (root / "aelib" / "metrics.py").write_text("x = 2\n")
    assert executed.reusable(path, env) is None


def test_no_copy_means_execute(notebook):
    path, _ = notebook
    assert executed.reusable(path, ENV) is None


def test_an_incomplete_run_is_never_written(notebook):
    path, nb = notebook
    with pytest.raises(ValueError, match="not every code cell ran"):
        executed.write_executed(nb, path, "stamp", nbval_outputs()[:1], seconds=1.0)
    assert not executed.executed_path(path).exists()
