"""The `hardware:` entries of a gemini-sim hardware profile (gemini-calibrate --out-profile), read
as YAML instead of matched as text, so that an entry's optional keys (concurrency, neighbours,
slowest_*) or their order never break a reader. Needs PyYAML (Debian: python3-yaml).

    from profile_entries import entry_of, hardware_entry, load_profile
    hardware_entry("profile.yaml", "local_disk_write")  # {'alpha_s': ..., 'bandwidth_bytes_per_s': ...}
"""
import re

import yaml


class _Loader(yaml.SafeLoader):
    """YAML 1.1, as PyYAML reads it, takes a number with an exponent and no dot (`1e9`, which
    printf's %g writes) for a string; gemini-sim's yaml-cpp reads it as a number, so do we."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789"))


def load_profile(path):
    """The whole profile as a dict; exits with the file's name if it is not a profile."""
    with open(path) as f:
        profile = yaml.load(f, Loader=_Loader)
    if not isinstance(profile, dict) or not isinstance(profile.get("hardware"), dict):
        raise SystemExit(f"{path}: not a hardware profile (no 'hardware:' mapping)")
    return profile


def entry_of(profile, path, key):
    """`hardware.<key>` of a profile load_profile(path) read; exits naming the file and key when
    it is missing."""
    entry = profile["hardware"].get(key)
    if not isinstance(entry, dict):
        raise SystemExit(f"{path}: no hardware entry '{key}'")
    return entry


def hardware_entry(path, key):
    """The profile's `hardware.<key>` mapping; exits naming the file and key when it is missing."""
    return entry_of(load_profile(path), path, key)
