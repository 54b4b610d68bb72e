// glibc's memcpy regime boundary (internal): from glibc.cpu.x86_non_temporal_threshold bytes up,
// memcpy writes with non-temporal stores, a cheaper per-byte regime than the cached stores
// below, so one alpha + bytes/beta line over a sweep that spans it fits neither side
// (docs/CALIBRATION.md "The fit", results/cpu/memcpy-regimes/).
#pragma once
#include <cstdint>
#include <string>

#include "gemini/calibrate/results.hpp"

namespace gemini::calibrate::detail {

// The threshold this process's glibc uses, asked of its dynamic loader (`ld.so --list-tunables`,
// glibc 2.33 and later); 0 where it cannot tell (another libc or CPU, an older glibc).
uint64_t glibc_non_temporal_threshold_bytes();

// Parses the loader's --list-tunables output; 0 when the threshold is not listed.
uint64_t parse_non_temporal_threshold(const std::string& list_tunables_output);

// Whether `benchmark`'s time is mostly a glibc memcpy (the host copies, the shared-memory
// writes and reads, the own-memory retrievals).
bool copies_with_memcpy(const std::string& benchmark);

// Notes (once) on a memcpy benchmark whose measured sizes lie on both sides of `threshold_bytes`.
void note_memcpy_regimes(BenchmarkResult& result, uint64_t threshold_bytes);

// Whether `result` has that note.
bool has_memcpy_regimes_note(const BenchmarkResult& result);

}  // namespace gemini::calibrate::detail
