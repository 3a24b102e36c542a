// The image-folder loader. See data_images.h.
// Sections: the area resampler, finding the files, reading one file, checking sizes and decoding.
#include "data/data_images.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>
#include <vector>

#include "io/errors.h"
#include "io/file_input.h"

namespace fs = std::filesystem;

//---- the area resampler ---------------------------------------------------------------------
namespace {

// For one axis: which source pixels each output pixel covers, and by how much (weights sum to 1).
struct AreaTap {
  int src;
  float weight;
};

std::vector<std::vector<AreaTap>> area_taps(int src_size, int dst_size) {
  std::vector<std::vector<AreaTap>> taps(dst_size);
  const double scale = static_cast<double>(src_size) / dst_size;
  for (int o = 0; o < dst_size; ++o) {
    const double lo = o * scale, hi = (o + 1) * scale;
    for (int i = static_cast<int>(lo); i < src_size && i < hi; ++i) {
      const double overlap = std::min(hi, i + 1.0) - std::max(lo, static_cast<double>(i));
      if (overlap > 1e-9) taps[o].push_back({i, static_cast<float>(overlap / scale)});
    }
  }
  return taps;
}

// As resize_area, reading the source with a row stride (in bytes), so a crop needs no copy.
void resize_area_strided(const uint8_t* src, int src_w, int src_h, size_t src_stride, int channels, uint8_t* dst,
                         int dst_w, int dst_h) {
  const std::vector<std::vector<AreaTap>> tx = area_taps(src_w, dst_w), ty = area_taps(src_h, dst_h);
  std::vector<float> rows(static_cast<size_t>(src_h) * dst_w * channels);  // (src_h, dst_w, channels)
  for (int y = 0; y < src_h; ++y) {
    const uint8_t* line = src + y * src_stride;
    for (int x = 0; x < dst_w; ++x)
      for (int c = 0; c < channels; ++c) {
        float sum = 0;
        for (const AreaTap& t : tx[x]) sum += t.weight * line[static_cast<size_t>(t.src) * channels + c];
        rows[(static_cast<size_t>(y) * dst_w + x) * channels + c] = sum;
      }
  }
  for (int y = 0; y < dst_h; ++y)
    for (int x = 0; x < dst_w; ++x)
      for (int c = 0; c < channels; ++c) {
        float sum = 0;
        for (const AreaTap& t : ty[y]) sum += t.weight * rows[(static_cast<size_t>(t.src) * dst_w + x) * channels + c];
        const float v = sum + 0.5f;
        dst[(static_cast<size_t>(y) * dst_w + x) * channels + c] = static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
      }
}

}  // namespace

void resize_area(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w, int dst_h) {
  resize_area_strided(src, src_w, src_h, static_cast<size_t>(src_w) * channels, channels, dst, dst_w, dst_h);
}

//---- finding the files ----------------------------------------------------------------------
namespace {

struct ImageFile {
  fs::path path;
  std::string shown;  // the path relative to the folder, printable, for messages
  int label = -1;
  int width = 0, height = 0;
};

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::string quoted(const fs::path& p) { return "'" + printable_path(p.string()) + "'"; }

// Sorted entries of a folder; a folder that cannot be listed is an InputError.
std::vector<fs::directory_entry> sorted_entries(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError(quoted(dir) + ": cannot list the folder: " + ec.message());
  std::vector<fs::directory_entry> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError(quoted(dir) + ": cannot list the folder: " + ec.message());
    entries.push_back(*it);
  }
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  return entries;
}

constexpr int kNamedAtMost = 20;  // skipped files named in the warnings; beyond that, a count

void add_warning_capped(std::vector<std::string>& warnings, int& skipped, const std::string& text) {
  if (++skipped <= kNamedAtMost) warnings.push_back(text);
}

//---- reading one file -----------------------------------------------------------------------
// The whole file, or nothing and the reason in *why: not a regular file (a FIFO would block a
// plain read forever), missing, unreadable or over kImageMaxFileBytes.
std::vector<uint8_t> read_image_file(const fs::path& path, std::string* why) {
  try {
    const std::string kind = file_kind_if_not_regular(path.string());
    if (!kind.empty()) {
      *why = "is " + kind + ", not a regular file";
      return {};
    }
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) > kImageMaxFileBytes) {
      *why = "the file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
             std::to_string(kImageMaxFileBytes) + " bytes for an image";
      return {};
    }
    return read_regular_file(path.string(), "image file", kImageMaxFileBytes);
  } catch (const InputError& e) {  // the file changed under us; its message names it in full
    *why = e.what();
    return {};
  }
}

}  // namespace

