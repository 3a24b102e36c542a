// Malformed inputs, each with the error it must produce: IDX files (raw and gzip) truncated at
// several offsets, with wrong magic numbers, mismatched counts, huge dimensions, bad gzip,
// trailing data and mismatched label files; image folders with corrupt or oversized files;
// ragged CSV and CSV with NaN/Inf or text. Every message must name the file. All inputs are
// written to a temporary folder by the test itself.
#include <doctest/doctest.h>

#include "test_files.h"
#include <stb_image_write.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "io/errors.h"


namespace {

// An IDX image file: `count` images of rows x cols, header declaring `declared` images.
Bytes idx_images(uint32_t declared, uint32_t rows, uint32_t cols, uint32_t count, uint8_t type = 0x08) {
  Bytes b = {0, 0, type, 3};
  put_u32(b, declared);
  put_u32(b, rows);
  put_u32(b, cols);
  for (uint32_t i = 0; i < count * rows * cols; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

Bytes idx_labels(uint32_t declared, uint32_t count) {
  Bytes b = {0, 0, 8, 1};
  put_u32(b, declared);
  for (uint32_t i = 0; i < count; ++i) b.push_back(static_cast<uint8_t>(i % 10));
  return b;
}

Bytes head(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + static_cast<long>(std::min(n, b.size()))); }

// Runs `load`, which must throw InputError whose message holds `expected` and names `file`.
void expect_error(const std::function<void()>& load, const std::string& expected, const std::string& file,
                  const std::string& case_name) {
  CAPTURE(case_name);
  std::string message;
  try {
    load();
  } catch (const InputError& e) {
    message = e.what();
  }
  CAPTURE(message);
  REQUIRE_MESSAGE(!message.empty(), "no InputError was thrown");
  CHECK_MESSAGE(message.find(expected) != std::string::npos, "expected: " << expected);
  CHECK_MESSAGE(message.find(file) != std::string::npos, "the message must name the file " << file);
}

Dataset load(const std::string& source, const std::string& labels = "") {
  DataSpec spec;
  spec.source = source;
  spec.labels_path = labels;
  return load_dataset(spec);
}

}  // namespace

TEST_CASE("malformed IDX files: each gives its own clear error naming the file") {
  const fs::path dir = temp_dir("idx");
  const Bytes good = idx_images(5, 4, 3, 5);  // 16-byte header + 60 bytes
  Bytes float_type = idx_images(5, 4, 3, 5, 0x0D);
  Bytes bad_magic = good;
  bad_magic[0] = 0x12, bad_magic[1] = 0x34;
  Bytes huge_count = idx_images(0xFFFFFFFFu, 28, 28, 1);
  Bytes bomb = idx_images(1000, 28, 28, 0);
  bomb.resize(bomb.size() + 20'000'000, 0);  // 20 MB of zeros, well past the 784,000 declared
  Bytes gz_good = gzip(good);
  Bytes gz_bad_crc = gz_good;
  gz_bad_crc[gz_bad_crc.size() - 6] ^= 0xFF;  // inside the CRC-32 of the gzip trailer
  Bytes gz_trailing = gz_good;
  gz_trailing.insert(gz_trailing.end(), {'j', 'u', 'n', 'k'});
  Bytes not_gzip = {0x1f, 0x8b, 0x08, 0x00, 'n', 'o', 't', ' ', 'r', 'e', 'a', 'l', 'l', 'y', '!', '!', '!', '!'};

  struct Case {
    std::string name;
    Bytes bytes;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"empty file", {}, "the file is empty"},
      {"truncated at 2 bytes", head(good, 2), "too short for an IDX header"},
      {"truncated at 9 bytes (in the header)", head(good, 9), "truncated inside the IDX header"},
      {"truncated at 16 bytes (header only)", head(good, 16), "truncated or count mismatch"},
      {"truncated at 40 bytes (mid-data)", head(good, 40), "truncated or count mismatch"},
      {"truncated by one byte", head(good, good.size() - 1), "truncated or count mismatch"},
      {"gzip of a truncated file", gzip(head(good, 40)), "truncated: the header declares"},
      {"gzip cut at 10 bytes", head(gz_good, 10), "truncated"},
      {"gzip cut at half", head(gz_good, gz_good.size() / 2), "truncated"},
      {"gzip cut before its trailer", head(gz_good, gz_good.size() - 4), "truncated gzip stream"},
      {"wrong magic number", bad_magic, "wrong magic number"},
      {"float32 IDX", float_type, "is not supported"},
      {"labels file given as images", idx_labels(5, 5), "looks like a labels file"},
      {"count mismatch: header says 6, data for 5", idx_images(6, 4, 3, 5), "count mismatch"},
      {"count mismatch: header says 4, data for 5", idx_images(4, 4, 3, 5), "trailing data"},
      {"zero images", idx_images(0, 4, 3, 0), "declares 0 items"},
      {"huge dimensions: 100000-pixel rows", idx_images(5, 100000, 3, 0), "huge dimensions"},
      {"huge count in a small raw file", huge_count, "truncated or count mismatch"},
      {"huge count in a small gzip file", gzip(huge_count), "more than a"},
      {"gzip bomb: zeros far past the declared size", gzip(bomb), "trailing data"},
      {"bad gzip: not deflate data", not_gzip, "corrupt gzip data"},
      {"bad gzip: wrong checksum", gz_bad_crc, "corrupt gzip data"},
      {"gzip with trailing junk", gz_trailing, "trailing bytes after the end of the gzip stream"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const fs::path file = dir / ("case" + std::to_string(i) + ".idx");
    write_file(file, cases[i].bytes);
    expect_error([&] { load(file.string()); }, cases[i].expected, file.string(), cases[i].name);
  }

  // The good file itself loads, raw and gzip, with the same bytes.
  write_file(dir / "good.idx", good);
  write_file(dir / "good.idx.gz", gz_good);
  Dataset raw = load((dir / "good.idx").string()), gz = load((dir / "good.idx.gz").string());
  CHECK(raw.count == 5);
  CHECK(raw.width == 3);
  CHECK(raw.height == 4);
  CHECK(raw.pixels == gz.pixels);
  CHECK(raw.pixels == Bytes(good.begin() + 16, good.end()));
}

TEST_CASE("an IDX labels file must match its image file") {
  const fs::path dir = temp_dir("labels");
  write_file(dir / "images.idx", idx_images(5, 4, 3, 5));
  write_file(dir / "four.idx", idx_labels(4, 4));
  write_file(dir / "short.idx", idx_labels(5, 3));
  write_file(dir / "images_as_labels.idx", idx_images(5, 4, 3, 5));
  write_file(dir / "good.idx", idx_labels(5, 5));
  const std::string images = (dir / "images.idx").string();
  expect_error([&] { load(images, (dir / "four.idx").string()); }, "does not match its image file",
               (dir / "four.idx").string(), "4 labels for 5 images");
  expect_error([&] { load(images, (dir / "short.idx").string()); }, "truncated", (dir / "short.idx").string(),
               "labels file shorter than its header");
  expect_error([&] { load(images, (dir / "images_as_labels.idx").string()); }, "looks like an image file",
               (dir / "images_as_labels.idx").string(), "an image file given as labels");
  expect_error([&] { load(images, (dir / "missing.idx").string()); }, "no such file", (dir / "missing.idx").string(),
               "a missing labels file");
  Dataset d = load(images, (dir / "good.idx").string());
  CHECK(d.labels == std::vector<int>({0, 1, 2, 3, 4}));
}

TEST_CASE("an image folder: a corrupt PNG is skipped and named, the rest (PNG and JPEG) loads") {
  const fs::path dir = temp_dir("folder");
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::vector<uint8_t> gray(8 * 8, 200), rgb(6 * 10 * 3, 90);
  REQUIRE(stbi_write_png((dir / "a" / "one.png").c_str(), 8, 8, 1, gray.data(), 8));
  REQUIRE(stbi_write_png((dir / "b" / "two.png").c_str(), 6, 10, 3, rgb.data(), 18));
  REQUIRE(stbi_write_jpg((dir / "b" / "three.JPG").c_str(), 6, 10, 3, rgb.data(), 90));
  // A real PNG cut in half, and a text file that only calls itself a PNG.
  std::ifstream in(dir / "a" / "one.png", std::ios::binary);
  Bytes png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_file(dir / "a" / "cut.png", head(png, png.size() / 2));
  write_text(dir / "b" / "fake.png", "this is not an image");
  // A PNG whose header claims 20000 x 20000: refused from stbi_info alone, never decoded.
  Bytes huge = png;
  for (int k = 0; k < 2; ++k) {  // IHDR width and height sit at bytes 16 and 20
    huge[16 + 4 * k] = 0, huge[17 + 4 * k] = 0, huge[18 + 4 * k] = 0x4E, huge[19 + 4 * k] = 0x20;
  }
  write_file(dir / "b" / "huge.png", huge);
  write_text(dir / "notes.txt", "ignored");

  DataSpec spec;
  spec.source = dir.string();
  spec.image_size = 8;
  Dataset d = load_dataset(spec);
  CHECK(d.count == 3);
  CHECK(d.label_names == std::vector<std::string>({"a", "b"}));
  std::string all;
  for (const std::string& w : d.warnings) all += w + "\n";
  CAPTURE(all);
  CHECK(all.find("a/cut.png") != std::string::npos);
  CHECK(all.find("b/fake.png") != std::string::npos);
  CHECK(all.find("b/huge.png") != std::string::npos);
  CHECK(all.find("beyond the limit") != std::string::npos);
  CHECK(all.find("3 of 6 image files skipped") != std::string::npos);

  const fs::path empty = temp_dir("empty_folder");
  expect_error([&] { load(empty.string()); }, "empty folder", empty.string(), "an empty folder");
  const fs::path only_bad = temp_dir("only_bad");
  write_text(only_bad / "x.png", "nope");
  expect_error([&] { load(only_bad.string()); }, "none of the 1 image files could be read", only_bad.string(),
               "a folder of unreadable files");
}

TEST_CASE("malformed CSV: ragged rows, NaN/Inf and text give the line number") {
  const fs::path dir = temp_dir("csv");
  struct Case {
    std::string name, text, label_column, expected;
  };
  const std::vector<Case> cases = {
      {"ragged row", "a,b,c\n1,2,3\n4,5\n", "", "line 3: ragged row: 2 fields, expected 3"},
      {"too many fields", "1,2\n3,4\n5,6,7\n", "", "line 3: ragged row: 3 fields, expected 2"},
      {"NaN", "x,y\n1,2\n3,nan\n", "", "line 3, column 2: 'nan' is NaN or infinite"},
      {"Inf", "1,2\ninf,4\n", "", "line 2, column 1: 'inf' is NaN or infinite"},
      {"overflow", "1,2\n1e999,4\n", "", "line 2, column 1: '1e999' is beyond the float range"},
      {"text in a data row", "x,y\n1,2\n3,abc\n", "", "line 3, column 2: 'abc' is not a number"},
      {"empty field", "1,2\n3,\n", "", "line 2, column 2: '' is not a number"},
      {"empty file", "", "", "the file is empty"},
      {"blank lines only", "\n\n  \n", "", "only blank lines"},
      {"header only", "a,b\n", "", "a header but no data rows"},
      {"label name not in header", "a,b\n1,2\n", "label", "no column named 'label'"},
      {"label index out of range", "1,2\n3,4\n", "5", "label column 5 does not exist"},
      {"only a label column", "y\n1\n2\n", "y", "no feature columns"},
      {"empty label", "x,y\n1,a\n2,\n", "1", "line 3, column 2: empty label"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const fs::path file = dir / ("case" + std::to_string(i) + ".csv");
    write_text(file, cases[i].text);
    DataSpec spec;
    spec.source = file.string();
    spec.csv_label_column = cases[i].label_column;
    expect_error([&] { load_dataset(spec); }, cases[i].expected, file.string(), cases[i].name);
  }
}

TEST_CASE("bad specs: unknown sources and impossible splits are InputErrors") {
  const fs::path dir = temp_dir("specs");
  write_file(dir / "images.idx", idx_images(5, 4, 3, 5));
  std::vector<uint8_t> px(4, 1);
  REQUIRE(stbi_write_png((dir / "one.png").c_str(), 2, 2, 1, px.data(), 2));
  expect_error([&] { load("no-such-thing"); }, "not a built-in dataset", "no-such-thing", "unknown name");
  expect_error([&] { load((dir / "one.png").string()); }, "a single image is not a dataset", "one.png", "one image");
  DataSpec spec;
  spec.source = (dir / "images.idx").string();
  spec.train_count = 6;
  expect_error([&] { load_dataset(spec); }, "train count 6 must be 1 to 5", "images.idx", "train > count");
  spec.source = "digits";
  spec.train_count = -1;
  spec.count = 2000000;
  expect_error([&] { load_dataset(spec); }, "count 2000000 must be 1 to", "digits", "too many generated");
  spec.count = 100;
  spec.labels_path = "labels.idx";
  expect_error([&] { load_dataset(spec); }, "applies to IDX images", "labels.idx", "labels for a generator");
}

TEST_CASE("every prefix of an IDX file, raw or gzip, and every flipped gzip byte fails cleanly") {
  const fs::path dir = temp_dir("prefixes");
  const Bytes good = idx_images(5, 4, 3, 5);
  const Bytes gz = gzip(good);
  const fs::path file = dir / "cut.idx";
  for (const Bytes* whole : {&good, &gz}) {
    for (size_t n = 0; n < whole->size(); ++n) {
      CAPTURE(n);
      write_file(file, head(*whole, n));
      CHECK_THROWS_AS(load(file.string()), InputError);
    }
  }
  // A damaged gzip byte either fails with InputError or, if zlib cannot tell (a header field
  // such as the timestamp), loads the whole dataset: never a crash, never a partial dataset.
  int loaded = 0, refused = 0;
  for (size_t at = 0; at < gz.size(); ++at) {
    Bytes damaged = gz;
    damaged[at] ^= 0x5A;
    write_file(file, damaged);
    try {
      Dataset d = load(file.string());
      CHECK(d.count == 5);
      CHECK(d.pixels == Bytes(good.begin() + 16, good.end()));
      ++loaded;
    } catch (const InputError&) {
      ++refused;
    }
  }
  MESSAGE("flipped gzip bytes: " << refused << " refused, " << loaded << " harmless (header fields)");
  CHECK(refused > static_cast<int>(gz.size()) / 2);
}
