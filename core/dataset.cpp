// load_dataset picks the source (built-in name, folder, CSV, IDX), and Dataset turns stored bytes
// or floats into float batches. See dataset.h.
#include "dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "data_csv.h"
#include "data_generated.h"
#include "data_idx.h"
#include "data_images.h"
#include "errors.h"

namespace {

constexpr int kGeneratedDefaultCount = 12000;  // 10,000 train + 2,000 held out
constexpr int kGeneratedMaxCount = 1000000;    // 784 MB of bytes: beyond that, use a file

bool ends_with_lower(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

Dataset load_generated(const DataSpec& spec) {
  const int count = spec.count < 0 ? kGeneratedDefaultCount : spec.count;
  if (count < 1 || count > kGeneratedMaxCount)
    throw InputError(spec.source + ": count " + std::to_string(count) + " must be 1 to " +
                     std::to_string(kGeneratedMaxCount));
  // 5/6 train keeps the documented default of 10,000 + 2,000 and scales with count.
  const int train = dataset_resolve_train_count(spec.train_count, count, std::max(1, count - count / 6), spec.source);
  if (spec.source == "digits") return generate_digits(count, train, spec.seed);
  if (spec.source == "sprites") return generate_sprites(count, train, spec.seed);
  return generate_faces(count, train, spec.seed);
}

}  // namespace

std::vector<std::string> builtin_dataset_names() { return {"digits", "sprites", "faces"}; }

int dataset_resolve_train_count(int requested, int count, int default_train, const std::string& source) {
  if (requested == -1) return std::min(count, std::max(1, default_train));
  if (requested < 1 || requested > count)
    throw InputError(source + ": train count " + std::to_string(requested) + " must be 1 to " +
                     std::to_string(count) + " (the number of samples)");
  return requested;
}

Dataset load_dataset(const DataSpec& spec) {
  if (spec.train_count < -1) throw InputError("train count " + std::to_string(spec.train_count) + " is negative");
  if (spec.count < -1) throw InputError("count " + std::to_string(spec.count) + " is negative");
  const std::vector<std::string> builtins = builtin_dataset_names();
  if (std::find(builtins.begin(), builtins.end(), spec.source) != builtins.end()) {
    if (!spec.labels_path.empty())
      throw InputError(spec.labels_path + ": a labels file applies to IDX images, not to the built-in " + spec.source);
    return load_generated(spec);
  }

  const std::string& path = spec.source;
  struct stat st;
  if (path.empty() || stat(path.c_str(), &st) != 0) {
    std::string names;
    for (const std::string& n : builtins) names += (names.empty() ? "" : ", ") + n;
    throw InputError("'" + path + "': no such file or folder, and not a built-in dataset (" + names + ")");
  }
  if (!S_ISDIR(st.st_mode) && (ends_with_lower(path, ".png") || ends_with_lower(path, ".jpg") ||
                               ends_with_lower(path, ".jpeg")))
    throw InputError("'" + path + "': a single image is not a dataset; give the folder that holds the images");
  if (!spec.labels_path.empty() && (S_ISDIR(st.st_mode) || ends_with_lower(path, ".csv")))
    throw InputError(spec.labels_path + ": a labels file applies to IDX images only; '" + path +
                     "' carries its labels itself");

  Dataset d;
  if (S_ISDIR(st.st_mode)) {
    if (spec.image_size < 4 || spec.image_size > 512)
      throw InputError("image size " + std::to_string(spec.image_size) + " must be 4 to 512");
    d = images_load_folder(path, spec.image_size, spec.rgb, spec.train_count, spec.seed);
  } else if (ends_with_lower(path, ".csv")) {
    d = csv_load(path, spec.csv_label_column, spec.csv_scaling, spec.train_count);
  } else {
    d = idx_load(path, spec.labels_path, spec.train_count);
  }
  if (spec.count >= 0) d.warnings.push_back("count is ignored: it applies to the built-in generators only");
  return d;
}

//---- batches --------------------------------------------------------------------------------
void Dataset::gather(const int* idx, int n, MatRef out) const {
  const int f = features();
  if (out.rows() != f || out.cols() < n) throw std::invalid_argument("Dataset::gather: out has the wrong shape");
  for (int j = 0; j < n; ++j) {
    const int i = idx[j];
    if (i < 0 || i >= count) throw std::out_of_range("Dataset::gather: sample index out of range");
    if (!pixels.empty()) {
      const uint8_t* src = pixels.data() + static_cast<size_t>(i) * f;
      float* dst = out.col(j).data();  // a column of a column-major Ref is contiguous
      for (int r = 0; r < f; ++r) dst[r] = src[r] * (1.0f / 255.0f);
    } else {
      out.col(j) = values.col(i);
    }
  }
}

void Dataset::copy_range(int first, int n, MatRef out) const {
  if (first < 0 || n < 0 || first + n > count) throw std::out_of_range("Dataset::copy_range: range out of bounds");
  const int f = features();
  if (out.rows() != f || out.cols() < n) throw std::invalid_argument("Dataset::copy_range: out has the wrong shape");
  if (pixels.empty()) {
    out.leftCols(n) = values.middleCols(first, n);
    return;
  }
  for (int j = 0; j < n; ++j) {
    const uint8_t* src = pixels.data() + static_cast<size_t>(first + j) * f;
    float* dst = out.col(j).data();
    for (int r = 0; r < f; ++r) dst[r] = src[r] * (1.0f / 255.0f);
  }
}
