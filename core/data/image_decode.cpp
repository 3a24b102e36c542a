// See image_decode.h. Why our own walk before stb_image: Debian's libstb is built with every
// format, and stbi_*_from_memory picks the decoder from the content, so a file named x.png that
// holds a PNM, HDR, PSD or GIF header would reach decoders with known over-reads, hangs and
// uninitialised output. Only bytes that start with the PNG signature or the JPEG SOI marker are
// passed on; with those first bytes stb's own sniffing can only choose its PNG or JPEG decoder.
// Truncation: stb's JPEG decoder reads zeros past the end of the data and refuses a file only if
// no marker follows the last scan, so whether a cut file fails depends on its recovery rules.
// The walk to EOI refuses a cut JPEG before any decoding, as "truncated". A JPEG cut inside a
// scan and then ended with an EOI has every marker, and stb fills its missing part with what it
// decodes from zeros: the structure cannot tell. What can: a scan whose data is whole is decoded
// from its own bits only, so the image does not change when different bytes stand between that
// data and the marker after it (stb skips non-marker bytes there). image_decode decodes a JPEG a
// second time with such bytes inserted after every scan's data (jpeg_with_probe_bytes); if the
// pixels differ, or the second decode fails, stb read past the end of some scan: "truncated".
// The cost is a second decode of every JPEG. A progressive JPEG cut exactly between two scans and
// given an EOI has whole scans only; it is refused when its scans do not send every coefficient of
// every component down to bit 0 (jpeg_progressive_gap). A PNG must have every
// chunk whole and end in IEND, and its IDAT data must inflate to exactly the bytes its IHDR
// needs: fewer is truncated, more is a zlib bomb (stb would grow its buffer up to 4 GB).
// Sections: reading big-endian numbers, PNG, JPEG, the budget, decoding.
#include "data/image_decode.h"

#include <stb_image.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace {

//---- reading big-endian numbers -------------------------------------------------------------
uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | uint32_t(p[1]); }

bool starts_with(const uint8_t* b, size_t n, const char* magic, size_t len) {
  return n >= len && std::memcmp(b, magic, len) == 0;
}

const char kPngSignature[] = "\x89PNG\r\n\x1a\n";

// Other formats stb_image (or a user) might have behind a .png/.jpg name, for a clearer message.
std::string other_format_name(const uint8_t* b, size_t n) {
  struct Magic {
    const char* bytes;
    size_t len;
    const char* name;
  };
  static const Magic magics[] = {
      {"GIF8", 4, "a GIF image"},           {"8BPS", 4, "a Photoshop (PSD) image"},
      {"#?RADIANCE", 10, "a Radiance HDR image"}, {"#?RGBE", 6, "a Radiance HDR image"},
      {"BM", 2, "a BMP image"},             {"S\x80\xf6\x34", 4, "a Softimage PIC image"},
      {"II*\0", 4, "a TIFF image"},         {"MM\0*", 4, "a TIFF image"},
  };
  for (const Magic& m : magics)
    if (starts_with(b, n, m.bytes, m.len)) return m.name;
  if (n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) return "a WebP image";
  if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') return "a PNM (netpbm) image";
  return "";
}

//---- PNG ------------------------------------------------------------------------------------
bool chunk_is(const uint8_t* type, const char* name) { return std::memcmp(type, name, 4) == 0; }

std::string chunk_name(const uint8_t* type) {
  for (int i = 0; i < 4; ++i)
    if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z'))) return "a chunk";
  return "the " + std::string(reinterpret_cast<const char*>(type), 4) + " chunk";
}

// The bytes the IDAT stream must inflate to: per row a filter byte and the packed pixels, and
// with Adam7 interlacing the same for each of the 7 reduced images.
uint64_t png_raw_bytes(uint64_t w, uint64_t h, uint64_t bits_per_pixel, bool interlaced) {
  auto image_bytes = [&](uint64_t pw, uint64_t ph) { return pw && ph ? ph * (1 + (pw * bits_per_pixel + 7) / 8) : 0; };
  if (!interlaced) return image_bytes(w, h);
  static const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
  static const int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
  uint64_t total = 0;
  for (int p = 0; p < 7; ++p)
    total += image_bytes(w > uint64_t(x0[p]) ? (w - x0[p] + dx[p] - 1) / dx[p] : 0,
                         h > uint64_t(y0[p]) ? (h - y0[p] + dy[p] - 1) / dy[p] : 0);
  return total;
}

