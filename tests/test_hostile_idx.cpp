// Hostile IDX inputs: a FIFO or a device given as data or labels (refused at once, never read),
// a header whose count would overflow int, a multi-member gzip (valid, must load), and a small
// gzip that declares two 8192x8192 images (refused at the header; the child's peak RSS is
// measured). Loads that could hang or allocate run in a forked child with an alarm.
#include <doctest/doctest.h>

#include "test_files.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "data/data_idx.h"
#include "data/dataset.h"
#include "io/errors.h"


namespace {

Bytes idx_header(uint32_t count, uint32_t rows, uint32_t cols) {
  Bytes b = {0, 0, 8, 3};
  put_u32(b, count);
  put_u32(b, rows);
  put_u32(b, cols);
  return b;
}

// gzip of `n` bytes: `raw` followed by zeros up to n (test_files.h streams it).
Bytes gzip_stream(const Bytes& raw, uint64_t n) { return deflate_stream(raw, n, kGzipWindowBits); }

struct ChildResult {
  bool finished = false;  // exited by itself (not killed by the alarm)
  int exit_code = -1;     // 0: InputError caught; 1: loaded; 2: other exception
  std::string message;
  long peak_rss_kb = 0;
};

// Runs `load` in a child process with a 20-second alarm; the child reports the InputError's message.
ChildResult run_in_child(const std::function<void()>& load) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    alarm(20);
    int code = 1;
    std::string msg;
    try {
      load();
    } catch (const InputError& e) {
      code = 0, msg = e.what();
    } catch (const std::exception& e) {
      code = 2, msg = e.what();
    }
    if (!msg.empty() && write(fds[1], msg.data(), msg.size()) < 0) code = 3;
    _exit(code);
  }
  close(fds[1]);
  ChildResult r;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.message.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  r.finished = WIFEXITED(status);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peak_rss_kb = usage.ru_maxrss;
  return r;
}

Dataset load(const std::string& images, const std::string& labels = "") {
  DataSpec spec;
  spec.source = images;
  spec.labels_path = labels;
  return load_dataset(spec);
}

}  // namespace

TEST_CASE("a FIFO as data or as labels is refused at once, not waited on") {
  const fs::path dir = temp_dir("fifo");
  const std::string fifo = (dir / "pipe.idx").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  Bytes good = idx_header(5, 4, 3);
  good.resize(good.size() + 60, 7);
  write_file(dir / "images.idx", good);

  ChildResult as_data = run_in_child([&] { load(fifo); });
  CHECK(as_data.finished);
  CHECK(as_data.exit_code == 0);
  CHECK(as_data.message.find("is a FIFO (named pipe), not a regular file") != std::string::npos);
  CHECK(as_data.message.find("pipe.idx") != std::string::npos);

  ChildResult as_labels = run_in_child([&] { load((dir / "images.idx").string(), fifo); });
  CHECK(as_labels.finished);
  CHECK(as_labels.exit_code == 0);
  CHECK(as_labels.message.find("is a FIFO (named pipe), not a regular file") != std::string::npos);
  CHECK(as_labels.message.find("labels file") != std::string::npos);
}

TEST_CASE("/dev/zero as data or labels is a character device, not an empty file") {
  Bytes good = idx_header(5, 4, 3);
  good.resize(good.size() + 60, 7);
  const fs::path dir = temp_dir("dev");
  write_file(dir / "images.idx", good);
  for (const bool as_labels : {false, true}) {
    CAPTURE(as_labels);
    ChildResult r = run_in_child([&] {
      if (as_labels) load((dir / "images.idx").string(), "/dev/zero");
      else load("/dev/zero");
    });
    CHECK(r.finished);
    CHECK(r.exit_code == 0);
    CHECK(r.message.find("is a character device, not a regular file") != std::string::npos);
    CHECK(r.message.find("/dev/zero") != std::string::npos);
    CHECK(r.message.find("empty") == std::string::npos);
  }
}

