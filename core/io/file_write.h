// Writing a file the user will load again (a model now, a session later) so that it is always
// whole: the bytes go to a temporary file in the target's own folder, which is flushed to disk
// (fsync) and then renamed over the target, and the folder is flushed so the rename itself is
// durable. A full disk, a read-only folder, a crash or a SIGKILL at any moment leaves either the
// old file or the new one on disk, never a mix; a failed save removes its temporary file. A save
// killed mid-way cannot: the next successful save of the same target removes such leftovers
// (our naming pattern, for that target, of a process that no longer exists; see file_write.cpp).
//
//   AtomicFile out(path);
//   if (!out.open(&error) || !out.write(bytes.data(), bytes.size(), &error) || !out.commit(&error)) ...
//
// Every error message names the target file (through printable_path) and what failed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // not committed: the temporary file is closed and removed, the target untouched
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file next to the target. Refuses a target that exists and is not a
  // regular file (a folder, /dev/null, a FIFO: renaming over those would replace them). A symlink
  // is followed, so the file it points to is replaced, not the link.
  bool open(std::string* error);
  bool write(const void* data, size_t n, std::string* error);
  // fsync, close, rename over the target, fsync the folder. After a failure the target is
  // untouched and the temporary file is gone.
  bool commit(std::string* error);

  const std::string& temp_path() const { return temp_path_; }

 private:
  void discard();
  std::string path_;       // the target, symlinks resolved by open()
  std::string shown_;      // the target as the user gave it, made printable, for messages
  std::string temp_path_;  // ".<name>.tmp-<pid>-<random>" in the same folder
  int fd_ = -1;
  bool committed_ = false;
};

// open + write + commit of one buffer.
bool write_file_atomically(const std::string& path, const void* data, size_t n, std::string* error);

// Test hook for fault injection, process-wide: after `bytes` more bytes have been written through
// this layer, the next write fails with ENOSPC as a full disk would; if every byte of a file fits,
// its commit's fsync fails instead (delayed-allocation file systems report a full disk there).
// A negative value (the default) turns injection off.
void file_write_fail_after(int64_t bytes);
// Test hook, process-wide: every write through this layer hands the kernel at most `bytes` bytes,
// so it returns short, as a write to a pipe, a network file system or one interrupted by a signal
// may; the layer must go on until every byte is written. 0 (the default) turns it off.
void file_write_max_chunk(size_t bytes);
