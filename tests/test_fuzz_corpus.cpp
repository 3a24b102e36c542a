// Replays every file of the fuzz seed corpora (tests/fuzz_corpus/<target>/: valid inputs, the
// hostile classes of past findings, and the fuzzers' own findings) through the fuzz targets'
// entry points (fuzz/fuzz_inputs.h), so that CI checks them with g++ and without libFuzzer:
// each file must either be accepted with a self-consistent result or refused with InputError.
// Any other exception fails the test (a crash fails it too, and the sanitizer builds catch
// memory errors on the same inputs).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/fuzz_inputs.h"

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs every file of tests/fuzz_corpus/<target> through `entry`; returns how many were accepted.
int replay(const std::string& target, void (*entry)(const uint8_t*, size_t), int* refused) {
  const fs::path dir = fs::path(LATENTLAB_SOURCE_DIR) / "tests" / "fuzz_corpus" / target;
  REQUIRE_MESSAGE(fs::is_directory(dir), dir.string());
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  int accepted = 0;
  *refused = 0;
  for (const fs::path& file : files) {
    const std::vector<uint8_t> bytes = read_all(file);
    INFO("corpus file " << file.string() << " (" << bytes.size() << " bytes)");
    try {
      entry(bytes.data(), bytes.size());
      ++accepted;
    } catch (const InputError& e) {
      ++*refused;
      CHECK(std::string(e.what()).size() > 0);
    } catch (const std::exception& e) {
      FAIL_CHECK("neither accepted nor InputError: " << std::string(e.what()));
    } catch (...) {
      FAIL_CHECK("neither accepted nor InputError: a non-standard exception");
    }
  }
  MESSAGE(target << ": " << files.size() << " files, " << accepted << " accepted, " << *refused << " refused");
  // Shown to fail: a reader made to crash, to return an inconsistent result or to throw something
  // other than InputError fails this test (tried by hand on a mutated copy of core/).
  return accepted;
}

}  // namespace

// Each corpus holds valid inputs as well as hostile ones: both outcomes must occur, so a reader
// that refuses everything (or accepts everything) fails here too.
TEST_CASE("fuzz corpus: IDX files") {
  int refused = 0;
  const int accepted = replay("idx", fuzz_inputs::idx, &refused);
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("fuzz corpus: CSV files") {
  int refused = 0;
  const int accepted = replay("csv", fuzz_inputs::csv, &refused);
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("fuzz corpus: image files") {
  int refused = 0;
  replay("image", fuzz_inputs::image, &refused);
  CHECK(refused == 0);  // image_decode reports bad bytes in DecodedImage::error, never by throwing
  // The outcomes: the small valid PNGs decode; other formats named .png, header-only and truncated
  // files do not.
  const fs::path dir = fs::path(LATENTLAB_SOURCE_DIR) / "tests" / "fuzz_corpus" / "image";
  for (const char* name : {"gray-4x3.png", "rgb-2x2.png"}) {
    const std::vector<uint8_t> bytes = read_all(dir / name);
    CHECK_MESSAGE(image_decode(bytes.data(), bytes.size(), 1).ok(), name);
  }
  for (const char* name : {"disguised-pnm.png", "disguised-hdr.png", "disguised-psd.png", "disguised-gif.png",
                           "header-only.png", "no-iend.png", "jpeg-header-only.png", "empty.png",
                           // stb shifts by 32 on it (README, "Fuzzing"), then fails: its pixels never show
                           "finding-stb-jpeg-bit-reader-shift-32.jpg"}) {
    const std::vector<uint8_t> bytes = read_all(dir / name);
    CHECK_MESSAGE(!image_decode(bytes.data(), bytes.size(), 1).ok(), name);
  }
}

TEST_CASE("fuzz corpus: .llnet network files") {
  int refused = 0;
  const int accepted = replay("model", fuzz_inputs::model, &refused);
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("fuzz corpus: safetensors files") {
  int refused = 0;
  const int accepted = replay("safetensors", fuzz_inputs::safetensors, &refused);
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

// The valid sessions are accepted here only with their checksum intact (this build checks it).
TEST_CASE("fuzz corpus: .llsession files") {
  int refused = 0;
  const int accepted = replay("session", fuzz_inputs::session, &refused);
  CHECK(accepted > 0);
  CHECK(refused > 0);
}