TEST_CASE("a count that would overflow int is refused, never a one-sample split") {
  const fs::path dir = temp_dir("count");
  // Small raw file: 2^31 1x1 images declared, 10 bytes present.
  Bytes raw = idx_header(0x80000000u, 1, 1);
  raw.resize(raw.size() + 10, 1);
  write_file(dir / "raw.idx", raw);
  CHECK_THROWS_WITH_AS(load((dir / "raw.idx").string()), doctest::Contains("truncated or count mismatch"), InputError);

  // A gzip that really holds its declared 600,000,000 one-pixel images (600 MB of zeros in about
  // 600 KB): 600M * 4 overflows int. It passes the length check and must meet the count budget.
  const uint32_t count = 600000000u;
  Bytes header = idx_header(count, 1, 1);
  const Bytes gz = gzip_stream(header, header.size() + uint64_t(count));
  write_file(dir / "many.idx.gz", gz);
  MESSAGE("gzip of 600M one-pixel images: " << gz.size() << " bytes");
  ChildResult r = run_in_child([&] { load((dir / "many.idx.gz").string()); });
  CHECK(r.finished);
  CHECK(r.exit_code == 0);
  CHECK(r.message.find("too many items") != std::string::npos);
  CHECK(r.message.find(std::to_string(kIdxMaxCount)) != std::string::npos);
  CHECK(r.peak_rss_kb < 200 * 1024);
}

TEST_CASE("the default split is the first 80% in file order, computed in 64 bits") {
  const fs::path dir = temp_dir("split");
  Bytes raw = idx_header(10, 2, 2);
  for (int i = 0; i < 40; ++i) raw.push_back(static_cast<uint8_t>(i));
  write_file(dir / "ten.idx", raw);
  Dataset d = load((dir / "ten.idx").string());
  CHECK(d.train_count == 8);
  CHECK(d.split_rule == "first 8 train, rest held out (file order)");
  CHECK(d.pixels[8 * 4] == 32);  // sample 8, the first held out, is the file's ninth image
}

TEST_CASE("a multi-member gzip (header in one member, data in the next) loads like the raw file") {
  const fs::path dir = temp_dir("members");
  Bytes header = idx_header(5, 4, 3), data;
  for (int i = 0; i < 60; ++i) data.push_back(static_cast<uint8_t>(i * 3));
  Bytes raw = header;
  raw.insert(raw.end(), data.begin(), data.end());
  Bytes two = gzip(header);
  const Bytes second = gzip(data);
  two.insert(two.end(), second.begin(), second.end());
  write_file(dir / "two.idx.gz", two);
  Dataset d = load((dir / "two.idx.gz").string());
  CHECK(d.count == 5);
  CHECK(d.pixels == data);
  // The in-memory parser (the fuzz target's entry) takes the same path.
  IdxArray a = idx_parse(two.data(), two.size(), 3, "image file", "two.idx.gz");
  CHECK(a.data == data);
  IdxArray b = idx_parse(raw.data(), raw.size(), 3, "image file", "raw.idx");
  CHECK(b.data == data);
  // An empty third member is still a valid gzip file; junk after the last member is not.
  Bytes three = two;
  const Bytes empty = gzip({});
  three.insert(three.end(), empty.begin(), empty.end());
  CHECK(idx_parse(three.data(), three.size(), 3, "image file", "three").data == data);
  Bytes junk = two;
  junk.push_back('x');
  CHECK_THROWS_WITH_AS(idx_parse(junk.data(), junk.size(), 3, "image file", "junk"),
                       doctest::Contains("trailing bytes after the end of the gzip stream"), InputError);
  // A member cut short is truncated, whichever member it is.
  Bytes cut(two.begin(), two.end() - 3);
  CHECK_THROWS_AS(idx_parse(cut.data(), cut.size(), 3, "image file", "cut"), InputError);
}

TEST_CASE("a gzip bomb of two 8192x8192 images is refused at its header, with a bounded peak RSS") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  MESSAGE("sanitizer build: shadow memory inflates RSS, peak not checked");
  return;
#endif
  const fs::path dir = temp_dir("bomb");
  Bytes header = idx_header(2, 8192, 8192);
  const Bytes gz = gzip_stream(header, header.size() + 2ull * 8192 * 8192);
  write_file(dir / "bomb.idx.gz", gz);
  MESSAGE("bomb: " << gz.size() << " bytes of gzip for " << 2ull * 8192 * 8192 << " bytes of pixels");
  ChildResult r = run_in_child([&] { load((dir / "bomb.idx.gz").string()); });
  CHECK(r.finished);
  CHECK(r.exit_code == 0);
  CHECK(r.message.find("images too large") != std::string::npos);
  CHECK(r.message.find("8192x8192") != std::string::npos);
  MESSAGE("child peak RSS: " << r.peak_rss_kb << " KB");
  CHECK(r.peak_rss_kb < 64 * 1024);
}
