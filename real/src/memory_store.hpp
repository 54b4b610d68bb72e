// MemoryStore: a POSIX shared memory segment per (job, rank) with two slots, so a save always
// writes the slot that is not the latest complete one and a crash mid-save never exposes a torn
// checkpoint. The segment outlives the process (the point: a restarted trainer finds it) until
// destroy() unlinks it.
//
// Segment: 4 KiB header {magic, version, slot_capacity, latest, slots[2]{state, seq, iteration,
// bytes, checksum}} then two slots of slot_capacity bytes (rounded up to 4 KiB).
// Save = begin_save (slot state = writing) → copy image → commit (slot header filled,
// state = complete, then `latest` flips to this slot; release stores in that order).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint_store.hpp"

namespace gemini::real {

struct MemoryStoreConfig {
  std::string job = "job";
  int rank = 0;
  // Bytes per slot. 0: open an existing segment with whatever capacity it has (fails if none).
  // A larger value than an existing segment's capacity is an error (destroy it first).
  uint64_t slot_capacity_bytes = 0;
  // Empty: shm_open (POSIX shared memory, /dev/shm on Linux). Otherwise a directory on a tmpfs
  // to hold the segment file instead, for containers whose /dev/shm is too small.
  std::string dir;
};

class MemoryStore final : public CheckpointStore {
 public:
  // Largest slot accepted (1 TiB): a bigger size is a corrupt header or a bad request, and
  // 2 slots + header must not overflow the mapping size.
  static constexpr uint64_t kMaxSlotBytes = uint64_t{1} << 40;

  explicit MemoryStore(MemoryStoreConfig config);
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  std::string kind() const override { return "memory"; }
  SaveResult save(const uint8_t* image, size_t bytes) override;
  std::optional<LoadResult> load_latest(HostBuffer& out) override;
  void destroy() override;

  // Iterations held by complete slots, newest first (from the slot headers; not verified).
  std::vector<uint64_t> iterations() const;
  // Loads and verifies the complete slot holding `iteration` (nullopt if none holds it).
  std::optional<LoadResult> load_iteration(uint64_t iteration, HostBuffer& out);
  // The committed image of `iteration`, in place (for sending it without a copy). Valid until
  // the second save after it; only safe while this process is the segment's only writer.
  struct View {
    const uint8_t* data = nullptr;
    uint64_t bytes = 0;
  };
  std::optional<View> committed(uint64_t iteration) const;

  // The two halves of save(), public so a test can die between them.
  // begin_save marks the non-latest slot as writing and returns where the image goes.
  uint8_t* begin_save(uint64_t bytes, int* slot);
  // Publishes a fully written slot (its image's header gives iteration and checksum).
  void commit(int slot);
  // Whether the next save goes into a slot this process has neither written nor read: its
  // pages are then faulted into the process's page tables during the copy, which makes such a
  // save several times slower than one into a slot it touched (docs/REAL.md, `phases`).
  bool next_save_into_untouched_slot() const;

  std::string name() const { return name_; }  // shm name ("/gemini-<job>-r<rank>") or file path
  uint64_t slot_capacity_bytes() const;
  int latest_slot() const;  // -1 when nothing committed yet

  // Removes a segment without opening it; true if one existed.
  static bool unlink_segment(const MemoryStoreConfig& config);

 private:
  struct Header;
  Header* header() const;
  uint8_t* slot_data(int slot) const;
  int next_save_slot() const;  // the slot that is not the latest complete one
  // One attempt set at reading `slot` into `out` (verified); false with `result.rejected` noted.
  bool read_slot(int slot, HostBuffer& out, LoadResult& result, bool is_latest);

  MemoryStoreConfig config_;
  std::string name_;
  void* map_ = nullptr;
  size_t map_bytes_ = 0;
  bool slot_touched_[2] = {false, false};  // by this process, through this mapping
};

}  // namespace gemini::real
