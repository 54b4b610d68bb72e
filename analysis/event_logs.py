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


def run_events(run_dir):
    """Every rank's events of one run, rank after rank."""
    return [e for path in rank_files(run_dir) for e in events(path)]


def memory_saves_with_slot_rule(run_events_list):
    """Each memory save of a run with the slot the model says it went into: (event, untouched).

    A memory store has two slots. A process's first memory save goes into a slot it has neither
    written nor read, its second too unless it restored from its own memory (the slot it read),
    and every later one into a slot it wrote before. This is the rule sim/'s model prices saves
    by (fresh mapping vs memcpy); real/ reports the same per save as memory_untouched_slot, and
    tests/compare_test.sh checks that the two agree. Saves are grouped by process: (rank, gen)."""
    tier = {(e["rank"], e["gen"]): e["tier"] for e in run_events_list if e["e"] == "recovery"}
    by_process = {}
    for e in run_events_list:
        if e["e"] == "save" and e["memory"]:
            by_process.setdefault((e["rank"], e["gen"]), []).append(e)
    out = []
    for key, saves in by_process.items():
        for n, e in enumerate(sorted(saves, key=lambda e: e["iteration"])):
            out.append((e, n == 0 or (n == 1 and tier.get(key) != "memory")))
    return out
