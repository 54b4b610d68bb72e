"""What compare_test.sh's formula checks need from a run and a profile: the run's ranks R,
logical CPUs C and image bytes b, and cost(key) = alpha + b / bandwidth of a profile entry."""
import json
import re


def run_and_costs(run_path, profile_path):
    run = json.load(open(run_path))
    R, C, b = run["config"]["ranks"], run["environment"]["cpu_count"], run["checkpoint_bytes_per_rank"]
    prof = open(profile_path).read()

    def cost(key):
        m = re.search(r"^  " + key + r": \{alpha_s: ([^,]+), bandwidth_bytes_per_s: ([^,}]+)[,}]", prof, re.M)
        return float(m.group(1)) + b / float(m.group(2))
    return run, R, C, b, cost
