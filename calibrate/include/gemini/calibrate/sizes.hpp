// Byte sizes for sweeps: parsing "64MB"/"1GiB", printing, geometric sweeps, repetitions per size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemini::calibrate {

// Parses "4096", "4KB", "64MB", "1GB" (decimal) and "4KiB", "64MiB", "1GiB" (binary); case-
// insensitive, optional space, "B" optional ("64M" = 64 MiB, "1G" = 1 GiB, the ls/dd habit).
// Throws std::invalid_argument on anything else or a non-positive size.
uint64_t parse_bytes(const std::string& text);

// "1.0 MiB", "256 MiB", "4.00 GiB": binary units, for progress lines.
std::string format_bytes(double bytes);

// min, min*factor, min*factor^2, ... while <= max; max itself is appended when the last step
// falls short of it. Throws std::invalid_argument when min > max, min == 0 or factor < 2.
std::vector<uint64_t> size_sweep(uint64_t min_bytes, uint64_t max_bytes, unsigned factor = 4);

// The sweep with the sizes of `also` that lie within its range (front to back) added, sorted,
// without duplicates: the sizes a run moves (its image), measured exactly rather than read off
// a line fitted across the sweep (gemini-sim compare --medians reads them).
std::vector<uint64_t> with_sizes(std::vector<uint64_t> sweep, const std::vector<uint64_t>& also);

// Repetitions for one size: reps_max up to `full_reps_bytes`, then fewer in proportion to the
// size (reps_max * full_reps_bytes / bytes, rounded up), never below min(reps_min, reps_max).
int reps_for_size(uint64_t bytes, int reps_max, int reps_min = 3, uint64_t full_reps_bytes = 64ull << 20);

}  // namespace gemini::calibrate