std::string png_read_header(const uint8_t* b, size_t n, ImageHeader* header) {
  size_t pos = 8;
  bool seen_ihdr = false, seen_plte = false, seen_idat = false;
  int color = 0;
  for (;;) {
    if (n - pos < 12) return "truncated: the file ends before the IEND chunk";
    const uint32_t len = be32(b + pos);
    const uint8_t* type = b + pos + 4;
    const uint8_t* data = b + pos + 8;
    if (len > 0x7fffffffu) return "corrupt: " + chunk_name(type) + " claims " + std::to_string(len) + " bytes";
    if (len > n - pos - 12) return "truncated: " + chunk_name(type) + " is cut off";
    if (!seen_ihdr) {
      if (!chunk_is(type, "IHDR")) return "not a standard PNG: the first chunk is not IHDR";
      if (len != 13) return "corrupt: the IHDR chunk is " + std::to_string(len) + " bytes, not 13";
      const uint32_t w = be32(data), h = be32(data + 4);
      const int depth = data[8];
      color = data[9];
      if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu)
        return "corrupt: the IHDR chunk gives the size " + std::to_string(w) + "x" + std::to_string(h);
      const int channels = color == 0 ? 1 : color == 2 ? 3 : color == 3 ? 1 : color == 4 ? 2 : color == 6 ? 4 : 0;
      const bool depth_ok = color == 0 ? (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)
                            : color == 3 ? (depth == 1 || depth == 2 || depth == 4 || depth == 8)
                                         : (depth == 8 || depth == 16);
      if (channels == 0 || !depth_ok)
        return "corrupt: colour type " + std::to_string(color) + " with bit depth " + std::to_string(depth);
      if (data[10] != 0 || data[11] != 0 || data[12] > 1) return "corrupt: unknown compression, filter or interlace method";
      header->format = ImageFormat::png;
      header->width = static_cast<int>(w);
      header->height = static_cast<int>(h);
      // A palette image becomes RGB or RGBA; count the larger.
      header->source_bytes_per_pixel = color == 3 ? 4 : channels * (depth == 16 ? 2 : 1);
      header->progressive_jpeg = false;
      seen_ihdr = true;
    } else if (chunk_is(type, "IHDR")) {
      return "corrupt: a second IHDR chunk";
    } else if (chunk_is(type, "CgBI")) {
      // Apple's CgBI variant: stb then inflates the IDAT bytes as raw deflate, not as the zlib
      // stream png_check_image_data measured, so the same bytes can be a valid image to zlib and
      // a bomb to stb (its buffer doubling towards 2 GB). Found in review; no fuzzer makes that.
      return "unsupported: an Apple CgBI PNG (its image data is not a standard zlib stream)";
    } else if (chunk_is(type, "PLTE")) {
      seen_plte = true;
    } else if (chunk_is(type, "IDAT")) {
      if (color == 3 && !seen_plte) return "corrupt: a palette image with no PLTE chunk before its data";
      seen_idat = true;
    } else if (chunk_is(type, "IEND")) {
      if (!seen_idat) return "truncated: no image data (IDAT chunk) before IEND";
      return "";
    }
    pos += 12 + size_t(len);
  }
}

