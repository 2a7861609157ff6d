// What the sensor keeps across restarts, in its state directory: its id,
// where it is in each log it follows, the hits it has counted but not yet
// sealed, and the sealed batches the hub has not yet acknowledged. Saved
// atomically (a new file, fsync, rename, fsync of the directory), so after
// a crash the sensor resumes from the last save: lines read after it are
// read again and counted once, and unacknowledged batches are sent again
// with the same sighting ids. One sensor per directory (an exclusive lock).
// StateDir is not thread-safe; SensorState is a plain value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/scan/sightings.hpp"

namespace ecrn::scan {

// Where the sensor is in one source: the file's identity (device, inode),
// the byte offset just after the last line it counted, and that line's
// number.
struct SourcePosition {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
  uint64_t line_no = 0;
  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

struct SensorState {
  std::string sensor_id;  // a UUID made when the directory was first used
  uint64_t next_batch = 1;
  SeenByIndicator open;                           // counted, not yet sealed
  std::vector<SealedBatch> sealed;                // sealed, not yet acknowledged by the hub
  std::map<std::string, SourcePosition> sources;  // by the path as given
  friend bool operator==(const SensorState&, const SensorState&) = default;
};

class StateDir {
 public:
  // Creates the directory when missing and takes its lock. kConflict when
  // another process holds it; kInvalidArgument when it cannot be created.
  static Result<StateDir> Open(const std::filesystem::path& dir);

  StateDir(StateDir&& other) noexcept;
  StateDir& operator=(StateDir&& other) noexcept;
  ~StateDir();

  // The saved state, or a fresh one (new sensor id) when none was saved.
  // A state file that cannot be read or parsed is an error naming the file,
  // never silently replaced (that would lose or duplicate sightings).
  Result<SensorState> Load() const;
  // Replaces the saved state atomically; when this returns ok the state is
  // on disk.
  Result<void> Save(const SensorState& state) const;

  const std::filesystem::path& path() const { return dir_; }

 private:
  StateDir(std::filesystem::path dir, int lock_fd);
  std::filesystem::path dir_;
  int lock_fd_ = -1;
};

}  // namespace ecrn::scan
