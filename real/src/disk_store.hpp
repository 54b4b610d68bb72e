// DiskStore: one file per rank, committed by tmp file + fsync + rename + directory fsync, and
// read back cold. Files are written and read with O_DIRECT where the file system allows it
// (direct_file.hpp says why); a buffered read is made cold by dropping the file from the page
// cache with posix_fadvise and checking its residency with mincore.
#pragma once
#include <string>
#include <vector>

#include "checkpoint_store.hpp"

namespace gemini::real {

struct DiskStoreConfig {
  std::string dir;           // created if missing
  std::string job = "job";
  int rank = 0;
  bool cold_load = true;     // buffered reads: drop the file from the page cache first
  // Keep the previous checkpoint as <job>-r<rank>.prev.ckpt (renamed aside at each commit), so
  // ranks that crashed at different points of a save can still agree on a common iteration.
  bool keep_previous = false;
  bool direct_io = true;  // O_DIRECT where the file system allows it (else buffered)
};

class DiskStore final : public CheckpointStore {
 public:
  explicit DiskStore(DiskStoreConfig config);
  std::string kind() const override { return "disk"; }
  SaveResult save(const uint8_t* image, size_t bytes) override;
  std::optional<LoadResult> load_latest(HostBuffer& out) override;
  void destroy() override;

  // Iterations of the committed checkpoints whose headers parse (newest first; no tensor check).
  std::vector<uint64_t> iterations() const;
  // Loads (verified, cold if configured) the committed checkpoint of `iteration`.
  std::optional<LoadResult> load_iteration(uint64_t iteration, HostBuffer& out);

  std::string path() const;      // the committed checkpoint
  std::string prev_path() const;  // the one before it (keep_previous)
  std::string tmp_path() const;  // where a save in progress writes (ignored by load)

 private:
  DiskStoreConfig config_;
};

// Drops a file's pages from the page cache (posix_fadvise DONTNEED) and returns how many of its
// pages are still resident afterwards (mincore); 0 means a read from it is cold.
size_t drop_from_page_cache(int fd, size_t bytes);

}  // namespace gemini::real
