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

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "data/data_images.h"
#include "data/dataset.h"
#include "io/errors.h"
#include "data/image_decode.h"
#include "nn/rng.h"


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
    jpg.insert(jpg.end(), {0xFF, 0xC4, 0, 20, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});  // DC table 0
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

namespace {

// Two JPEG kinds stb_image_write cannot make, written once with libjpeg 2.1.5 (not a dependency
// of the project; the bytes are kept here): a 24x16 colour pattern, quality 90, 4:2:0,
// jpeg_simple_progression (10 scans, DC and AC refinement), a restart marker after every MCU;
// and the same pattern in gray, baseline, a restart marker after every MCU.
const uint8_t kProgressiveRestartJpeg[] = {
    0xff,0xd8,0xff,0xe0,0x00,0x10,0x4a,0x46,0x49,0x46,0x00,0x01,0x01,0x00,0x00,0x01,0x00,0x01,0x00,0x00,
    0xff,0xdb,0x00,0x43,0x00,0x03,0x02,0x02,0x03,0x02,0x02,0x03,0x03,0x03,0x03,0x04,0x03,0x03,0x04,0x05,
    0x08,0x05,0x05,0x04,0x04,0x05,0x0a,0x07,0x07,0x06,0x08,0x0c,0x0a,0x0c,0x0c,0x0b,0x0a,0x0b,0x0b,0x0d,
    0x0e,0x12,0x10,0x0d,0x0e,0x11,0x0e,0x0b,0x0b,0x10,0x16,0x10,0x11,0x13,0x14,0x15,0x15,0x15,0x0c,0x0f,
    0x17,0x18,0x16,0x14,0x18,0x12,0x14,0x15,0x14,0xff,0xdb,0x00,0x43,0x01,0x03,0x04,0x04,0x05,0x04,0x05,
    0x09,0x05,0x05,0x09,0x14,0x0d,0x0b,0x0d,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,
    0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,
    0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0x14,0xff,0xc2,
    0x00,0x11,0x08,0x00,0x10,0x00,0x18,0x03,0x01,0x22,0x00,0x02,0x11,0x01,0x03,0x11,0x01,0xff,0xc4,0x00,
    0x18,0x00,0x00,0x03,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x05,
    0x06,0x04,0x07,0xff,0xc4,0x00,0x15,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x06,0x03,0xff,0xdd,0x00,0x04,0x00,0x01,0xff,0xda,0x00,0x0c,0x03,0x01,0x00,0x02,
    0x10,0x03,0x10,0x00,0x00,0x01,0x4f,0xd0,0x30,0xb8,0xa1,0xdf,0xff,0xd0,0xa9,0x21,0x83,0x8f,0xbf,0xff,
    0xc4,0x00,0x1a,0x10,0x00,0x02,0x02,0x03,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x03,0x04,0x02,0x05,0x00,0x01,0x13,0xff,0xda,0x00,0x08,0x01,0x01,0x00,0x01,0x05,0x02,0xaa,0xae,0x87,
    0x3f,0xff,0xd0,0x5d,0x68,0xeb,0x3f,0xff,0xd1,0x75,0xf1,0xad,0x9f,0xff,0xd2,0xaf,0x0e,0xb9,0xff,0x00,
    0xff,0xd3,0x3c,0xca,0x28,0xff,0x00,0xff,0xd4,0xb7,0x68,0x33,0x3f,0xff,0xc4,0x00,0x1b,0x11,0x00,0x02,
    0x03,0x00,0x03,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x03,0x00,0x02,0x04,0x05,
    0x41,0xb1,0xff,0xda,0x00,0x08,0x01,0x03,0x01,0x01,0x3f,0x01,0xca,0x82,0xfb,0x8a,0x89,0xff,0xd0,0xc5,
    0x8b,0x8f,0xc6,0x8a,0x8d,0x2c,0x0b,0xb1,0xe8,0x90,0x3d,0x9f,0xff,0xc4,0x00,0x22,0x11,0x00,0x00,0x03,
    0x07,0x05,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x02,0x03,0x00,0x04,0x05,0x06,
    0x11,0x31,0x61,0x12,0x13,0x21,0x32,0xf0,0xff,0xda,0x00,0x08,0x01,0x02,0x01,0x01,0x3f,0x01,0x98,0x62,
    0xa6,0x72,0x20,0x22,0x97,0x73,0x66,0xd9,0xa5,0xe8,0xdf,0xff,0xd0,0x71,0x84,0x99,0x54,0xb7,0x14,0xd4,
    0x26,0x1b,0xfb,0x96,0xff,0xc4,0x00,0x24,0x10,0x00,0x02,0x01,0x03,0x03,0x03,0x05,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x01,0x02,0x11,0x00,0x03,0x12,0x13,0x22,0x31,0x21,0x32,0x91,0x41,0x42,0x51,
    0x61,0xf1,0xff,0xda,0x00,0x08,0x01,0x01,0x00,0x06,0x3f,0x02,0x5d,0xa0,0xb1,0x15,0xff,0xd0,0x4d,0xa0,
    0x7d,0xc5,0x7f,0xff,0xd1,0x7b,0x4c,0x31,0x1c,0x64,0x18,0x65,0xc7,0x58,0xf8,0x20,0x75,0xfd,0x59,0xff,
    0xd2,0x5d,0xad,0xc0,0xf4,0xaf,0xff,0xd3,0x1a,0x66,0xd2,0xdc,0xc4,0xb0,0xd5,0xec,0x81,0x13,0x3e,0x6b,
    0xff,0xd4,0x50,0x8a,0xa5,0x6d,0x2f,0xb1,0xb2,0x50,0x27,0x8e,0xd0,0x63,0xc8,0xaf,0xff,0xc4,0x00,0x1e,
    0x10,0x01,0x01,0x00,0x03,0x00,0x01,0x05,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x11,0x00,
    0x21,0x31,0x41,0x51,0x71,0x91,0xf0,0xf1,0xff,0xda,0x00,0x08,0x01,0x01,0x00,0x01,0x3f,0x21,0xb3,0x68,
    0x1b,0xdf,0xdf,0xce,0xdc,0xff,0xd0,0x88,0x9a,0xdd,0x07,0xce,0x7f,0xff,0xd1,0xe4,0xed,0x60,0xbb,0x77,
    0x58,0xa4,0x7b,0x44,0x29,0x8f,0xff,0xd2,0xaf,0x22,0x03,0xe1,0x67,0x4d,0xe7,0xff,0xd3,0x41,0x4a,0xfb,
    0x78,0x8d,0x1c,0x80,0xcf,0xff,0xd4,0x6d,0x06,0x21,0xf8,0x81,0x50,0x11,0x7d,0x0e,0x40,0x99,0xff,0xda,
    0x00,0x0c,0x03,0x01,0x00,0x02,0x00,0x03,0x00,0x00,0x00,0x10,0x73,0xff,0xd0,0x3b,0xff,0xc4,0x00,0x1b,
    0x11,0x01,0x01,0x00,0x02,0x03,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x11,0x21,
    0x41,0x00,0x31,0x61,0x51,0xff,0xda,0x00,0x08,0x01,0x03,0x01,0x01,0x3f,0x10,0xda,0x43,0x37,0x3d,0x5f,
    0x03,0x2b,0xa3,0x3c,0xff,0xd0,0x07,0x23,0x69,0xf0,0xa5,0x89,0xf9,0x71,0xd2,0xa5,0x40,0x9f,0xff,0xc4,
    0x00,0x19,0x11,0x01,0x01,0x01,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,
    0x11,0x21,0x31,0x41,0x00,0xff,0xda,0x00,0x08,0x01,0x02,0x01,0x01,0x3f,0x10,0x41,0xcf,0x06,0x2c,0x68,
    0xab,0x06,0x2c,0x34,0xbb,0x04,0x7f,0xff,0xd0,0x02,0x5a,0x2b,0x56,0xf9,0x57,0xa4,0x8f,0x72,0xca,0x93,
    0xef,0xff,0xc4,0x00,0x1b,0x10,0x01,0x01,0x01,0x01,0x01,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x01,0x11,0x21,0x31,0x00,0x41,0x51,0x61,0xff,0xda,0x00,0x08,0x01,0x01,0x00,0x01,0x3f,0x10,
    0x86,0x18,0x49,0x11,0x4c,0x03,0xf7,0x47,0x4f,0xb8,0x40,0xf7,0xff,0xd0,0x36,0x2c,0x80,0xc5,0xcd,0x90,
    0x41,0xeb,0x79,0xbf,0x7d,0xff,0xd1,0xad,0x84,0xc1,0x8c,0x88,0x08,0xf6,0x6f,0xb5,0x5f,0xff,0xd2,0x3e,
    0xfc,0xd8,0x60,0x06,0x01,0xa8,0x27,0xf4,0xe9,0x99,0xff,0xd3,0xda,0x1f,0xc9,0xd8,0x75,0x09,0x74,0x2a,
    0x7c,0x19,0xff,0xd4,0x4c,0x2e,0xab,0x58,0x0c,0xf9,0x01,0x14,0x0d,0x43,0xff,0xd9,
};
const uint8_t kBaselineRestartJpeg[] = {
    0xff,0xd8,0xff,0xe0,0x00,0x10,0x4a,0x46,0x49,0x46,0x00,0x01,0x01,0x00,0x00,0x01,0x00,0x01,0x00,0x00,
    0xff,0xdb,0x00,0x43,0x00,0x03,0x02,0x02,0x03,0x02,0x02,0x03,0x03,0x03,0x03,0x04,0x03,0x03,0x04,0x05,
    0x08,0x05,0x05,0x04,0x04,0x05,0x0a,0x07,0x07,0x06,0x08,0x0c,0x0a,0x0c,0x0c,0x0b,0x0a,0x0b,0x0b,0x0d,
    0x0e,0x12,0x10,0x0d,0x0e,0x11,0x0e,0x0b,0x0b,0x10,0x16,0x10,0x11,0x13,0x14,0x15,0x15,0x15,0x0c,0x0f,
    0x17,0x18,0x16,0x14,0x18,0x12,0x14,0x15,0x14,0xff,0xc0,0x00,0x0b,0x08,0x00,0x10,0x00,0x18,0x01,0x01,
    0x11,0x00,0xff,0xc4,0x00,0x1f,0x00,0x00,0x01,0x05,0x01,0x01,0x01,0x01,0x01,0x01,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0xff,0xc4,0x00,0xb5,0x10,
    0x00,0x02,0x01,0x03,0x03,0x02,0x04,0x03,0x05,0x05,0x04,0x04,0x00,0x00,0x01,0x7d,0x01,0x02,0x03,0x00,
    0x04,0x11,0x05,0x12,0x21,0x31,0x41,0x06,0x13,0x51,0x61,0x07,0x22,0x71,0x14,0x32,0x81,0x91,0xa1,0x08,
    0x23,0x42,0xb1,0xc1,0x15,0x52,0xd1,0xf0,0x24,0x33,0x62,0x72,0x82,0x09,0x0a,0x16,0x17,0x18,0x19,0x1a,
    0x25,0x26,0x27,0x28,0x29,0x2a,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x43,0x44,0x45,0x46,0x47,0x48,0x49,
    0x4a,0x53,0x54,0x55,0x56,0x57,0x58,0x59,0x5a,0x63,0x64,0x65,0x66,0x67,0x68,0x69,0x6a,0x73,0x74,0x75,
    0x76,0x77,0x78,0x79,0x7a,0x83,0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x92,0x93,0x94,0x95,0x96,0x97,0x98,
    0x99,0x9a,0xa2,0xa3,0xa4,0xa5,0xa6,0xa7,0xa8,0xa9,0xaa,0xb2,0xb3,0xb4,0xb5,0xb6,0xb7,0xb8,0xb9,0xba,
    0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,0xc8,0xc9,0xca,0xd2,0xd3,0xd4,0xd5,0xd6,0xd7,0xd8,0xd9,0xda,0xe1,0xe2,
    0xe3,0xe4,0xe5,0xe6,0xe7,0xe8,0xe9,0xea,0xf1,0xf2,0xf3,0xf4,0xf5,0xf6,0xf7,0xf8,0xf9,0xfa,0xff,0xdd,
    0x00,0x04,0x00,0x01,0xff,0xda,0x00,0x08,0x01,0x01,0x00,0x00,0x3f,0x00,0xf9,0x33,0xe1,0x4f,0xc3,0xbb,
    0x2f,0xec,0xcb,0x56,0x6b,0x78,0xa5,0xb8,0x92,0x30,0xc4,0xb8,0x0c,0x46,0x47,0x00,0x0f,0x5e,0x41,0xe4,
    0x77,0x5e,0x18,0xb0,0x15,0xff,0xd0,0xc3,0xf0,0x67,0x80,0xe0,0x9a,0x2b,0x18,0x1a,0xce,0x08,0x15,0xee,
    0x14,0x89,0xbc,0x95,0x42,0x13,0x6b,0x92,0x19,0x80,0x00,0xe3,0x83,0x90,0x70,0x41,0x53,0xde,0xbf,0xff,
    0xd1,0xfa,0x0b,0xc0,0x5f,0x0f,0xed,0x17,0xec,0xff,0x00,0x67,0xb2,0x81,0x7d,0x37,0xc4,0x1f,0x1f,0xf5,
    0xd3,0x83,0xe8,0xd9,0xdb,0xf7,0x79,0xfb,0xdb,0x5b,0x1f,0xff,0xd2,0xf3,0x9f,0x86,0x3e,0x1e,0x49,0xad,
    0x2c,0x9a,0x0b,0x2b,0xa9,0x16,0x28,0xa3,0xf3,0x43,0x22,0xec,0x05,0x54,0x06,0x60,0x4b,0x71,0xc0,0x23,
    0x24,0x60,0x8e,0xa0,0xd7,0xff,0xd3,0xf5,0x1f,0x05,0x78,0x72,0x51,0x3e,0x9f,0x75,0x75,0x60,0xe2,0xc0,
    0x3b,0x21,0x64,0x74,0x91,0xe4,0x76,0x46,0x19,0x38,0x6e,0x49,0xfe,0x9f,0x41,0x5f,0xff,0xd4,0xfb,0x0a,
    0xd7,0xc5,0xfe,0x1c,0xf8,0x65,0xa0,0xeb,0x5a,0xbe,0xbd,0x24,0xeb,0x69,0xa3,0x59,0x45,0xa9,0x6a,0x31,
    0xc7,0x03,0x5c,0x5c,0x43,0x6a,0xcc,0xea,0xb7,0x12,0xc1,0x0f,0x99,0x29,0x8b,0x31,0x3e,0x5c,0x28,0x5c,
    0x41,0x21,0x62,0x42,0x31,0x1f,0xff,0xd9,
};

// Where each scan's entropy-coded data lies: [start, end), end at the marker that ends it.
std::vector<std::pair<size_t, size_t>> scan_data_ranges(const Bytes& b) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t i = 2; i + 3 < b.size(); ++i) {
    if (!(b[i] == 0xFF && b[i + 1] == 0xDA)) continue;
    const size_t start = i + 2 + (size_t(b[i + 2]) << 8 | b[i + 3]);
    size_t end = start;
    while (end + 1 < b.size() && !(b[end] == 0xFF && b[end + 1] != 0x00 && (b[end + 1] < 0xD0 || b[end + 1] > 0xD7)))
      end += b[end] == 0xFF ? 2 : 1;
    ranges.emplace_back(start, end);
    i = end - 1;  // the loop's ++i lands on the marker after the data: it may be the next scan's
  }
  return ranges;
}

}  // namespace

