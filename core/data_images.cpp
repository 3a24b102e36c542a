// The image-folder loader. See data_images.h.
// Sections: the area resampler, finding the files, checking sizes, decoding.
#include "data_images.h"

#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>
#include <vector>

#include "errors.h"
#include "rng.h"

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
  std::string shown;  // the path relative to the folder, for messages
  int label = -1;
  int width = 0, height = 0;
};

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// Sorted entries of a folder; a folder that cannot be listed is an InputError.
std::vector<fs::directory_entry> sorted_entries(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError("'" + dir.string() + "': cannot list the folder: " + ec.message());
  std::vector<fs::directory_entry> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError("'" + dir.string() + "': cannot list the folder: " + ec.message());
    entries.push_back(*it);
  }
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  return entries;
}

void add_warning_capped(std::vector<std::string>& warnings, int& skipped, const std::string& text) {
  constexpr int kNamedAtMost = 20;  // beyond that, a count keeps the summary readable
  if (++skipped <= kNamedAtMost) warnings.push_back(text);
}

}  // namespace

//---- checking sizes and decoding ------------------------------------------------------------
Dataset images_load_folder(const std::string& folder, int image_size, bool rgb, int train_count, uint64_t seed) {
  const fs::path root(folder);
  Dataset d;
  d.name = folder;
  int ignored = 0, skipped = 0;

  std::vector<ImageFile> files;
  for (const fs::directory_entry& e : sorted_entries(root)) {
    std::error_code ec;
    if (e.is_directory(ec)) {
      const int label = static_cast<int>(d.label_names.size());
      bool any = false;
      for (const fs::directory_entry& f : sorted_entries(e.path())) {
        if (f.is_regular_file(ec) && is_image_name(f.path())) {
          files.push_back({f.path(), e.path().filename().string() + "/" + f.path().filename().string(), label});
          any = true;
        } else {
          ++ignored;
        }
      }
      if (any) d.label_names.push_back(e.path().filename().string());
    } else if (e.is_regular_file(ec) && is_image_name(e.path())) {
      files.push_back({e.path(), e.path().filename().string(), -1});
    } else {
      ++ignored;
    }
    if (static_cast<int>(files.size()) > kFolderMaxImages)
      throw InputError("'" + folder + "': more than " + std::to_string(kFolderMaxImages) + " images");
  }
  if (files.empty())
    throw InputError("'" + folder + "': empty folder: no PNG or JPEG images in it or in its sub-folders");

  // Sizes first, from the headers alone: a file too large to decode is skipped before any
  // decoding, and the whole folder is refused if it would take too long or too much memory.
  std::vector<ImageFile> readable;
  uint64_t total_pixels = 0;
  for (ImageFile& f : files) {
    int w = 0, h = 0, comp = 0;
    if (!stbi_info(f.path.c_str(), &w, &h, &comp)) {
      const char* why = stbi_failure_reason();
      add_warning_capped(d.warnings, skipped, "skipped " + f.shown + ": not a readable PNG/JPEG (" + (why ? why : "unknown") + ")");
      continue;
    }
    if (w < 1 || h < 1 || w > kFolderMaxSide || h > kFolderMaxSide) {
      add_warning_capped(d.warnings, skipped, "skipped " + f.shown + ": " + std::to_string(w) + "x" + std::to_string(h) +
                                                  " is beyond the limit of " + std::to_string(kFolderMaxSide) + " per side");
      continue;
    }
    f.width = w, f.height = h;
    total_pixels += static_cast<uint64_t>(w) * h;
    if (total_pixels > kFolderPixelBudget)
      throw InputError("'" + folder + "': too large: the images add up to more than " +
                       std::to_string(kFolderPixelBudget >> 20) + " megapixels; use fewer or smaller images");
    readable.push_back(f);
  }

  // Shuffle, so the held-out part mixes every label rather than being the last folders.
  Rng rng(seed);
  for (size_t i = readable.size(); i > 1; --i) std::swap(readable[i - 1], readable[rng.below(static_cast<int>(i))]);

  d.width = d.height = image_size;
  d.channels = rgb ? 3 : 1;
  d.is_image = true;
  d.in_unit_range = true;
  const size_t features = static_cast<size_t>(d.features());
  d.pixels.resize(readable.size() * features);
  int loaded = 0;
  for (const ImageFile& f : readable) {
    int w = 0, h = 0, comp = 0;
    uint8_t* img = stbi_load(f.path.c_str(), &w, &h, &comp, d.channels);
    if (!img || w != f.width || h != f.height) {
      const char* why = img ? "size changed while reading" : stbi_failure_reason();
      if (img) stbi_image_free(img);
      add_warning_capped(d.warnings, skipped, "skipped " + f.shown + ": cannot decode (" + (why ? why : "unknown") + ")");
      continue;
    }
    // Centre-crop to a square, then area-resample.
    const int side = std::min(w, h), x0 = (w - side) / 2, y0 = (h - side) / 2;
    const size_t stride = static_cast<size_t>(w) * d.channels;
    resize_area_strided(img + y0 * stride + static_cast<size_t>(x0) * d.channels, side, side, stride, d.channels,
                        d.pixels.data() + loaded * features, image_size, image_size);
    stbi_image_free(img);
    d.labels.push_back(f.label);
    ++loaded;
  }
  if (skipped > 20) d.warnings.push_back("... and " + std::to_string(skipped - 20) + " more files skipped");
  if (ignored > 0) d.warnings.push_back("ignored " + std::to_string(ignored) + " entries that are not .png/.jpg/.jpeg files");
  if (loaded == 0)
    throw InputError("'" + folder + "': none of the " + std::to_string(files.size()) + " image files could be read" +
                     (d.warnings.empty() ? "" : "; first: " + d.warnings.front()));
  d.pixels.resize(loaded * features);
  d.pixels.shrink_to_fit();
  d.count = loaded;
  d.train_count = dataset_resolve_train_count(train_count, loaded, loaded * 4 / 5, folder);
  if (skipped > 0)
    d.warnings.insert(d.warnings.begin(), std::to_string(skipped) + " of " + std::to_string(files.size()) +
                                              " image files skipped; " + std::to_string(loaded) + " loaded");
  return d;
}
