import matplotlib

matplotlib.use("Agg")  # unit tests draw figures without a display
