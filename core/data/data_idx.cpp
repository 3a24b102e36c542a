// The IDX loader. See data_idx.h.
// Sections: the byte source (raw or gzip, file or memory), the header, the payload, the dataset.
#include "data/data_idx.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "io/errors.h"
#include "io/file_input.h"
#include "data/image_decode.h"  // kImageMaxSide: one limit for every source of images

namespace {

std::string quoted(const std::string& path) { return "'" + printable_path(path) + "'"; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

//---- the byte source ------------------------------------------------------------------------
// Reads a file's (or a memory buffer's) bytes in order, inflating them first when they are gzip.
// The real length of the input is known up front; the inflated length of gzip is not, so its
// callers read in bounded steps. A gzip input may be several members back to back (RFC 1952):
// after a member's end marker, whatever follows must be another member.
class ByteSource {
 public:
  // Takes ownership of `file`, already opened by open_regular_file.
  ByteSource(std::FILE* file, uint64_t size, const std::string& name) : name_(name), file_(file), size_(size) {
    start();
  }
  ByteSource(const uint8_t* bytes, size_t n, const std::string& name)
      : name_(name), memory_(bytes), size_(n) {
    start();
  }
  ~ByteSource() {
    if (z_open_) inflateEnd(&z_);
    if (file_) std::fclose(file_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  bool gzip() const { return gzip_; }
  uint64_t input_size() const { return size_; }

  // Reads up to n bytes; fewer only when the data ends. Corrupt gzip data throws.
  size_t read(uint8_t* dst, size_t n) {
    if (!gzip_) {
      const size_t pending = std::min<size_t>(n, avail_);
      std::memcpy(dst, in_buf_.data() + pos_, pending);
      pos_ += pending, avail_ -= pending;
      return pending + (n > pending ? read_input(dst + pending, n - pending) : 0);
    }
    z_.next_out = dst;
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out > 0) {
      if (member_ended_) {
        if (!next_member_follows()) break;
        inflateReset(&z_);
        member_ended_ = false;
      }
      if (z_.avail_in == 0 && refill() == 0) break;  // the compressed input ends here
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
        throw InputError(quoted(name_) + ": corrupt gzip data (zlib: " + (z_.msg ? z_.msg : "error") + ")");
      }
    }
    return n - z_.avail_out;
  }

  // After the payload the header declares, nothing may follow: neither more data nor, for gzip,
  // more compressed bytes; and the last gzip member must have reached its end marker (which
  // carries the checksum, so this is also where a damaged stream shows). At most a few hundred
  // bytes past the declared payload are ever inflated.
  void expect_end(const char* what, uint64_t declared_bytes) {
    uint8_t extra[256];
    const size_t more = read(extra, sizeof extra);
    if (more > 0)
      throw InputError(quoted(name_) + ": trailing data after the " + std::to_string(declared_bytes) +
                       " bytes of the " + what + " its header declares");
    if (gzip_ && !member_ended_)
      throw InputError(quoted(name_) + ": truncated gzip stream (it ends before its end marker)");
  }

 private:
  void start() {
    if (size_ == 0) throw InputError(quoted(name_) + ": the file is empty");
    in_buf_.resize(1 << 16);
    avail_ = read_input(in_buf_.data(), in_buf_.size());
    gzip_ = avail_ >= 2 && in_buf_[0] == 0x1f && in_buf_[1] == 0x8b;
    if (!gzip_) return;
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)  // 16+: expect a gzip wrapper
      throw InputError(quoted(name_) + ": cannot start gzip decompression");
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    inflateValidate(&z_, 0);  // lets mutated members reach the multi-member and trailing-data checks
#endif
    z_open_ = true;
    z_.next_in = in_buf_.data();
    z_.avail_in = static_cast<uInt>(avail_);
  }

  // The undecoded input, from the file or the memory buffer.
  size_t read_input(uint8_t* dst, size_t n) {
    if (file_) return std::fread(dst, 1, n, file_);
    const size_t got = static_cast<size_t>(std::min<uint64_t>(n, size_ - memory_pos_));
    if (got) std::memcpy(dst, memory_ + memory_pos_, got);
    memory_pos_ += got;
    return got;
  }

  // Appends more compressed input after what zlib has not consumed yet; returns the bytes added.
  size_t refill() {
    if (z_.avail_in > 0 && z_.next_in != in_buf_.data()) std::memmove(in_buf_.data(), z_.next_in, z_.avail_in);
    const size_t kept = z_.avail_in;
    const size_t got = read_input(in_buf_.data() + kept, in_buf_.size() - kept);
    z_.next_in = in_buf_.data();
    z_.avail_in = static_cast<uInt>(kept + got);
    return got;
  }

  // After a member's end: false at the end of the input, true if another gzip member starts
  // (its magic 1f 8b); anything else is junk after the stream.
  bool next_member_follows() {
    if (z_.avail_in < 2) refill();
    if (z_.avail_in == 0) return false;
    if (z_.avail_in >= 2 && z_.next_in[0] == 0x1f && z_.next_in[1] == 0x8b) return true;
    throw InputError(quoted(name_) + ": trailing bytes after the end of the gzip stream");
  }

  std::string name_;
  std::FILE* file_ = nullptr;
  const uint8_t* memory_ = nullptr;
  uint64_t memory_pos_ = 0;
  uint64_t size_ = 0;
  bool gzip_ = false;
  std::vector<uint8_t> in_buf_;
  size_t pos_ = 0, avail_ = 0;  // raw input read ahead into in_buf_ by start()
  z_stream z_;
  bool z_open_ = false;
  bool member_ended_ = false;
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

//---- the payload ----------------------------------------------------------------------------

IdxArray idx_parse_source(ByteSource& src, const std::string& name, int expected_dims, const char* what) {
  const std::string where = quoted(name) + (src.gzip() ? " (gzip)" : "");

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
  const std::vector<uint32_t> item_dims(out.dims.begin() + 1, out.dims.end());
  for (uint32_t side : item_dims)
    if (side == 0 || side > static_cast<uint32_t>(kImageMaxSide))
      throw InputError(where + ": huge dimensions: the header declares items of " + shape_text(item_dims) +
                       "; each side must be 1 to " + std::to_string(kImageMaxSide));
  uint64_t item_bytes = 1;  // at most 8192^2: no overflow
  for (uint32_t side : item_dims) item_bytes *= side;
  if (item_bytes > kIdxMaxFeatures)
    throw InputError(where + ": images too large: the header declares images of " + shape_text(item_dims) + " = " +
                     std::to_string(item_bytes) + " pixels; the limit is " + std::to_string(kIdxMaxFeatures) +
                     " pixels (1024x1024) per image, far beyond what a model can take as input");
  const uint64_t payload = out.dims[0] * item_bytes;  // < 2^32 * 2^20: no overflow

  // The input's real length is known: a raw file's header must account for it exactly, and a
  // gzip file cannot hold more than deflate's largest expansion (1032 to 1) of its size.
  if (!src.gzip()) {
    const uint64_t real = src.input_size() - std::min(src.input_size(), header_bytes);
    if (payload > real)
      throw InputError(where + ": truncated or count mismatch: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes but the file holds " + std::to_string(real) +
                       " bytes after its " + std::to_string(header_bytes) + "-byte header");
    if (payload < real)
      throw InputError(where + ": count mismatch: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes but the file holds " + std::to_string(real) +
                       " bytes after its header (trailing data)");
  } else {
    const uint64_t most = src.input_size() * 1032 + 1024;
    if (payload > most)
      throw InputError(where + ": truncated or corrupt: the header declares " + shape_text(out.dims) + " = " +
                       std::to_string(payload) + " bytes, more than a " + std::to_string(src.input_size()) +
                       "-byte gzip file can hold");
  }
  // Budgets, before anything is allocated.
  if (out.dims[0] > kIdxMaxCount)
    throw InputError(where + ": too many items: the header declares " + std::to_string(out.dims[0]) + " " +
                     (ndims == 1 ? "labels" : "images") + "; the limit is " + std::to_string(kIdxMaxCount));
  if (payload > kIdxMaxBytes)
    throw InputError(where + ": too large: the header declares " + shape_text(out.dims) + " = " +
                     std::to_string(payload) + " bytes; the limit is " + std::to_string(kIdxMaxBytes) + " bytes");

  // Read in growing steps: the buffer never holds much more than the data that really arrived
  // (a gzip header can lie), and never more than the payload.
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

}  // namespace

IdxArray idx_read(const std::string& path, int expected_dims, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 && errno == ENOENT)
    throw InputError(quoted(path) + ": cannot open the " + what + ": no such file");
  uint64_t size = 0;
  std::FILE* file = open_regular_file(path, what, &size);
  ByteSource src(file, size, path);
  return idx_parse_source(src, path, expected_dims, what);
}

IdxArray idx_parse(const uint8_t* bytes, size_t n, int expected_dims, const char* what, const std::string& name) {
  ByteSource src(bytes, n, name);
  return idx_parse_source(src, name, expected_dims, what);
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
  // First 80% in file order (64-bit: count * 4 must not overflow), as the reference protocol wants.
  const int first_80_percent = static_cast<int>(static_cast<int64_t>(count) * 4 / 5);
  d.train_count = dataset_resolve_train_count(train_count, count, first_80_percent, printable_path(images_path));
  d.split_rule = "first " + std::to_string(d.train_count) + " train, rest held out (file order)";
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
