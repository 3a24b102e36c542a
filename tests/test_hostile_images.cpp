// Hostile image files, built here byte by byte: other formats stb_image knows (PNM, HDR, PSD,
// GIF) behind .png/.jpg names, header-only files, truncated PNG and JPEG at every length, a zlib
// bomb, headers claiming huge sizes, too many JPEG scans, random corruption, FIFOs in an image
// folder. Checks image_decode (the one entry point for outside image bytes) directly, then the
// folder loader: every bad file skipped and named with its reason, good files loaded, and the
// split stratified per label. An alarm fails the test if anything hangs.
#include <doctest/doctest.h>

#include "test_files.h"
#include <stb_image_write.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "data_images.h"
#include "dataset.h"
#include "errors.h"
#include "image_decode.h"
#include "rng.h"


namespace {

Bytes text_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

void append_to(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

Bytes png_of(int w, int h, int comp, const Bytes& pixels) {
  Bytes out;
  REQUIRE(stbi_write_png_to_func(append_to, &out, w, h, comp, pixels.data(), w * comp));
  return out;
}

Bytes jpeg_of(int w, int h, int comp, const Bytes& pixels) {
  Bytes out;
  REQUIRE(stbi_write_jpg_to_func(append_to, &out, w, h, comp, pixels.data(), 90));
  return out;
}

// A gradient with some noise, so the compressed data is not trivial.
Bytes test_pixels(int w, int h, int comp, uint64_t seed) {
  Bytes p(static_cast<size_t>(w) * h * comp);
  Rng rng(seed);
  for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>((i * 3 + rng.below(16)) & 255);
  return p;
}

void put_chunk(Bytes& png, const char* type, const Bytes& data) {
  put_u32(png, static_cast<uint32_t>(data.size()));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put_u32(png, static_cast<uint32_t>(crc32(0, png.data() + start, static_cast<uInt>(png.size() - start))));
}

// A PNG made of its parts, with correct CRCs: IHDR, then IDAT (unless empty), then IEND.
Bytes png_from_parts(uint32_t w, uint32_t h, int depth, int color, const Bytes& idat) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  put_u32(ihdr, w);
  put_u32(ihdr, h);
  ihdr.insert(ihdr.end(), {static_cast<uint8_t>(depth), static_cast<uint8_t>(color), 0, 0, 0});
  put_chunk(png, "IHDR", ihdr);
  if (!idat.empty()) put_chunk(png, "IDAT", idat);
  put_chunk(png, "IEND", {});
  return png;
}

Bytes zlib_of(const Bytes& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  Bytes out(size);
  REQUIRE(compress2(out.data(), &size, raw.data(), static_cast<uLong>(raw.size()), 9) == Z_OK);
  out.resize(size);
  return out;
}

std::string decode_error(const Bytes& b, int channels = 1) { return image_decode(b.data(), b.size(), channels).error; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The disguised files of the issue: real headers of other formats stb_image would sniff.
struct Disguised {
  const char* name;
  Bytes bytes;
  const char* format_in_message;
};
std::vector<Disguised> disguised_files() {
  Bytes psd = text_bytes("8BPS");
  psd.insert(psd.end(), {0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4, 0, 8, 0, 3});
  return {
      {"pgm.png", text_bytes("P5\n4 4\n255\n"), "PNM"},
      {"hdr.jpg", text_bytes("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 +X 4\n"), "Radiance HDR"},
      {"psd.png", psd, "Photoshop"},
      {"gif.jpg", text_bytes(std::string("GIF89a\x04\x00\x04\x00\x80\x00\x00", 13)), "GIF"},
  };
}

}  // namespace

TEST_CASE("image_decode: only real, complete PNG and JPEG are decoded") {
  alarm(300);  // a hang fails the test instead of blocking the suite
  const Bytes gray = test_pixels(13, 7, 1, 1), rgb = test_pixels(13, 7, 3, 2);

  SUBCASE("good files decode to the requested channels, pixel for pixel for PNG") {
    DecodedImage a = image_decode(png_of(13, 7, 1, gray).data(), png_of(13, 7, 1, gray).size(), 1);
    REQUIRE_MESSAGE(a.ok(), a.error);
    CHECK(a.width == 13);
    CHECK(a.height == 7);
    CHECK(a.pixels == gray);
    const Bytes rgb_png = png_of(13, 7, 3, rgb);
    DecodedImage b = image_decode(rgb_png.data(), rgb_png.size(), 3);
    REQUIRE_MESSAGE(b.ok(), b.error);
    CHECK(b.pixels == rgb);
    const Bytes jpg = jpeg_of(13, 7, 3, rgb);
    DecodedImage c = image_decode(jpg.data(), jpg.size(), 3);
    REQUIRE_MESSAGE(c.ok(), c.error);
    CHECK(c.pixels.size() == 13u * 7 * 3);
    // Bytes after EOI (some cameras append data) are allowed.
    Bytes padded = jpg;
    padded.insert(padded.end(), 100, 0);
    CHECK(decode_error(padded, 3) == "");
  }

  SUBCASE("other formats behind a PNG/JPEG name never reach stb, and are named") {
    for (const Disguised& d : disguised_files()) {
      const std::string why = decode_error(d.bytes);
      CAPTURE(d.name);
      CHECK(contains(why, "not a PNG or JPEG"));
      CHECK(contains(why, d.format_in_message));
    }
    CHECK(decode_error({}) == "empty file");
    CHECK(contains(decode_error(text_bytes("this is not an image")), "not a PNG or JPEG"));
  }

  SUBCASE("a PNG or JPEG cut at any length is refused") {
    const Bytes png = png_of(13, 7, 3, rgb), jpg = jpeg_of(13, 7, 3, rgb);
    for (size_t len = 0; len < png.size(); ++len) {
      CAPTURE(len);
      CHECK(!image_decode(png.data(), len, 3).ok());
    }
    for (size_t len = 0; len < jpg.size(); ++len) {
      CAPTURE(len);
      CHECK(!image_decode(jpg.data(), len, 3).ok());
    }
    CHECK(contains(decode_error(Bytes(png.begin(), png.begin() + png.size() / 2)), "truncated"));
    const std::string cut_jpeg = decode_error(Bytes(jpg.begin(), jpg.end() - 2));
    CHECK(contains(cut_jpeg, "truncated"));
    CHECK(contains(cut_jpeg, "FFD9"));
  }

  SUBCASE("header-only files: a PNG with no IDAT, a PNG whose IDAT holds too little, a JPEG with no scan") {
    CHECK(contains(decode_error(png_from_parts(4, 4, 8, 0, {})), "truncated: no image data"));
    const Bytes raw(4 * (1 + 4), 1);  // 4 rows of a filter byte (1, "sub") and 4 pixels
    CHECK(decode_error(png_from_parts(4, 4, 8, 0, zlib_of(raw))) == "");
    const std::string short_data = decode_error(png_from_parts(4, 4, 8, 0, zlib_of(Bytes(raw.begin(), raw.end() - 5))));
    CHECK(contains(short_data, "truncated: its image data holds 15 of the 20 bytes"));
    // The first segments of a real JPEG, up to its frame header, then EOI.
    const Bytes jpg = jpeg_of(13, 7, 1, gray);
    size_t sos = 2;
    while (!(jpg[sos] == 0xFF && jpg[sos + 1] == 0xDA)) ++sos;
    Bytes head(jpg.begin(), jpg.begin() + sos);
    CHECK(contains(decode_error(head), "truncated"));
    head.insert(head.end(), {0xFF, 0xD9});
    CHECK(contains(decode_error(head), "before any image data"));
  }

  SUBCASE("sizes from IHDR and SOF are checked against the limits before stb allocates") {
    const std::string huge = decode_error(png_from_parts(100000, 100000, 8, 2, zlib_of(Bytes(16, 0))));
    CHECK(contains(huge, "100000x100000 is beyond the limit of 8192 per side"));
    const std::string deep = decode_error(png_from_parts(8192, 8192, 16, 6, zlib_of(Bytes(16, 0))), 4);
    CHECK(contains(deep, "8192x8192 needs about"));
    CHECK(contains(deep, "over the per-image budget of 1024 MiB"));
    // A JPEG whose frame header claims 60000 x 50000.
    Bytes jpg = jpeg_of(13, 7, 1, gray);
    size_t sof = 2;
    while (!(jpg[sof] == 0xFF && jpg[sof + 1] == 0xC0)) ++sof;
    jpg[sof + 5] = 0xC3, jpg[sof + 6] = 0x50;  // height 50000
    jpg[sof + 7] = 0xEA, jpg[sof + 8] = 0x60;  // width 60000
    CHECK(contains(decode_error(jpg), "60000x50000 is beyond the limit of 8192 per side"));
    // Lossless JPEG (SOF3) is not something stb decodes.
    jpg[sof + 1] = 0xC3;
    CHECK(contains(decode_error(jpg), "unsupported JPEG kind"));
  }

  SUBCASE("a zlib bomb in IDAT is refused before stb grows its buffer") {
    const std::string why = decode_error(png_from_parts(1, 1, 8, 0, zlib_of(Bytes(8 << 20, 0))));
    CHECK(contains(why, "inflates to more than the 2 bytes that 1x1 needs"));
  }

  SUBCASE("a progressive JPEG with more scans than kJpegMaxScans is refused") {
    Bytes jpg = {0xFF, 0xD8, 0xFF, 0xC2, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0};
    for (int s = 0; s <= kJpegMaxScans; ++s) jpg.insert(jpg.end(), {0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0x55});
    jpg.insert(jpg.end(), {0xFF, 0xD9});
    CHECK(contains(decode_error(jpg), "more than " + std::to_string(kJpegMaxScans) + " scans"));
  }

  SUBCASE("random corruption: a decoded image always has its header's size, nothing crashes") {
    const Bytes png = png_of(13, 7, 3, rgb), jpg = jpeg_of(13, 7, 3, rgb);
    Rng rng(7);
    int decoded = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
      Bytes b = round % 2 ? png : jpg;
      const int flips = 1 + rng.below(4);
      for (int k = 0; k < flips; ++k) b[rng.below(static_cast<int>(b.size()))] ^= static_cast<uint8_t>(1 + rng.below(255));
      DecodedImage img = image_decode(b.data(), b.size(), 3);
      if (img.ok()) {
        ++decoded;
        CHECK(img.pixels.size() == static_cast<size_t>(img.width) * img.height * 3);
      } else {
        ++refused;
        CHECK(!img.error.empty());
      }
    }
    MESSAGE("random corruption: " << decoded << " decoded, " << refused << " refused");
    CHECK(refused > 0);
  }
  alarm(0);
}