// A JPEG cut inside a scan and then ended with EOI has every marker; before this check stb filled
// the rest with what it decoded from zeros (and, cut at a restart marker, left the rest of the
// image unwritten). image_decode counts restart markers against the MCUs and decodes a second
// time with probe bytes after each scan (core/data/image_decode.cpp).
TEST_CASE("image_decode: a JPEG cut inside its image data and then given an EOI (FFD9) is refused") {
  alarm(300);
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"baseline gray (stb)", jpeg_of(64, 48, 1, test_pixels(64, 48, 1, 3))},
      {"baseline colour (stb)", jpeg_of(64, 48, 3, test_pixels(64, 48, 3, 4))},
      {"progressive colour, restart markers (libjpeg)",
       Bytes(kProgressiveRestartJpeg, kProgressiveRestartJpeg + sizeof kProgressiveRestartJpeg)},
      {"baseline gray, restart markers (libjpeg)",
       Bytes(kBaselineRestartJpeg, kBaselineRestartJpeg + sizeof kBaselineRestartJpeg)},
  };
  std::set<std::string> reasons;
  for (const auto& named_file : files) {  // no structured binding: clang 14 cannot capture one (CAPTURE)
    const std::string& name = named_file.first;
    const Bytes& jpg = named_file.second;
    const auto ranges = scan_data_ranges(jpg);
    REQUIRE(!ranges.empty());
    for (int channels : {1, 3}) {
      CAPTURE(name);
      CAPTURE(channels);
      const DecodedImage whole = image_decode(jpg.data(), jpg.size(), channels);
      REQUIRE_MESSAGE(whole.ok(), whole.error);  // a whole file is never taken for a cut one
      int inside = 0;
      for (size_t len = ranges[0].first; len + 2 < jpg.size(); ++len) {
        CAPTURE(len);
        Bytes cut(jpg.begin(), jpg.begin() + len);
        cut.insert(cut.end(), {0xFF, 0xD9});
        const DecodedImage img = image_decode(cut.data(), cut.size(), channels);
        const bool in_scan = std::any_of(ranges.begin(), ranges.end(),
                                         [len](const auto& r) { return r.first < len && len < r.second; });
        if (in_scan) {
          ++inside;
          CHECK_MESSAGE(!img.ok(), "a cut inside a scan's data was decoded");
          if (!img.ok()) reasons.insert(img.error.substr(0, img.error.find(" (")));
        } else if (img.ok() && ranges.size() == 1) {
          CHECK(img.pixels == whole.pixels);  // one scan: accepted only when nothing was cut from it
        }
        // Progressive: a cut between two scans leaves whole scans only; the next test case.
      }
      CHECK(inside > 200);
    }
  }
  CHECK(reasons.count("truncated: the image data of a scan is cut short") == 1);
  CHECK(std::any_of(reasons.begin(), reasons.end(),
                    [](const std::string& r) { return contains(r, "restart intervals"); }));
  alarm(0);
}

