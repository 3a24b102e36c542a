// The IDX loader. See data_idx.h.
// Sections: the byte source (raw or gzip), the header, the payload, the dataset.
#include "data_idx.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

#include "errors.h"

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

//---- the byte source ------------------------------------------------------------------------
// Reads a file's bytes in order, inflating them first when the file is gzip. The real length of a
// raw file is known up front; a gzip file's is not, so its callers read in bounded steps.
class ByteSource {
 public:
  explicit ByteSource(const std::string& path) : path_(path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) throw InputError(quoted(path) + ": cannot open: no such file");
    if (S_ISDIR(st.st_mode)) throw InputError(quoted(path) + ": is a folder, expected an IDX file");
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) throw InputError(quoted(path) + ": cannot open: " + std::strerror(errno));
    file_size_ = static_cast<uint64_t>(st.st_size);
    if (file_size_ == 0) throw InputError(quoted(path) + ": the file is empty");
    unsigned char magic[2] = {0, 0};
    size_t got = std::fread(magic, 1, 2, file_);
    std::rewind(file_);
    gzip_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (gzip_) {
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)  // 16+: expect a gzip wrapper
        throw InputError(quoted(path) + ": cannot start gzip decompression");
      z_open_ = true;
      in_buf_.resize(1 << 16);
    }
  }
  ~ByteSource() {
    if (z_open_) inflateEnd(&z_);
    if (file_) std::fclose(file_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  bool gzip() const { return gzip_; }
  uint64_t file_size() const { return file_size_; }

  // Reads up to n bytes; fewer only when the data ends. Corrupt gzip data throws.
  size_t read(uint8_t* dst, size_t n) {
    if (!gzip_) return std::fread(dst, 1, n, file_);
    z_.next_out = dst;
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out > 0 && !stream_ended_) {
      if (z_.avail_in == 0) {
        size_t got = std::fread(in_buf_.data(), 1, in_buf_.size(), file_);
        if (got == 0) break;  // the compressed file ends here
        z_.next_in = in_buf_.data();
        z_.avail_in = static_cast<uInt>(got);
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        stream_ended_ = true;
      } else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
        throw InputError(quoted(path_) + ": corrupt gzip data (zlib: " + (z_.msg ? z_.msg : "error") + ")");
      }
    }
    return n - z_.avail_out;
  }

  // After the payload the header declares, nothing may follow: neither more data nor, for gzip,
  // more compressed bytes; and a gzip stream must have reached its end marker (which carries the
  // checksum, so this is also where a damaged stream shows).
  void expect_end(const char* what, uint64_t declared_bytes) {
    uint8_t extra[256];
    size_t more = read(extra, sizeof extra);
    if (more > 0)
      throw InputError(quoted(path_) + ": trailing data after the " + std::to_string(declared_bytes) +
                       " bytes of the " + what + " its header declares");
    if (gzip_) {
      if (!stream_ended_)
        throw InputError(quoted(path_) + ": truncated gzip stream (it ends before its end marker)");
      size_t leftover = z_.avail_in + std::fread(in_buf_.data(), 1, in_buf_.size(), file_);
      if (leftover > 0) throw InputError(quoted(path_) + ": trailing bytes after the end of the gzip stream");
    }
  }

 private:
  std::string path_;
  FILE* file_ = nullptr;
  uint64_t file_size_ = 0;
  bool gzip_ = false;
  z_stream z_;
  bool z_open_ = false;
  bool stream_ended_ = false;
  std::vector<uint8_t> in_buf_;
};

//---- the header -----------------------------------------------------------------------------
const char* idx_type_name(uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown";
  }
}

std::string hex_byte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02x", b);
  return buf;
}

std::string shape_text(const std::vector<uint32_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

}  // namespace

