// Hostile inputs through the real executable (LATENTLAB_EXE as a child process): each must end
// with exit status 2 and a message that says what is wrong; warnings about skipped files reach
// stderr on `train`; `datasets --json` stays valid JSON for file names with a 0xff byte and a
// newline (checked by python3's strict json parser); `interpolate` says what is short.
#include <doctest/doctest.h>

#include "test_files.h"
#include <fcntl.h>
#include <stb_image_write.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>


namespace {

Bytes idx_images(uint32_t declared, uint32_t rows, uint32_t cols, uint32_t present) {
  Bytes b = {0, 0, 8, 3};
  put_u32(b, declared);
  put_u32(b, rows);
  put_u32(b, cols);
  for (uint64_t i = 0; i < uint64_t(present) * rows * cols; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

Bytes idx_labels(const std::vector<uint8_t>& labels) {
  Bytes b = {0, 0, 8, 1};
  put_u32(b, static_cast<uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_png(const fs::path& path, int seed) {
  std::vector<uint8_t> px(8 * 8);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 4 + seed * 9);
  REQUIRE(stbi_write_png(path.c_str(), 8, 8, 1, px.data(), 8) != 0);
}

// Runs `program args...` with stdout and stderr in files; kills it after 120 s.
Run run_program(const std::string& program, const std::vector<std::string>& args) {
  static int counter = 0;
  const fs::path dir = temp_dir("runs_" + std::to_string(counter++));
  const fs::path out_file = dir / "out", err_file = dir / "err";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1), dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(program.c_str(), argv.data());
    _exit(127);
  }
  Run r;
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(120)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL("timed out: " << program);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out_file);
  r.err = read_text(err_file);
  return r;
}

Run run_exe(const std::vector<std::string>& args) { return run_program(LATENTLAB_EXE, args); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// True if python3's strict parser accepts `text` as one JSON document.
bool is_valid_json(const std::string& text) {
  const fs::path file = temp_dir("json") / "doc.json";
  write_file(file, Bytes(text.begin(), text.end()));
  Run r = run_program("python3", {"-c", "import json,sys; json.loads(open(sys.argv[1],'rb').read().decode('utf-8'))",
                                  file.string()});
  if (r.status != 0) MESSAGE("python3: " << r.err);
  return r.status == 0;
}

}  // namespace

TEST_CASE("a FIFO or /dev/zero as --data or --labels: status 2 and what it is") {
  const fs::path dir = temp_dir("special");
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  write_file(dir / "images.idx", idx_images(5, 4, 3, 5));
  const std::string images = (dir / "images.idx").string();
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"datasets", "--data", fifo}, "is a FIFO (named pipe), not a regular file"},
      {{"train", "--data", fifo, "--epochs", "1"}, "is a FIFO (named pipe), not a regular file"},
      {{"datasets", "--data", images, "--labels", fifo}, "is a FIFO (named pipe), not a regular file"},
      {{"datasets", "--data", "/dev/zero"}, "is a character device, not a regular file"},
      {{"datasets", "--data", images, "--labels", "/dev/zero"}, "is a character device, not a regular file"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args[2]);
    CAPTURE(c.args.back());
    Run r = run_exe(c.args);
    CHECK(r.status == 2);
    CHECK(contains(r.err, c.expected));
  }
}

TEST_CASE("an IDX count beyond the budget or int: status 2, not a one-sample split") {
  const fs::path dir = temp_dir("count");
  write_file(dir / "huge.idx", idx_images(0x80000000u, 1, 1, 10));
  Run r = run_exe({"train", "--data", (dir / "huge.idx").string(), "--epochs", "1"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "count mismatch"));
  CHECK(!contains(r.out, "1 train"));
}

// Under ASan the limit below would stop its shadow memory, not our allocation: the normal build checks it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("not enough memory for an input within every budget: a clear message, status 2, no internal error") {
  // 400 images of 1024x1024 (the per-image limit): a 400 MB payload from a gzip of about 400 KB;
  // the process gets 300 MB of address space.
  const fs::path dir = temp_dir("memory");
  Bytes header{0, 0, 8, 3};
  for (uint32_t v : {400u, 1024u, 1024u}) put_u32(header, v);
  write_file(dir / "big.idx.gz", deflate_stream(header, header.size() + 400ull * 1024 * 1024, kGzipWindowBits));
  Run r = run_program("/bin/sh", {"-c", "ulimit -v 300000 && exec \"$0\" datasets --data \"$1\"", LATENTLAB_EXE,
                                  (dir / "big.idx.gz").string()});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "not enough memory"));
  CHECK(!contains(r.err, "internal error"));
}
#endif