// A progressive JPEG cut exactly between two scans and given an EOI is made of whole scans only,
// so neither the structure walk nor the probe decode sees a cut; before the coverage check it
// loaded as a coarser picture. Whole only when every component's scans send the DC coefficient
// and AC 1..63 down to bit 0 (core/data/image_decode.cpp, jpeg_progressive_gap).
TEST_CASE("image_decode: a progressive JPEG cut exactly between two scans is refused, naming the file in a folder") {
  alarm(300);
  const Bytes jpg(kProgressiveRestartJpeg, kProgressiveRestartJpeg + sizeof kProgressiveRestartJpeg);
  const auto ranges = scan_data_ranges(jpg);
  REQUIRE(ranges.size() == 10);  // jpeg_simple_progression: 10 scans
  REQUIRE(image_decode(jpg.data(), jpg.size(), 3).ok());
  Bytes first_cut;
  for (size_t s = 0; s + 1 < ranges.size(); ++s) {
    CAPTURE(s);
    Bytes cut(jpg.begin(), jpg.begin() + ranges[s].second);  // up to the marker after scan s
    cut.insert(cut.end(), {0xFF, 0xD9});
    if (s == 0) first_cut = cut;
    for (int channels : {1, 3}) {
      CAPTURE(channels);
      const std::string why = decode_error(cut, channels);
      CHECK(contains(why, "truncated: a progressive JPEG whose scans end before the image is whole"));
      CHECK(contains(why, "cut between two scans"));
    }
  }
  // The first scan sends only the DC coefficients, from bit 1 (libjpeg's simple progression).
  CHECK(contains(decode_error(first_cut), "colour component 1 of 3: its DC coefficient is sent only down to bit 1"));

  // In an image folder: skipped, named, and the rest loads.
  const fs::path dir = temp_dir("progressive_cut");
  fs::create_directories(dir / "a");
  for (int i = 0; i < 4; ++i)
    write_file(dir / "a" / ("whole" + std::to_string(i) + ".jpg"), jpg);
  write_file(dir / "a" / "cut.jpg", first_cut);
  DataSpec spec;
  spec.source = dir.string();
  spec.image_size = 8;
  const Dataset d = load_dataset(spec);
  std::string all;
  for (const std::string& w : d.warnings) all += w + "\n";
  CAPTURE(all);
  CHECK(d.count == 4);
  CHECK(contains(all, "skipped a/cut.jpg: truncated: a progressive JPEG whose scans end before the image is whole"));
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
Bytes raw_deflate_zeros(size_t n) { return deflate_stream({}, n, kRawDeflateWindowBits); }

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

TEST_CASE("a JPEG Huffman table (DHT) of more than 256 codes, or cut off, is refused before stb reads it") {
  // Debian's stb 2.27 copies a DHT table's codes into 256-entry arrays without checking the count,
  // and reads a table past the end of its segment: a heap overflow the image fuzz target found
  // (UBSan: index 257 out of bounds in stbi__build_huffman).
  const Bytes jpg = jpeg_of(16, 16, 1, test_pixels(16, 16, 1, 9));
  REQUIRE(image_decode(jpg.data(), jpg.size(), 1).ok());
  auto with_dht = [&](const Bytes& table) {
    Bytes out(jpg.begin(), jpg.begin() + 2);  // SOI
    out.insert(out.end(), {0xFF, 0xC4, uint8_t((table.size() + 2) >> 8), uint8_t((table.size() + 2) & 255)});
    out.insert(out.end(), table.begin(), table.end());
    out.insert(out.end(), jpg.begin() + 2, jpg.end());
    return out;
  };
  Bytes too_many = {0x03};  // class 0 (DC), id 3: a table no scan uses
  for (int i = 0; i < 16; ++i) too_many.push_back(17);  // 272 codes
  too_many.resize(too_many.size() + 272, 0);
  CHECK(contains(decode_error(with_dht(too_many)), "a Huffman table (DHT) with 272 codes (at most 256)"));
  // The fuzzer's minimised input: a DHT segment of one byte, so stb read its 16 counts from the
  // bytes after the segment.
  CHECK(contains(decode_error(with_dht({0x02})), "a Huffman table (DHT) is cut off"));
  Bytes fits = {0x03};  // exactly 256 codes (255 of length 8, one of length 9): accepted
  for (int i = 0; i < 16; ++i) fits.push_back(i == 7 ? 255 : i == 8 ? 1 : 0);
  fits.resize(fits.size() + 256, 0);
  const Bytes whole = with_dht(fits);
  const DecodedImage decoded = image_decode(whole.data(), whole.size(), 1);
  CHECK_MESSAGE(decoded.ok(), decoded.error);
}

TEST_CASE("a JPEG scan whose Huffman table no DHT defines is refused before stb reads it") {
  // stb 2.27 does not clear its decoder's state: such a table is uninitialised heap memory, which
  // the image fuzz target caught stb indexing with (UBSan: index -35 in stbi__jpeg_huff_decode).
  const Bytes jpg = jpeg_of(16, 16, 3, test_pixels(16, 16, 3, 10));
  REQUIRE(image_decode(jpg.data(), jpg.size(), 3).ok());
  Bytes no_dht(jpg.begin(), jpg.begin() + 2);
  size_t pos = 2;
  while (pos + 4 <= jpg.size() && jpg[pos] == 0xFF && jpg[pos + 1] != 0xDA) {  // segments up to the scan
    const size_t len = (size_t(jpg[pos + 2]) << 8) | jpg[pos + 3];
    if (jpg[pos + 1] != 0xC4) no_dht.insert(no_dht.end(), jpg.begin() + pos, jpg.begin() + pos + 2 + len);
    pos += 2 + len;
  }
  REQUIRE(pos + 4 <= jpg.size());
  REQUIRE(no_dht.size() < pos);  // some DHT was dropped
  no_dht.insert(no_dht.end(), jpg.begin() + pos, jpg.end());
  CHECK(contains(decode_error(no_dht, 3), "a scan uses a Huffman table that no DHT segment defines"));
}
