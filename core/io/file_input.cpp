// See file_input.h.
#include "io/file_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/errors.h"

namespace {

std::string quoted(const std::string& path) { return "'" + printable_path(path) + "'"; }

std::string kind_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string printable_path(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  auto hex = [&out](unsigned char c) {
    static const char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[c >> 4];
    out += digits[c & 15];
  };
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x20 || c == 0x7f) { hex(c); ++i; continue; }
    if (c < 0x80) { out += static_cast<char>(c); ++i; continue; }
    // A well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF) is kept whole.
    int len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (int k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xc0) == 0x80;
    if (ok && len == 3) {
      if (c == 0xe0 && p[i + 1] < 0xa0) ok = false;
      if (c == 0xed && p[i + 1] >= 0xa0) ok = false;
    }
    if (ok && len == 4) {
      if (c == 0xf0 && p[i + 1] < 0x90) ok = false;
      if (c == 0xf4 && p[i + 1] >= 0x90) ok = false;
    }
    if (!ok) { hex(c); ++i; continue; }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

std::string file_kind_if_not_regular(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw InputError(quoted(path) + ": cannot open: " + std::strerror(errno));
  return kind_of_mode(st.st_mode);
}

std::FILE* open_regular_file(const std::string& path, const char* what, uint64_t* size_out) {
  const std::string kind = file_kind_if_not_regular(path);
  if (!kind.empty())
    throw InputError(quoted(path) + ": is " + kind + ", not a regular file; give a " + what + " on disk");
  // O_NONBLOCK: if the path was swapped for a FIFO after the check, open returns at once
  // instead of waiting for a writer; fstat below then refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw InputError(quoted(path) + ": cannot open the " + what + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(quoted(path) + ": is not a regular file; give a " + std::string(what) + " on disk");
  }
  // Back to blocking reads: regular files ignore O_NONBLOCK, but be explicit.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::FILE* f = fdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    throw InputError(quoted(path) + ": cannot open the " + what + ": " + std::strerror(errno));
  }
  if (size_out) *size_out = static_cast<uint64_t>(st.st_size);
  return f;
}

std::vector<uint8_t> read_regular_file(const std::string& path, const char* what, uint64_t max_bytes) {
  uint64_t size = 0;
  std::FILE* f = open_regular_file(path, what, &size);
  if (size > max_bytes) {
    std::fclose(f);
    throw InputError(quoted(path) + ": the " + what + " is " + std::to_string(size) + " bytes, over the limit of " +
                     std::to_string(max_bytes) + " bytes");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  const size_t got = size ? std::fread(bytes.data(), 1, bytes.size(), f) : 0;
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error || got != bytes.size())
    throw InputError(quoted(path) + ": cannot read the " + what + " (it changed size or a read failed)");
  return bytes;
}