TEST_CASE("datasets --png of large images: refused before allocating, status 2") {
  const fs::path dir = temp_dir("png");
  write_file(dir / "big.idx", idx_images(1, 1024, 1024, 1));
  Run r = run_exe({"datasets", "--data", (dir / "big.idx").string(), "--png", (dir / "grid.png").string(),
                   "--grid", "1", "--zoom", "16"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "over the limit of 64 MB"));
  CHECK(!fs::exists(dir / "grid.png"));
  // The same file at zoom 1 fits and is written.
  Run ok = run_exe({"datasets", "--data", (dir / "big.idx").string(), "--png", (dir / "grid.png").string(), "--grid", "1"});
  CHECK(ok.status == 0);
  CHECK(fs::exists(dir / "grid.png"));
  CHECK(contains(ok.out, "split     first 1 train, rest held out (file order)"));
}

TEST_CASE("train on a folder with one bad file prints the warning on stderr, once") {
  const fs::path dir = temp_dir("warn") / "folder";
  fs::create_directories(dir);
  for (int i = 0; i < 10; ++i) write_png(dir / ("img" + std::to_string(i) + ".png"), i);
  write_file(dir / "broken.png", Bytes{'n', 'o', 't', ' ', 'a', ' ', 'p', 'n', 'g'});
  Run r = run_exe({"train", "--data", dir.string(), "--image-size", "8", "--epochs", "1", "--hidden", "8",
                   "--latent", "2", "--batch", "4"});
  CHECK(r.status == 0);
  const std::string warning = "latentlab: warning: ";
  CHECK(contains(r.err, warning));
  CHECK(contains(r.err, "broken.png"));
  const size_t first = r.err.find("broken.png");
  CHECK(r.err.find("broken.png", first + 1) == std::string::npos);
}

TEST_CASE("datasets --json stays valid JSON for names with a 0xff byte and a newline") {
  const fs::path root = temp_dir("names");
  const std::string odd = std::string("odd\xff") + "\nname\"q\\";
  const fs::path folder = root / odd;
  fs::create_directories(folder / ("class" + std::string("\xfe\x01")));
  for (int i = 0; i < 6; ++i) write_png(folder / ("class" + std::string("\xfe\x01")) / ("i" + std::to_string(i) + ".png"), i);
  write_file(folder / ("bad" + std::string("\xff") + ".png"), Bytes{'x', 'y', 'z'});
  Run r = run_exe({"datasets", "--data", folder.string(), "--image-size", "8", "--json"});
  CHECK(r.status == 0);
  CHECK(is_valid_json(r.out));
  CHECK(contains(r.out, "odd\\\\xff\\u000aname\\\"q\\\\"));

  const fs::path csv = root / (odd + ".csv");
  std::ofstream(csv) << "a,b\n0.1,0.2\n0.3,0.4\n0.5,0.6\n0.7,0.8\n0.9,1.0\n";
  Run c = run_exe({"datasets", "--data", csv.string(), "--json"});
  CHECK(c.status == 0);
  CHECK(is_valid_json(c.out));

  // An error message names the file printably: no raw newline cuts it in two.
  Run missing = run_exe({"datasets", "--data", (root / (odd + ".idx")).string()});
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "odd\\xff\\x0aname"));
  CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);
}

TEST_CASE("interpolate with too few held-out samples says how many, and blames no label rule") {
  const fs::path dir = temp_dir("interp");
  write_file(dir / "five.idx", idx_images(5, 4, 3, 5));
  write_file(dir / "labels.idx", idx_labels({0, 1, 2, 3, 4}));
  const std::string images = (dir / "five.idx").string(), labels = (dir / "labels.idx").string();
  const std::vector<std::string> quick = {"--epochs", "0", "--batch", "1", "--hidden", "4", "--latent", "2"};
  std::vector<std::string> args = {"interpolate", "--data", images, "--train", "4"};
  args.insert(args.end(), quick.begin(), quick.end());
  Run r = run_exe(args);
  CHECK(r.status == 2);
  CHECK(contains(r.err, "1 held-out sample"));
  CHECK(contains(r.err, "at least 2"));
  CHECK(!contains(r.err, "label rule"));

  // Two held-out samples with different labels and --same-label: now the rule is what is short.
  args = {"interpolate", "--data", images, "--labels", labels, "--train", "3", "--same-label", "--pairs", "3"};
  args.insert(args.end(), quick.begin(), quick.end());
  Run rule = run_exe(args);
  CHECK(rule.status == 2);
  CHECK(contains(rule.err, "--same-label"));
  CHECK(contains(rule.err, "2 held-out samples"));
}