// Inflates the IDAT stream into a small scratch buffer, counting, and stops as soon as it holds
// more than the image needs. The chunks were checked whole by png_read_header.
std::string png_check_image_data(const uint8_t* b, size_t n, const ImageHeader& header) {
  const uint8_t* ihdr = b + 16;
  const int depth = ihdr[8], color = ihdr[9];
  const int file_channels = color == 0 ? 1 : color == 2 ? 3 : color == 3 ? 1 : color == 4 ? 2 : 4;
  const uint64_t expected = png_raw_bytes(header.width, header.height, uint64_t(file_channels) * depth, ihdr[12] == 1);

  z_stream z{};
  if (inflateInit(&z) != Z_OK) return "cannot check the image data (zlib could not start)";
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  inflateValidate(&z, 0);  // stb does not check Adler-32 either: let mutated data reach its decoder
#endif
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  std::vector<uint8_t> scratch(1 << 16);
  uint64_t inflated = 0;
  bool ended = false;
  for (size_t pos = 8; !ended && n - pos >= 12;) {
    const uint32_t len = be32(b + pos);
    const uint8_t* type = b + pos + 4;
    if (chunk_is(type, "IEND")) break;
    if (chunk_is(type, "IDAT")) {
      z.next_in = const_cast<Bytef*>(b + pos + 8);
      z.avail_in = len;
      while (z.avail_in > 0 && !ended) {
        z.next_out = scratch.data();
        z.avail_out = static_cast<uInt>(scratch.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        inflated += scratch.size() - z.avail_out;
        if (inflated > expected)
          return "corrupt: its image data inflates to more than the " + std::to_string(expected) + " bytes that " +
                 std::to_string(header.width) + "x" + std::to_string(header.height) + " needs";
        if (rc == Z_STREAM_END) ended = true;
        else if (rc == Z_BUF_ERROR) break;  // needs the next chunk's bytes
        else if (rc != Z_OK)
          return std::string("corrupt: its image data is not a valid zlib stream (") + (z.msg ? z.msg : "error") + ")";
      }
    }
    pos += 12 + size_t(len);
  }
  if (!ended || inflated < expected)
    return "truncated: its image data holds " + std::to_string(inflated) + " of the " + std::to_string(expected) +
           " bytes that " + std::to_string(header.width) + "x" + std::to_string(header.height) + " needs";
  return "";
}

//---- JPEG -----------------------------------------------------------------------------------
std::string marker_name(int m) {
  static const char digits[] = "0123456789ABCDEF";
  return std::string("marker FF") + digits[m >> 4] + digits[m & 15];
}

// From byte `pos` inside entropy-coded data to the next marker (FF followed by anything but a
// stuffed 00, a restart marker or more fill FFs). Returns n if the data runs to the end.
// *restarts counts the restart markers (FFD0 to FFD7) on the way.
size_t skip_entropy_data(const uint8_t* b, size_t n, size_t pos, uint64_t* restarts) {
  while (pos < n) {
    const void* ff = std::memchr(b + pos, 0xFF, n - pos);
    if (!ff) return n;
    pos = static_cast<size_t>(static_cast<const uint8_t*>(ff) - b);
    if (pos + 1 >= n) return n;
    const uint8_t next = b[pos + 1];
    if (next >= 0xD0 && next <= 0xD7) ++*restarts;
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) pos += 2;
    else if (next == 0xFF) pos += 1;
    else return pos;
  }
  return n;
}

struct JpegComponent {
  int id = 0, h = 1, v = 1;  // sampling factors
};

// The MCUs of a scan, counted as stb (and the standard) do: an interleaved scan covers the image
// in (8 * h_max) x (8 * v_max) units; a scan of one component covers that component's plane in
// 8 x 8 blocks.
uint64_t jpeg_scan_mcus(const std::vector<JpegComponent>& frame, const std::vector<int>& in_scan, uint32_t w,
                        uint32_t h) {
  int h_max = 1, v_max = 1;
  for (const JpegComponent& c : frame) h_max = std::max(h_max, c.h), v_max = std::max(v_max, c.v);
  if (in_scan.size() > 1)
    return uint64_t((w + 8 * h_max - 1) / (8 * h_max)) * ((h + 8 * v_max - 1) / (8 * v_max));
  const JpegComponent& c = frame[in_scan[0]];
  const uint64_t cw = (uint64_t(w) * c.h + h_max - 1) / h_max, ch = (uint64_t(h) * c.v + v_max - 1) / v_max;
  return ((cw + 7) / 8) * ((ch + 7) / 8);
}