//---- checking sizes and decoding ------------------------------------------------------------
Dataset images_load_folder(const std::string& folder, int image_size, bool rgb, int train_count, uint64_t seed) {
  const fs::path root(folder);
  const std::string shown_folder = "'" + printable_path(folder) + "'";
  Dataset d;
  d.name = folder;
  int ignored = 0, skipped = 0;

  // Every entry with an image name that is not a folder is a candidate, FIFOs and devices too:
  // they are then skipped by name with the reason, rather than silently ignored.
  std::vector<ImageFile> files;
  for (const fs::directory_entry& e : sorted_entries(root)) {
    std::error_code ec;
    if (e.is_directory(ec)) {
      const int label = static_cast<int>(d.label_names.size());
      const std::string label_name = printable_path(e.path().filename().string());
      bool any = false;
      for (const fs::directory_entry& f : sorted_entries(e.path())) {
        if (!f.is_directory(ec) && is_image_name(f.path())) {
          files.push_back({f.path(), label_name + "/" + printable_path(f.path().filename().string()), label});
          any = true;
        } else {
          ++ignored;
        }
      }
      if (any) d.label_names.push_back(label_name);
    } else if (is_image_name(e.path())) {
      files.push_back({e.path(), printable_path(e.path().filename().string()), -1});
    } else {
      ++ignored;
    }
    if (static_cast<int>(files.size()) > kFolderMaxImages)
      throw InputError(shown_folder + ": more than " + std::to_string(kFolderMaxImages) + " images");
  }
  if (files.empty())
    throw InputError(shown_folder + ": empty folder: no PNG or JPEG images in it or in its sub-folders");

  d.width = d.height = image_size;
  d.channels = rgb ? 3 : 1;
  d.is_image = true;
  d.in_unit_range = true;

  // Sizes first, from the headers alone (each file is read, nothing decoded): a file beyond the
  // per-image limits is skipped, and the whole folder is refused if it would take too long or
  // too much memory.
  std::vector<ImageFile> readable;
  uint64_t total_pixels = 0;
  for (ImageFile& f : files) {
    std::string why;
    const std::vector<uint8_t> bytes = read_image_file(f.path, &why);
    ImageHeader header;
    if (why.empty()) why = image_read_header(bytes.data(), bytes.size(), &header);
    if (why.empty()) why = image_check_limits(header, bytes.size(), d.channels);
    if (!why.empty()) {
      add_warning_capped(d.warnings, skipped, "skipped " + f.shown + ": " + why);
      continue;
    }
    f.width = header.width, f.height = header.height;
    total_pixels += static_cast<uint64_t>(f.width) * f.height;
    if (total_pixels > kFolderPixelBudget)
      throw InputError(shown_folder + ": too large: the images add up to more than " +
                       std::to_string(kFolderPixelBudget >> 20) + " megapixels; use fewer or smaller images");
    readable.push_back(f);
  }

  const size_t features = static_cast<size_t>(d.features());
  // Twice: the stratified reordering below copies the pixels once.
  if (2 * static_cast<uint64_t>(readable.size()) * features > kFolderDatasetBytes)
    throw InputError(shown_folder + ": too large: " + std::to_string(readable.size()) + " images of " +
                     std::to_string(features) + " bytes each at image size " + std::to_string(image_size) +
                     " exceed the budget of " + std::to_string(kFolderDatasetBytes >> 20) +
                     " MiB; use a smaller image size or fewer images");
  d.pixels.resize(readable.size() * features);
  int loaded = 0;
  for (const ImageFile& f : readable) {
    std::string why;
    const std::vector<uint8_t> bytes = read_image_file(f.path, &why);
    DecodedImage img;
    if (why.empty()) {
      img = image_decode(bytes.data(), bytes.size(), d.channels);
      why = img.error;
    }
    if (why.empty() && (img.width != f.width || img.height != f.height)) why = "the file changed while the folder was read";
    if (!why.empty()) {
      add_warning_capped(d.warnings, skipped, "skipped " + f.shown + ": " + why);
      continue;
    }
    // Centre-crop to a square, then area-resample.
    const int w = img.width, h = img.height;
    const int side = std::min(w, h), x0 = (w - side) / 2, y0 = (h - side) / 2;
    const size_t stride = static_cast<size_t>(w) * d.channels;
    resize_area_strided(img.pixels.data() + y0 * stride + static_cast<size_t>(x0) * d.channels, side, side, stride,
                        d.channels, d.pixels.data() + loaded * features, image_size, image_size);
    d.labels.push_back(f.label);
    ++loaded;
  }
  if (skipped > kNamedAtMost)
    d.warnings.push_back("... and " + std::to_string(skipped - kNamedAtMost) + " more files skipped");
  if (ignored > 0) d.warnings.push_back("ignored " + std::to_string(ignored) + " entries that are not .png/.jpg/.jpeg files");
  if (loaded == 0)
    throw InputError(shown_folder + ": none of the " + std::to_string(files.size()) + " image files could be read" +
                     (d.warnings.empty() ? "" : "; first: " + d.warnings.front()));
  d.pixels.resize(loaded * features);
  d.pixels.shrink_to_fit();
  d.count = loaded;

  // A stratified split, so that the held-out part has every label in its share, not the last folders.
  const StratifiedSplit split = dataset_stratified_split(d.labels, train_count, seed, shown_folder);
  dataset_apply_order(d, split.order);
  d.train_count = split.train_count;
  d.split_rule = "stratified by label, seed " + std::to_string(seed) + ": " + std::to_string(d.train_count) + " of " +
                 std::to_string(d.count) + " images train, each label in the same share";
  if (skipped > 0)
    d.warnings.insert(d.warnings.begin(), std::to_string(skipped) + " of " + std::to_string(files.size()) +
                                              " image files skipped; " + std::to_string(loaded) + " loaded");
  return d;
}
