// See file_write.h.
#include "io/file_write.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/file_input.h"

namespace {

// Bytes the fault-injection hook still lets through; negative = injection off.
std::atomic<int64_t> g_fail_after{-1};
// The most bytes one write may pass on; 0 = no limit (file_write_max_chunk).
std::atomic<size_t> g_max_chunk{0};

std::string quoted(const std::string& shown) { return "'" + shown + "'"; }

std::string folder_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The temporary file's name: ".<name>.tmp-<pid>-<12 hex digits>". The pid says whose it is, so
// a later save can tell a dead process's leftover from a save in progress (remove_stale_temps).
std::string temp_prefix(const std::string& path) { return "." + name_of(path) + ".tmp-"; }

// A name nobody else is using: pid, a per-process counter and the clock. O_EXCL makes sure.
std::string random_suffix() {
  static std::atomic<uint64_t> counter{0};
  const uint64_t t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  uint64_t x = (static_cast<uint64_t>(getpid()) << 32) ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull) ^ t;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(x & 0xFFFFFFFFFFFFull));
  return buf;
}

// A write that the injection hooks may cut short: it lets `allowed` bytes through, then fails;
// and it passes at most the chunk limit on, a short write that succeeds.
ssize_t hooked_write(int fd, const void* data, size_t n) {
  const size_t chunk = g_max_chunk.load();
  if (chunk > 0 && n > chunk) n = chunk;
  int64_t left = g_fail_after.load();
  if (left >= 0) {
    if (left == 0) {
      errno = ENOSPC;
      return -1;
    }
    if (static_cast<uint64_t>(left) < n) n = static_cast<size_t>(left);
    g_fail_after.store(left - static_cast<int64_t>(n));
  }
  return ::write(fd, data, n);
}

// The pid in `name` if it is exactly temp_prefix + "<decimal pid>-<12 lowercase hex digits>", else -1.
long temp_owner(const std::string& name, const std::string& prefix) {
  if (name.compare(0, prefix.size(), prefix) != 0) return -1;
  size_t i = prefix.size();
  long pid = 0;
  const size_t digits_start = i;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && i - digits_start < 9) pid = pid * 10 + (name[i++] - '0');
  if (i == digits_start || pid <= 0 || i >= name.size() || name[i] != '-') return -1;
  ++i;
  if (name.size() - i != 12) return -1;
  for (; i < name.size(); ++i)
    if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f'))) return -1;
  return pid;
}

// A save killed between creating its temporary file and the rename (SIGKILL, a power cut) leaves
// that file behind; nothing can run in the killed process to remove it. The next save of the same
// target removes such leftovers: regular files of exactly our naming pattern for this target whose
// process no longer exists. A live process's file (a save in progress, this process's own) is kept.
void remove_stale_temps(const std::string& path) {
  const std::string folder = folder_of(path), prefix = temp_prefix(path);
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) return;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    const long pid = temp_owner(name, prefix);
    if (pid < 0 || pid == static_cast<long>(getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    const std::string full = folder + "/" + name;
    struct stat st;
    if (::lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(full.c_str());
  }
  ::closedir(dir);
}

}  // namespace

void file_write_fail_after(int64_t bytes) { g_fail_after.store(bytes < 0 ? -1 : bytes); }
void file_write_max_chunk(size_t bytes) { g_max_chunk.store(bytes); }

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), shown_(printable_path(path_)) {}

AtomicFile::~AtomicFile() {
  if (!committed_) discard();
}

void AtomicFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

bool AtomicFile::open(std::string* error) {
  auto fail = [&](const std::string& what) {
    if (error) *error = quoted(shown_) + ": " + what;
    return false;
  };
  if (path_.empty()) return fail("no file name given");
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      return fail("is " + file_kind_if_not_regular(path_) + ", not a regular file; cannot save over it");
    char resolved[PATH_MAX];
    if (::realpath(path_.c_str(), resolved)) path_ = resolved;  // replace what a symlink points to
  }
  const std::string folder = folder_of(path_);
  if (::stat(folder.c_str(), &st) != 0) return fail("cannot save: the folder does not exist (" + std::string(std::strerror(errno)) + ")");
  if (!S_ISDIR(st.st_mode)) return fail("cannot save: " + printable_path(folder) + " is not a folder");
  for (int attempt = 0; attempt < 16; ++attempt) {
    temp_path_ = folder + "/" + temp_prefix(path_) + std::to_string(getpid()) + "-" + random_suffix();
    // 0666 and the umask, as a plain fopen would give the file.
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return true;
    if (errno != EEXIST) break;
  }
  const int e = errno;
  temp_path_.clear();
  return fail("cannot save: cannot create a file in " + printable_path(folder) + ": " + std::strerror(e));
}

bool AtomicFile::write(const void* data, size_t n, std::string* error) {
  if (fd_ < 0) {
    if (error) *error = quoted(shown_) + ": write failed: the file is not open";
    return false;
  }
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t got = hooked_write(fd_, p, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      const int e = got < 0 ? errno : EIO;
      discard();
      if (error) *error = quoted(shown_) + ": write failed: " + std::strerror(e) + "; the previous file is unchanged";
      return false;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool AtomicFile::commit(std::string* error) {
  auto fail = [&](const char* step, int e) {
    discard();
    if (error)
      *error = quoted(shown_) + ": " + step + " failed: " + std::strerror(e) + "; the previous file is unchanged";
    return false;
  };
  if (fd_ < 0) return fail("save", EBADF);
  // The data must be on disk before the rename makes it the file: otherwise a power cut could
  // leave the new name pointing at an empty or partial file.
  if (g_fail_after.load() >= 0) return fail("flushing to disk", ENOSPC);
  if (::fsync(fd_) != 0) return fail("flushing to disk", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return fail("closing", errno);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) return fail("renaming over the old file", errno);
  temp_path_.clear();
  committed_ = true;
  // Makes the rename durable. The new file is in place either way, and some file systems do not
  // support fsync on a folder, so a failure here is not reported as a failed save.
  const int dir = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  remove_stale_temps(path_);
  return true;
}

bool write_file_atomically(const std::string& path, const void* data, size_t n, std::string* error) {
  AtomicFile out(path);
  return out.open(error) && out.write(data, n, error) && out.commit(error);
}
