"""Reading gemini-launch's per-rank event logs (RUN_DIR/rankN.events.jsonl), shared by the
analysis scripts. A SIGKILL can cut a rank's last line short; such a line is skipped, as
gemini-launch's own report skips it."""
import glob
import json
import os


def rank_files(run_dir):
    """The run's rankN.events.jsonl files, in rank order."""
    return sorted(glob.glob(os.path.join(run_dir, "rank*.events.jsonl")),
                  key=lambda f: int(os.path.basename(f)[4:].split(".")[0]))


def events(path):
    """The events of one rank's log, in order, without lines cut short."""
    with open(path) as f:
        for line in f:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue
