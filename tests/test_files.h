// What the tests that feed hostile files to the loaders and the CLI all need, written once: a
// fresh temporary folder per case, bytes and text written and read back, big-endian integers for
// IDX and PNG headers, deflate streams (gzip or raw), and the real executable run with its exit
// status, stdout and stderr.
#pragma once
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// <tmp>/latentlab_<test executable>_<pid>/<name>, emptied: each executable and each run has its own.
// The whole <tmp>/latentlab_<test executable>_<pid> goes when the executable ends (a forked child's
// exit leaves it to its parent), so runs of the suite do not pile folders up in /tmp.
inline fs::path temp_dir(const std::string& name) {
  struct RemovedAtExit {
    fs::path root;
    pid_t owner;
    ~RemovedAtExit() {
      std::error_code ignored;
      if (getpid() == owner) fs::remove_all(root, ignored);
    }
  };
  static const RemovedAtExit root{
      fs::temp_directory_path() / ("latentlab_" + std::string(program_invocation_short_name) + "_" + std::to_string(getpid())),
      getpid()};
  const fs::path dir = root.root / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline void write_file(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// IDX and PNG store their integers most significant byte first.
inline void put_u32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// deflate's window_bits for the two framings the tests build: a gzip member, and raw deflate
// (no header or checksum, what PNG's CgBI variant feeds stb).
constexpr int kGzipWindowBits = 16 + MAX_WBITS;
constexpr int kRawDeflateWindowBits = -MAX_WBITS;

// Deflate of `n` bytes: `raw` followed by zeros up to n, streamed so that n may be far larger than
// memory (a bomb of zeros costs its compressed size only). Framed by window_bits (above).
inline Bytes deflate_stream(const Bytes& raw, uint64_t n, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out, zeros(1 << 20, 0), chunk(1 << 16);
  uint64_t fed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && fed < n) {
      const Bytes& src = fed < raw.size() ? raw : zeros;
      const uint64_t off = fed < raw.size() ? fed : 0;
      const uint64_t limit = fed < raw.size() ? raw.size() : n;
      const uint64_t take = std::min<uint64_t>(std::min<uint64_t>(src.size() - off, limit - fed), n - fed);
      z.next_in = const_cast<Bytef*>(src.data() + off);
      z.avail_in = static_cast<uInt>(take);
      fed += take;
    }
    z.next_out = chunk.data();
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = deflate(&z, fed == n ? Z_FINISH : Z_NO_FLUSH);
    REQUIRE(rc != Z_STREAM_ERROR);
    out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - z.avail_out));
  }
  deflateEnd(&z);
  return out;
}

inline Bytes gzip(const Bytes& raw) { return deflate_stream(raw, raw.size(), kGzipWindowBits); }

struct Run {
  int status = -1;  // the exit status; -1 if the process did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};

// `latentlab <args>` through the shell (args are spliced in as written), stderr kept in err_path.
inline Run run_latentlab(const std::string& args, const fs::path& err_path) {
  const std::string cmd = std::string(LATENTLAB_EXE) + " " + args + " 2>" + err_path.string();
  Run r;
  std::FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = read_text(err_path);
  return r;
}