TEST_CASE("an image folder with hostile files: each skipped and named with its reason, the rest loads, split stratified") {
  alarm(300);
  const fs::path dir = temp_dir("folder");
  fs::create_directories(dir / "cats");
  fs::create_directories(dir / "dogs");
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(10 + i);
    write_file(dir / "cats" / ("cat" + n + ".png"), png_of(20, 16, 1, Bytes(20 * 16, 40)));
    write_file(dir / "dogs" / ("dog" + n + ".jpg"), jpeg_of(16, 20, 3, Bytes(16 * 20 * 3, 220)));
  }
  struct Bad {
    fs::path path;
    std::string shown, reason;
  };
  std::vector<Bad> bad;
  for (const Disguised& d : disguised_files()) {
    write_file(dir / "cats" / d.name, d.bytes);
    bad.push_back({dir / "cats" / d.name, std::string("cats/") + d.name, d.format_in_message});
  }
  const Bytes good_png = png_of(20, 16, 1, Bytes(20 * 16, 40));
  write_file(dir / "cats" / "cut.png", Bytes(good_png.begin(), good_png.begin() + good_png.size() - 20));
  bad.push_back({dir / "cats" / "cut.png", "cats/cut.png", "truncated"});
  write_file(dir / "dogs" / "header_only.png", png_from_parts(16, 16, 8, 0, {}));
  bad.push_back({dir / "dogs" / "header_only.png", "dogs/header_only.png", "no image data"});
  write_file(dir / "dogs" / "huge.png", png_from_parts(100000, 100000, 8, 2, zlib_of(Bytes(16, 0))));
  bad.push_back({dir / "dogs" / "huge.png", "dogs/huge.png", "100000x100000 is beyond the limit of 8192 per side"});
  write_file(dir / "dogs" / "bad\xff\x01name.jpg", text_bytes("junk"));
  bad.push_back({dir / "dogs" / "bad\xff\x01name.jpg", "dogs/bad\\xff\\x01name.jpg", "not a PNG or JPEG"});
  // FIFOs: one inside a label folder, one among the folder's own entries. Opening either with a
  // blocking read would hang here for good.
  REQUIRE(mkfifo((dir / "cats" / "x.png").c_str(), 0600) == 0);
  bad.push_back({dir / "cats" / "x.png", "cats/x.png", "is a FIFO (named pipe), not a regular file"});
  REQUIRE(mkfifo((dir / "pipe.png").c_str(), 0600) == 0);
  bad.push_back({dir / "pipe.png", "pipe.png", "is a FIFO (named pipe), not a regular file"});

  DataSpec spec;
  spec.source = dir.string();
  spec.image_size = 8;
  spec.seed = 5;
  const Dataset d = load_dataset(spec);
  std::string all;
  for (const std::string& w : d.warnings) all += w + "\n";
  CAPTURE(all);
  CHECK(d.count == 24);
  CHECK(d.label_names == std::vector<std::string>({"cats", "dogs"}));
  CHECK(contains(all, std::to_string(bad.size()) + " of " + std::to_string(24 + bad.size()) +
                          " image files skipped; 24 loaded"));
  for (const Bad& b : bad) {
    CAPTURE(b.shown);
    CHECK(contains(all, "skipped " + b.shown + ": "));
    // The reason on the same line as the name.
    const size_t at = all.find("skipped " + b.shown + ": ");
    if (at != std::string::npos) CHECK(contains(all.substr(at, all.find('\n', at) - at), b.reason));
  }
  // Every sample's pixels belong to its label (the reordering moved pixels and labels together).
  for (int i = 0; i < d.count; ++i) {
    CAPTURE(i);
    CHECK(std::abs(int(d.pixels[static_cast<size_t>(i) * 64 + 20]) - (d.labels[i] == 0 ? 40 : 220)) <= 2);
  }

  // 80% of each label trains (9 of 12), so the held-out 6 are 3 cats and 3 dogs.
  auto count_label = [](const Dataset& ds, int first, int last, int label) {
    int n = 0;
    for (int i = first; i < last; ++i) n += ds.labels[i] == label;
    return n;
  };
  CHECK(d.train_count == 18);
  CHECK(d.split_rule == "stratified by label, seed 5: 18 of 24 images train, each label in the same share");
  CHECK(count_label(d, 18, 24, 0) == 3);
  CHECK(count_label(d, 18, 24, 1) == 3);
  // With --train N: N spread over the labels in proportion, the rest held out likewise.
  for (int train : {12, 10, 20}) {
    CAPTURE(train);
    spec.train_count = train;
    const Dataset t = load_dataset(spec);
    CHECK(t.train_count == train);
    CHECK(count_label(t, 0, train, 0) == train / 2);
    CHECK(count_label(t, train, 24, 0) == 12 - train / 2);
    CHECK(count_label(t, train, 24, 1) == 12 - train / 2);
  }
  // The order is seeded: the same seed gives the same order, another seed another one.
  spec.train_count = -1;
  const Dataset again = load_dataset(spec);
  CHECK(again.labels == d.labels);
  CHECK(again.pixels == d.pixels);
  spec.seed = 6;
  const Dataset other = load_dataset(spec);
  CHECK(other.train_count == 18);
  CHECK(count_label(other, 18, 24, 0) == 3);

  // Out of range: the message names the folder.
  spec.train_count = 25;
  try {
    load_dataset(spec);
    FAIL("train 25 of 24 was accepted");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "train count 25 must be 1 to 24"));
    CHECK(contains(e.what(), dir.string()));
  }

  // A folder of nothing but hostile files is an InputError that names the folder and the first file.
  const fs::path only_bad = temp_dir("only_bad");
  for (const Disguised& x : disguised_files()) write_file(only_bad / x.name, x.bytes);
  REQUIRE(mkfifo((only_bad / "y.png").c_str(), 0600) == 0);
  spec.source = only_bad.string();
  try {
    load_dataset(spec);
    FAIL("a folder of hostile files loaded");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "none of the 5 image files could be read"));
    CHECK(contains(e.what(), only_bad.string()));
    CHECK(contains(e.what(), "skipped gif.jpg: not a PNG or JPEG"));
  }
  alarm(0);
}