//---- the payload ----------------------------------------------------------------------------
IdxArray idx_read(const std::string& path, int expected_dims, const char* what) {
  ByteSource src(path);
  const std::string where = quoted(path) + (src.gzip() ? " (gzip)" : "");

  uint8_t magic[4];
  size_t got = src.read(magic, 4);
  if (got < 4)
    throw InputError(where + ": truncated: " + std::to_string(got) + " bytes, too short for an IDX header");
  if (magic[0] != 0 || magic[1] != 0)
    throw InputError(where + ": not an IDX file: wrong magic number (starts with " + hex_byte(magic[0]) + " " +
                     hex_byte(magic[1]) + " " + hex_byte(magic[2]) + " " + hex_byte(magic[3]) +
                     "; an IDX file starts with 00 00, its type and its number of dimensions)");
  if (magic[2] != 0x08)
    throw InputError(where + ": wrong magic number: IDX type 0x" + hex_byte(magic[2]) + " (" +
                     idx_type_name(magic[2]) + ") is not supported, only unsigned bytes (0x08)");
  const int ndims = magic[3];
  if (ndims != expected_dims) {
    std::string hint;
    if (expected_dims == 3 && ndims == 1) hint = " (this looks like a labels file, not an image file)";
    if (expected_dims == 1 && ndims == 3) hint = " (this looks like an image file, not a labels file)";
    throw InputError(where + ": wrong magic number for an " + std::string(what) + ": " + std::to_string(ndims) +
                     " dimension(s), expected " + std::to_string(expected_dims) + hint);
  }

  IdxArray out;
  for (int i = 0; i < ndims; ++i) {
    uint8_t b[4];
    got = src.read(b, 4);
    if (got < 4) throw InputError(where + ": truncated inside the IDX header (dimension " + std::to_string(i) + ")");
    const uint32_t size = (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
    out.dims.push_back(size);
  }
  const uint64_t header_bytes = 4 + 4ull * ndims;
  if (out.dims[0] == 0) throw InputError(where + ": the header declares 0 items; the " + what + " is empty");
  for (int i = 1; i < ndims; ++i)
    if (out.dims[i] == 0 || out.dims[i] > kMaxImageSide)
      throw InputError(where + ": huge dimensions: the header declares items of " +
                       shape_text(std::vector<uint32_t>(out.dims.begin() + 1, out.dims.end())) +
                       "; each side must be 1 to " + std::to_string(kMaxImageSide));
  uint64_t payload = 1;  // < 2^32 * 8192^2, so no overflow
  for (uint32_t size : out.dims) payload *= size;

  // A raw file's real length is known: the header must account for it exactly.
  if (!src.gzip()) {
    const uint64_t real = src.file_size() - header_bytes;
    if (payload > real)
      throw InputError(where + ": truncated or count mismatch: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes but the file holds " + std::to_string(real) +
                       " bytes after its " + std::to_string(header_bytes) + "-byte header");
    if (payload < real)
      throw InputError(where + ": count mismatch: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes but the file holds " + std::to_string(real) +
                       " bytes after its header (trailing data)");
  } else {
    // Deflate cannot expand data more than 1032 to 1, so a small file declaring a large payload
    // is lying, whatever its content.
    const uint64_t most = src.file_size() * 1032 + 1024;
    if (payload > most)
      throw InputError(where + ": truncated or corrupt: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes, more than a " + std::to_string(src.file_size()) +
                       "-byte gzip file can hold");
  }
  if (payload > kIdxMaxBytes)
    throw InputError(where + ": too large: the header declares " + shape_text(out.dims) + " = " +
                     std::to_string(payload) + " bytes; the limit is " + std::to_string(kIdxMaxBytes) + " bytes");

  // Read in growing steps: the buffer never holds much more than the data that really arrived.
  const size_t kStep = size_t(1) << 20;
  size_t have = 0;
  while (have < payload) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kStep, payload - have));
    if (out.data.capacity() < have + want)
      out.data.reserve(static_cast<size_t>(std::min<uint64_t>(payload, std::max(2 * out.data.capacity(), have + want))));
    out.data.resize(have + want);
    const size_t n = src.read(out.data.data() + have, want);
    have += n;
    if (n < want)
      throw InputError(where + ": truncated: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes but the data ends after " + std::to_string(have));
  }
  src.expect_end(what, payload);
  return out;
}

//---- the dataset ----------------------------------------------------------------------------
namespace {

bool file_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> idx_label_names(const std::string& images_path, int max_label) {
  const std::string name = lower(base_name(images_path)) + " " + lower(images_path);
  std::vector<std::string> names;
  if (name.find("fashion") != std::string::npos && max_label <= 9) {
    names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  } else if (name.find("kmnist") != std::string::npos && max_label <= 9) {
    names = {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"};
  } else if (name.find("emnist") != std::string::npos && name.find("letters") != std::string::npos &&
             max_label <= 26) {
    names.push_back("-");  // EMNIST letters number the classes 1 to 26
    for (char c = 'a'; c <= 'z'; ++c) names.push_back(std::string(1, c));
  }
  for (int k = static_cast<int>(names.size()); k <= max_label; ++k) names.push_back(std::to_string(k));
  names.resize(max_label + 1);
  return names;
}

}  // namespace

Dataset idx_load(const std::string& images_path, const std::string& labels_path_given, int train_count) {
  IdxArray images = idx_read(images_path, 3, "image file");
  const int count = static_cast<int>(images.dims[0]);
  const int rows = static_cast<int>(images.dims[1]), cols = static_cast<int>(images.dims[2]);

  std::string labels_path = labels_path_given;
  if (labels_path.empty()) {
    const std::string base = base_name(images_path);
    size_t at = base.find("images-idx3");
    if (at != std::string::npos) {
      std::string sibling = images_path.substr(0, images_path.size() - base.size()) + base.substr(0, at) +
                            "labels-idx1" + base.substr(at + 11);
      if (file_exists(sibling)) labels_path = sibling;
    }
  }

  Dataset d;
  d.name = images_path;
  d.count = count;
  d.train_count = dataset_resolve_train_count(train_count, count, count * 4 / 5, images_path);
  d.labels.assign(count, -1);
  if (!labels_path.empty()) {
    IdxArray labels = idx_read(labels_path, 1, "labels file");
    if (labels.dims[0] != images.dims[0])
      throw InputError(quoted(labels_path) + ": label file does not match its image file: it holds " +
                       std::to_string(labels.dims[0]) + " labels but " + quoted(images_path) + " holds " +
                       std::to_string(count) + " images");
    int max_label = 0;
    for (int i = 0; i < count; ++i) {
      d.labels[i] = labels.data[i];
      max_label = std::max(max_label, d.labels[i]);
    }
    d.label_names = idx_label_names(images_path, max_label);
  }

  // EMNIST stores each image column by column; transpose so that letters stand upright.
  if (lower(base_name(images_path)).find("emnist") != std::string::npos) {
    std::vector<uint8_t> upright(static_cast<size_t>(rows) * cols);
    for (int i = 0; i < count; ++i) {
      uint8_t* img = images.data.data() + static_cast<size_t>(i) * rows * cols;
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) upright[static_cast<size_t>(c) * rows + r] = img[static_cast<size_t>(r) * cols + c];
      std::copy(upright.begin(), upright.end(), img);
    }
    d.warnings.push_back("EMNIST file: images transposed to stand upright");
    d.width = rows, d.height = cols;
  } else {
    d.width = cols, d.height = rows;
  }
  d.channels = 1;
  d.is_image = true;
  d.in_unit_range = true;
  d.pixels = std::move(images.data);
  return d;
}