// scan_ends (may be null) gets, for each scan, where its entropy-coded data ends: the first byte
// of the marker after it, or of the fill bytes (FF) before that marker.
// A DHT segment's Huffman tables, each: class and id, 16 code counts, then that many symbols.
// Debian's stb (2.27) reads a table of more than 256 codes into its 256-entry arrays (a heap
// overflow; stb 2.28 added the check), so each table must fit, and the tables must fill the
// segment exactly. Found by the image fuzz target.
// defined[class][id] is set for every table the segment defines.
std::string jpeg_dht_problem(const uint8_t* seg, size_t len, bool (*defined)[4]) {
  size_t at = 0;
  while (at < len) {
    if (len - at < 17) return "corrupt: a Huffman table (DHT) is cut off";
    const int table_class = seg[at] >> 4, id = seg[at] & 15;
    if (table_class > 1 || id > 3)
      return "corrupt: a Huffman table (DHT) of class " + std::to_string(table_class) + ", id " + std::to_string(id);
    size_t codes = 0;
    for (int i = 1; i <= 16; ++i) codes += seg[at + i];
    if (codes > 256) return "corrupt: a Huffman table (DHT) with " + std::to_string(codes) + " codes (at most 256)";
    if (codes > len - at - 17) return "corrupt: a Huffman table (DHT) is cut off";
    defined[table_class][id] = true;
    at += 17 + codes;
  }
  return "";
}

constexpr uint8_t kJpegBitNone = 0xFF;  // no scan has sent any bit of this coefficient

// A progressive JPEG is whole only when, for every component, its scans have sent the DC
// coefficient and the AC coefficients 1..63 down to bit 0. "" when they have, else what is missing.
std::string jpeg_progressive_gap(const std::vector<std::array<uint8_t, 64>>& lowest_bit) {
  for (size_t c = 0; c < lowest_bit.size(); ++c) {
    for (int k = 0; k < 64; ++k) {
      if (lowest_bit[c][k] == 0) continue;
      const std::string what = k == 0 ? "its DC coefficient" : "AC coefficient " + std::to_string(k);
      const std::string where = "colour component " + std::to_string(c + 1) + " of " + std::to_string(lowest_bit.size());
      return "truncated: a progressive JPEG whose scans end before the image is whole (" + where + ": " + what +
             (lowest_bit[c][k] == kJpegBitNone ? " is in no scan"
                                               : " is sent only down to bit " + std::to_string(lowest_bit[c][k])) +
             "); the file was cut between two scans";
    }
  }
  return "";
}