namespace {

// Raw deflate (no zlib header) of `n` zero bytes, finished: ends with a final block.
Bytes raw_deflate_zeros(size_t n) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  const Bytes zeros(n, 0);
  Bytes out(deflateBound(&z, static_cast<uLong>(n)));
  z.next_in = const_cast<Bytef*>(zeros.data());
  z.avail_in = static_cast<uInt>(n);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// How many bytes `data` inflates to, read as a zlib stream (window_bits 15) or as raw deflate (-15).
uint64_t inflated_size(const Bytes& data, int window_bits) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, window_bits) == Z_OK);
  Bytes out(1 << 20);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  uint64_t total = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    total += out.size() - z.avail_out;
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? total : 0;
}

}  // namespace

TEST_CASE("a CgBI PNG is refused: its image data can be a valid zlib stream and a raw-deflate bomb at once") {
  // After a CgBI chunk stb inflates IDAT as raw deflate. These IDAT bytes, read as zlib, are
  // exactly the 65,792 bytes a 256x256 gray image needs (78 01, a 65,534-byte stored block, the
  // rest); read as raw deflate, the 78 starts a 1-byte stored block, and the zlib block's
  // header (00 fe ff 01 00) becomes another stored block whose payload holds a 48 MB bomb.
  constexpr uint32_t kSide = 256;
  const size_t expected = size_t(kSide) * (kSide + 1);
  Bytes stored_payload = {0, 0, 0xff, 0xff};  // raw view: an empty stored block, then the bomb
  const Bytes bomb = raw_deflate_zeros(size_t(48) << 20);
  stored_payload.insert(stored_payload.end(), bomb.begin(), bomb.end());
  REQUIRE(stored_payload.size() <= 0xFFFE);
  stored_payload.resize(0xFFFE, 0);
  Bytes idat = {0x78, 0x01, 0x00, 0xFE, 0xFF, 0x01, 0x00};
  idat.insert(idat.end(), stored_payload.begin(), stored_payload.end());
  const Bytes rest = raw_deflate_zeros(expected - stored_payload.size());
  idat.insert(idat.end(), rest.begin(), rest.end());
  Bytes image_bytes = stored_payload;
  image_bytes.resize(expected, 0);
  put_u32(idat, static_cast<uint32_t>(adler32(1, image_bytes.data(), static_cast<uInt>(image_bytes.size()))));
  REQUIRE(inflated_size(idat, 15) == expected);
  REQUIRE(inflated_size(idat, -15) > (uint64_t(48) << 20));

  auto png_with = [&]() {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Bytes ihdr;
    put_u32(ihdr, kSide);
    put_u32(ihdr, kSide);
    ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});
    put_chunk(png, "IHDR", ihdr);
    put_chunk(png, "CgBI", {0x50, 0x00, 0x20, 0x02});
    put_chunk(png, "IDAT", idat);
    put_chunk(png, "IEND", {});
    return png;
  };
  // Before the fix this decoded (a black image) after stb had grown its buffer to 64 MB.
  CHECK(contains(decode_error(png_with()), "unsupported: an Apple CgBI PNG"));
}
