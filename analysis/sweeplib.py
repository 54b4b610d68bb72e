"""Shared helpers of the analysis scripts: reading gemini-sim sweep CSVs (docs/SWEEPS.md) and
Chrome traces, derived columns, and a non-interactive matplotlib."""
import re

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

CAUSES = ["checkpoint_stall", "lost_progress", "detection", "replacement", "retrieval", "warmup"]
CAUSE_COLORS = {"checkpoint_stall": "#d62728", "lost_progress": "#ff7f0e", "detection": "#9467bd",
                "replacement": "#8c564b", "retrieval": "#1f77b4", "warmup": "#7f7f7f", "compute": "#2ca02c"}


def leading_number(text):
    """'100Gbps' -> 100.0, '1.5%/day' -> 1.5, 16 -> 16.0; NaN when the value has no number."""
    m = re.match(r"\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)", str(text))
    return float(m.group(1)) if m else float("nan")


def read_sweep(path):
    """A sweep CSV with derived columns: cluster_failures_per_day, wasted_*_per_failure_min
    (job minutes per failure), checkpoint_interval_min, iteration_overhead_pct."""
    df = pd.read_csv(path)
    df["cluster_failures_per_day"] = df["failure_rate_per_machine_per_day"] * df["machines"]
    gpus = df["gpus"].astype(float)
    fails = df["failures_mean"].replace(0, np.nan)
    for cause in CAUSES:
        col = "wasted_gpu_hours_" + cause
        if col in df:
            df[cause + "_per_failure_min"] = df[col] / gpus * 60 / fails
    df["checkpoint_interval_min"] = df["checkpoint_interval_iterations"] * df["iteration_time_s"] / 60
    df["iteration_overhead_pct"] = 100 * (df["iteration_time_s"] / df["compute_iteration_time_s"] - 1)
    return df


def x_values(df, column):
    """Numeric x for a column: numbers as they are, else the leading number of each label."""
    col = df[column]
    return col.astype(float) if np.issubdtype(col.dtype, np.number) else col.map(leading_number)


def save(fig, out):
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)
    print(f"wrote {out}")