std::string jpeg_read_header(const uint8_t* b, size_t n, ImageHeader* header, std::vector<size_t>* scan_ends) {
  size_t pos = 2;
  bool seen_frame = false;
  bool huffman_defined[2][4] = {};  // [DC, AC][table id]
  int scans = 0;
  std::vector<JpegComponent> frame;
  uint32_t restart_interval = 0;  // MCUs between restart markers (DRI); 0 = none
  // Progressive: for each component and each of the 64 coefficients, the lowest bit (successive
  // approximation Al) any scan has sent so far; kJpegBitNone until a scan covers it. A file cut
  // exactly between two scans and given an EOI is well formed; only this tells that it is not whole.
  std::vector<std::array<uint8_t, 64>> lowest_bit;
  for (;;) {
    // Bytes between segments that are not a marker are skipped, as stb and libjpeg do.
    while (pos < n && b[pos] != 0xFF) ++pos;
    while (pos < n && b[pos] == 0xFF) ++pos;
    if (pos >= n) return "truncated: the file ends before the end-of-image marker (FFD9)";
    const int m = b[pos++];
    if (m == 0xD9) {
      if (!seen_frame || scans == 0) return "truncated: the end-of-image marker comes before any image data";
      return header->progressive_jpeg ? jpeg_progressive_gap(lowest_bit) : "";
    }
    if (m == 0xD8) return "corrupt: a second start-of-image marker";
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length follows
    if (n - pos < 2) return "truncated: the file ends inside a segment header";
    const size_t len = be16(b + pos);
    if (len < 2) return "corrupt: " + marker_name(m) + " has length " + std::to_string(len);
    if (len > n - pos) return "truncated: the segment of " + marker_name(m) + " is cut off";
    const uint8_t* seg = b + pos + 2;
    if (m == 0xC4) {
      const std::string why = jpeg_dht_problem(seg, len - 2, huffman_defined);
      if (!why.empty()) return why;
    }
    const bool is_frame = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (is_frame) {
      if (m != 0xC0 && m != 0xC1 && m != 0xC2)
        return "unsupported JPEG kind (" + marker_name(m) +
               ": lossless, hierarchical or arithmetic-coded); only baseline and progressive JPEG are read";
      if (seen_frame) return "corrupt: a second frame header";
      if (len < 8) return "corrupt: the frame header is too short";
      const int precision = seg[0], components = seg[5];
      const uint32_t h = be16(seg + 1), w = be16(seg + 3);
      if (precision != 8) return "unsupported: " + std::to_string(precision) + "-bit JPEG (only 8-bit is read)";
      if (h == 0) return "unsupported: the frame header gives height 0 (size defined later by a DNL marker)";
      if (w == 0) return "corrupt: the frame header gives width 0";
      if (components != 1 && components != 3 && components != 4)
        return "unsupported: " + std::to_string(components) + " colour components (1, 3 or 4 are read)";
      if (len != 8 + 3 * size_t(components)) return "corrupt: the frame header's length does not match its components";
      for (int c = 0; c < components; ++c) {
        const int hs = seg[6 + 3 * c + 1] >> 4, vs = seg[6 + 3 * c + 1] & 15;
        if (hs < 1 || hs > 4 || vs < 1 || vs > 4) return "corrupt: a sampling factor outside 1 to 4";
        frame.push_back(JpegComponent{seg[6 + 3 * c], hs, vs});
      }
      header->format = ImageFormat::jpeg;
      header->width = static_cast<int>(w);
      header->height = static_cast<int>(h);
      header->progressive_jpeg = m == 0xC2;
      header->jpeg_components = components;
      // stb keeps a plane per component, and for a progressive JPEG 16-bit coefficients as well.
      header->source_bytes_per_pixel = components * (header->progressive_jpeg ? 3 : 1);
      std::array<uint8_t, 64> none;
      none.fill(kJpegBitNone);
      lowest_bit.assign(frame.size(), none);
      seen_frame = true;
    }
    if (m == 0xDD) {
      if (len != 4) return "corrupt: the restart interval segment (FFDD) has length " + std::to_string(len);
      restart_interval = be16(seg);
    }
    pos += len;
    if (m == 0xDA) {
      if (!seen_frame) return "corrupt: image data before the frame header";
      if (++scans > kJpegMaxScans)
        return "refused: more than " + std::to_string(kJpegMaxScans) + " scans (each one is a pass over the whole image)";
      const size_t in_scan_count = len >= 3 ? seg[0] : 0;
      if (in_scan_count < 1 || in_scan_count > 4 || len < 6 + 2 * in_scan_count)
        return "corrupt: a scan header of length " + std::to_string(len);
      std::vector<int> in_scan;
      for (size_t k = 0; k < in_scan_count; ++k) {
        const int id = seg[1 + 2 * k];
        const auto it = std::find_if(frame.begin(), frame.end(), [id](const JpegComponent& c) { return c.id == id; });
        if (it == frame.end()) return "corrupt: a scan names a colour component the frame does not have";
        in_scan.push_back(static_cast<int>(it - frame.begin()));
      }
      // stb 2.27 does not clear its decoder's state, so a table no DHT defined is uninitialised heap
      // memory that stb decodes with (found by the image fuzz target: a JPEG without any DHT).
      const int spectral_start = seg[1 + 2 * in_scan_count], spectral_end = seg[2 + 2 * in_scan_count];
      const int high_bit = seg[3 + 2 * in_scan_count] >> 4, low_bit = seg[3 + 2 * in_scan_count] & 15;
      if (header->progressive_jpeg) {
        // The band must lie in 0..63, and a DC scan carries the DC coefficient only (as stb checks).
        if (spectral_start > spectral_end || spectral_end > 63 || (spectral_start == 0 && spectral_end != 0))
          return "corrupt: a progressive scan of coefficients " + std::to_string(spectral_start) + " to " +
                 std::to_string(spectral_end);
        for (int c : in_scan)
          for (int k = spectral_start; k <= spectral_end; ++k)
            lowest_bit[c][k] = std::min<uint8_t>(lowest_bit[c][k], static_cast<uint8_t>(low_bit));
      }
      const bool needs_dc = !header->progressive_jpeg || (spectral_start == 0 && high_bit == 0);
      const bool needs_ac = !header->progressive_jpeg || spectral_start > 0;
      for (size_t k = 0; k < in_scan_count; ++k) {
        const int dc = seg[2 + 2 * k] >> 4, ac = seg[2 + 2 * k] & 15;
        if ((needs_dc && (dc > 3 || !huffman_defined[0][dc])) || (needs_ac && (ac > 3 || !huffman_defined[1][ac])))
          return "corrupt: a scan uses a Huffman table that no DHT segment defines";
      }
      const size_t data_start = pos;
      uint64_t restarts = 0;
      pos = skip_entropy_data(b, n, pos, &restarts);
      if (pos >= n) return "truncated: the file ends inside the image data, before the end-of-image marker (FFD9)";
      // With restart markers, a scan cut at one of them and then ended with EOI decodes without an
      // error in stb, and the MCUs after the cut are never written (stale memory as pixels). The
      // number of markers a whole scan holds is known from its MCU count.
      if (restart_interval > 0) {
        const uint64_t mcus = jpeg_scan_mcus(frame, in_scan, header->width, header->height);
        const uint64_t expected = (mcus + restart_interval - 1) / restart_interval - 1;
        if (restarts < expected)
          return "truncated: a scan holds " + std::to_string(restarts + 1) + " of its " + std::to_string(expected + 1) +
                 " restart intervals";
      }
      size_t end = pos;
      while (end > data_start && b[end - 1] == 0xFF) --end;
      if (scan_ends) scan_ends->push_back(end);
    }
  }
}

