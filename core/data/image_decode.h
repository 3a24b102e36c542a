// Decoding one outside PNG or JPEG held in memory, so that nothing but stb_image's PNG and JPEG
// decoders is ever reachable: the format is taken from the magic bytes (not the file name), the
// file's structure is walked by our own code (PNG chunks up to IEND, JPEG markers up to EOI), the
// size comes from the IHDR / SOF header and is checked against a budget before stb allocates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

constexpr int kImageMaxSide = 8192;                     // pixels per side, for every image source (IDX too)
constexpr uint64_t kImageMaxFileBytes = 1ull << 28;     // an image file is read whole into memory
// Per image, as estimated by image_decode_bytes_needed: a typical 8-bit PNG or baseline JPEG at the side
// limit fits; a 16-bit PNG or a progressive colour JPEG that large does not, and is refused.
constexpr uint64_t kImageDecodeBudgetBytes = 1ull << 30;
constexpr int kJpegMaxScans = 100;  // stb redoes work over the whole image for each progressive scan

enum class ImageFormat { png, jpeg };

// What the header says, before any decoding.
struct ImageHeader {
  ImageFormat format = ImageFormat::png;
  int width = 0, height = 0;
  int source_bytes_per_pixel = 0;  // PNG: channels x bytes per sample (palette: 4); JPEG: components
  bool progressive_jpeg = false;
  int jpeg_components = 0;  // JPEG: colour components in the frame (1, 3 or 4)
};

// Checks the bytes are a complete PNG (signature, IHDR first, every chunk whole, IDAT, IEND) or
// a complete JPEG (SOI, a baseline or progressive 8-bit SOF, a scan, EOI), and reads its size.
// Returns "" and fills *header, or a reason in words ("truncated: ...", "not a PNG or JPEG: ...").
// It does not check the size against the limits (image_decode does); it inflates nothing.
std::string image_read_header(const uint8_t* bytes, size_t n, ImageHeader* header);

// An upper bound on the memory stb_image takes to decode this image to `channels` channels, with
// our copy of the result: file bytes twice (stb's copy of the compressed data), the decoded source
// twice (PNG: inflated rows + unfiltered image; progressive JPEG: 16-bit coefficients + planes),
// and the output twice. Compared with kImageDecodeBudgetBytes before stb is called.
uint64_t image_decode_bytes_needed(const ImageHeader& header, size_t file_bytes, int channels);

// The side limit and the decode budget for an image of n file bytes decoded to `channels`.
// Returns "" or the reason in words ("100000x100000 is beyond the limit of 8192 per side").
std::string image_check_limits(const ImageHeader& header, size_t file_bytes, int channels);

struct DecodedImage {
  std::vector<uint8_t> pixels;  // (height, width, channels), row-major, channels interleaved
  int width = 0, height = 0, channels = 0;
  std::string error;            // "" on success, else why the image was refused, in words
  bool ok() const { return error.empty(); }
};

// THE entry point for outside image bytes (and for the fuzz target): header and structure check,
// the side limit, the decode budget, for a PNG a bounded trial inflate of its IDAT data (a zlib
// bomb is refused before stb grows its buffer), then stbi_info_from_memory and
// stbi_load_from_memory with stb's default settings and `channels` (1 gray, 3 RGB, 4 RGBA)
// requested; stb's sizes must agree with the header's. Never throws for bad bytes.
DecodedImage image_decode(const uint8_t* bytes, size_t n, int channels);