// The probe for image_decode's truncation check: a copy of the JPEG with kJpegProbeBytes bytes of
// kJpegProbeByte inserted at each scan end. 0xFE is not a marker byte, so stb skips it after a
// whole scan; read as image data its bits are almost all ones where stb would read zeros.
constexpr uint8_t kJpegProbeByte = 0xFE;
constexpr size_t kJpegProbeBytes = 1024;

std::vector<uint8_t> jpeg_with_probe_bytes(const uint8_t* b, size_t n, const std::vector<size_t>& scan_ends) {
  std::vector<uint8_t> out;
  out.reserve(n + kJpegProbeBytes * scan_ends.size());
  size_t from = 0;
  for (size_t end : scan_ends) {
    out.insert(out.end(), b + from, b + end);
    out.insert(out.end(), kJpegProbeBytes, kJpegProbeByte);
    from = end;
  }
  out.insert(out.end(), b + from, b + n);
  return out;
}

}  // namespace

//---- the header and the budget --------------------------------------------------------------
std::string image_read_header(const uint8_t* bytes, size_t n, ImageHeader* header) {
  if (starts_with(bytes, n, kPngSignature, 8)) return png_read_header(bytes, n, header);
  if (n >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return jpeg_read_header(bytes, n, header, nullptr);
  if (n == 0) return "empty file";
  const std::string other = other_format_name(bytes, n);
  return "not a PNG or JPEG: " + (other.empty() ? std::string("its first bytes match neither") : "it is " + other) +
         " (only PNG and JPEG are read, whatever the file name says)";
}

uint64_t image_decode_bytes_needed(const ImageHeader& header, size_t file_bytes, int channels) {
  // JPEG planes are padded to whole 8x8 blocks of the largest sampling (up to 32 pixels).
  const uint64_t pixels = (uint64_t(header.width) + 32) * (uint64_t(header.height) + 32);
  return 2 * uint64_t(file_bytes) + pixels * 2 * (uint64_t(header.source_bytes_per_pixel) + uint64_t(channels));
}

std::string image_check_limits(const ImageHeader& header, size_t file_bytes, int channels) {
  const std::string size = std::to_string(header.width) + "x" + std::to_string(header.height);
  if (header.width > kImageMaxSide || header.height > kImageMaxSide)
    return size + " is beyond the limit of " + std::to_string(kImageMaxSide) + " per side";
  const uint64_t needed = image_decode_bytes_needed(header, file_bytes, channels);
  if (needed > kImageDecodeBudgetBytes)
    return size + " needs about " + std::to_string(needed >> 20) + " MiB to decode, over the per-image budget of " +
           std::to_string(kImageDecodeBudgetBytes >> 20) + " MiB";
  return "";
}

//---- decoding -------------------------------------------------------------------------------
DecodedImage image_decode(const uint8_t* bytes, size_t n, int channels) {
  DecodedImage out;
  auto fail = [&out](std::string why) {
    out.error = std::move(why);
    return std::move(out);
  };
  if (channels < 1 || channels > 4) return fail("cannot decode to " + std::to_string(channels) + " channels");
  if (n > kImageMaxFileBytes)
    return fail("the file is " + std::to_string(n) + " bytes, over the limit of " + std::to_string(kImageMaxFileBytes) +
                " bytes for an image");
  ImageHeader header;
  std::string why = image_read_header(bytes, n, &header);
  if (!why.empty()) return fail(why);
  why = image_check_limits(header, n, channels);
  if (!why.empty()) return fail(why);
  const std::string size = std::to_string(header.width) + "x" + std::to_string(header.height);
  if (header.format == ImageFormat::png) {
    why = png_check_image_data(bytes, n, header);
    if (!why.empty()) return fail(why);
  }

  const int len = static_cast<int>(n);  // n <= kImageMaxFileBytes < 2^31
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(bytes, len, &w, &h, &comp)) {
    const char* reason = stbi_failure_reason();
    return fail(std::string("cannot decode (") + (reason ? reason : "unknown") + ")");
  }
  if (w != header.width || h != header.height)
    return fail("cannot decode: the decoder reads the size " + std::to_string(w) + "x" + std::to_string(h) +
                " where the header says " + size);
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(bytes, len, &w, &h, &comp, channels),
                                                   stbi_image_free);
  if (!pixels) {
    const char* reason = stbi_failure_reason();
    return fail(std::string("cannot decode (") + (reason ? reason : "unknown") + ")");
  }
  if (w != header.width || h != header.height) return fail("cannot decode: the size changed while decoding");
  const size_t out_bytes = size_t(w) * size_t(h) * size_t(channels);
  if (header.format == ImageFormat::jpeg) {  // the truncation check (see the top of this file)
    std::vector<size_t> scan_ends;
    ImageHeader again;
    jpeg_read_header(bytes, n, &again, &scan_ends);  // already accepted above; this finds the scan ends
    const std::vector<uint8_t> probe = jpeg_with_probe_bytes(bytes, n, scan_ends);
    // Compared with every component in play: gray from a colour JPEG is its Y plane alone, so a
    // made-up part of a chroma scan would not show there.
    const int all = header.jpeg_components == 1 ? 1 : 3;
    auto decode = [&](const std::vector<uint8_t>& b) {  // size <= n + 1600 < 2^31
      int dw = 0, dh = 0, dcomp = 0;
      std::unique_ptr<stbi_uc, void (*)(void*)> p(
          stbi_load_from_memory(b.data(), static_cast<int>(b.size()), &dw, &dh, &dcomp, all), stbi_image_free);
      if (dw != w || dh != h) p.reset();
      return p;
    };
    std::unique_ptr<stbi_uc, void (*)(void*)> own(nullptr, stbi_image_free);
    if (all != channels) own = decode(std::vector<uint8_t>(bytes, bytes + n));
    const stbi_uc* reference = all == channels ? pixels.get() : own.get();
    const auto probed = decode(probe);
    if (!reference || !probed || std::memcmp(probed.get(), reference, size_t(w) * size_t(h) * size_t(all)) != 0)
      return fail("truncated: the image data of a scan is cut short (the decoder ran past its end; the file "
                  "was probably cut and then given an end-of-image marker)");
  }
  out.width = w;
  out.height = h;
  out.channels = channels;
  out.pixels.assign(pixels.get(), pixels.get() + out_bytes);
  return out;
}
