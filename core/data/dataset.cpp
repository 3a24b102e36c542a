// load_dataset picks the source (built-in name, folder, CSV, IDX), and Dataset turns stored bytes
// or floats into float batches. See dataset.h.
#include "data/dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_map>

#include "data/data_csv.h"
#include "data/data_generated.h"
#include "data/data_idx.h"
#include "data/data_images.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "nn/rng.h"

namespace {

constexpr int kGeneratedMaxCount = 1000000;    // 784 MB of bytes: beyond that, use a file

bool ends_with_lower(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

Dataset load_generated(const DataSpec& spec) {
  const BuiltinDataset& set = *builtin_dataset_find(spec.source);
  const int count = spec.count < 0 ? set.default_count : spec.count;
  if (count < 1 || count > kGeneratedMaxCount)
    throw InputError(spec.source + ": count " + std::to_string(count) + " must be 1 to " +
                     std::to_string(kGeneratedMaxCount));
  // The set's default split at its default count (10,000 + 2,000; lines 60,000 + 5,000); another
  // count keeps the same share held out.
  const int test = static_cast<int>(int64_t(count) * set.default_test / set.default_count);
  const int train = dataset_resolve_train_count(spec.train_count, count, std::max(1, count - test), spec.source);
  // The size asked for, where the set draws it; otherwise its own (the warning below says so).
  const bool sized = set.sizeable && std::find(std::begin(kGeneratedSides), std::end(kGeneratedSides), spec.image_size) !=
                                         std::end(kGeneratedSides);
  Dataset d = set.generate(count, train, spec.seed, sized ? spec.image_size : DataSpec{}.image_size);
  d.split_rule = "first " + std::to_string(d.train_count) + " train, rest held out (generation order)";
  // The image-folder options do not apply: say so rather than ignore them silently.
  if (spec.rgb && d.channels != 3) {
    std::string colour_sets;
    for (const BuiltinDataset& b : builtin_datasets())
      if (b.channels == 3) colour_sets += (colour_sets.empty() ? "" : ", ") + std::string(b.name);
    d.warnings.push_back("rgb is ignored: it applies to image folders; the built-in colour sets are " + colour_sets);
  }
  // (An image size left at its default says nothing, whatever the set's own size: lines are 32x32.)
  if (spec.image_size != DataSpec{}.image_size && spec.image_size != d.width) {
    std::string sides;
    for (int side : kGeneratedSides) sides += (sides.empty() ? "" : ", ") + std::to_string(side);
    d.warnings.push_back("image size " + std::to_string(spec.image_size) + " is ignored: " + spec.source + " is " +
                         std::to_string(d.width) + "x" + std::to_string(d.height) +
                         (set.sizeable ? "; it is drawn at " + sides : "; the size applies to image folders and the sets drawn at " + sides));
  }
  return d;
}

}  // namespace

const std::vector<BuiltinDataset>& builtin_datasets() {
  static const std::vector<BuiltinDataset> table = {
      {"digits", "handwriting-like 0-9 from stroke templates, grey; label = digit", 1,
       [](int count, int train, uint64_t seed, int) { return generate_digits(count, train, seed); }},
      {"digits-noise", "the digits mixed half and half with uniform noise, pixel by pixel, so every pixel varies "
                       "(the data on which an overcomplete AE learns to copy); label = digit", 1,
       [](int count, int train, uint64_t seed, int) { return generate_digits_noise(count, train, seed); },
       nullptr, 12000, 2000, false, "digits"},
      {"sprites", "dSprites-like square, ellipse and heart, grey; label = shape; factors shape, scale, rotation, x, y", 1,
       [](int count, int train, uint64_t seed, int side) { return generate_sprites(count, train, seed, 1, side); },
       "Measured here: raising beta from 1 to 4 did NOT raise the MIG under the defaults (batch 128, 20 epochs: "
       "inside the seeds' spread); with batch 32 it did, 0.017 -> 0.056, in every seed, as beta 4 switched off 3-4 "
       "dimensions; beta 8 fell back to 0.040 (VAE 784-256-10, 3 seeds; README, Inside the VAE).",
       12000, 2000, true},
      {"sprites-rgb", "the sprites in colour (RGB, 3 channels); factors as sprites plus hue, 0-1 around the colour circle", 3,
       [](int count, int train, uint64_t seed, int side) { return generate_sprites(count, train, seed, 3, side); },
       nullptr, 12000, 2000, true},
      {"faces", "cartoon faces, grey; label = frowning/neutral/smiling; factors smile, eye_openness, face_width, head_tilt",
       1, [](int count, int train, uint64_t seed, int side) { return generate_faces(count, train, seed, 1, side); },
       nullptr, 12000, 2000, true},
      {"faces-rgb", "the faces with a coloured head (RGB, 3 channels); factors as faces plus hue, 0-1 around the colour circle", 3,
       [](int count, int train, uint64_t seed, int side) { return generate_faces(count, train, seed, 3, side); },
       nullptr, 12000, 2000, true},
      // The lines benchmark's protocol: a large training set and 5,000 held-out lines.
      {"lines", "Berthelot et al.'s lines benchmark, 32x32 grey: a line from the centre at a random angle; "
                "label = angle in 10 bins; factor angle", 1,
       [](int count, int train, uint64_t seed, int) { return generate_lines(count, train, seed); }, nullptr, 65000, 5000},
  };
  return table;
}

const BuiltinDataset* builtin_dataset_find(const std::string& name) {
  for (const BuiltinDataset& b : builtin_datasets())
    if (name == b.name) return &b;
  return nullptr;
}

std::string builtin_dataset_family(const std::string& name) {
  const BuiltinDataset* b = builtin_dataset_find(name);
  return b && b->drawn_from ? b->drawn_from : name;
}

std::vector<std::string> builtin_dataset_names() {
  std::vector<std::string> names;
  for (const BuiltinDataset& b : builtin_datasets()) names.push_back(b.name);
  return names;
}

int dataset_resolve_train_count(int requested, int count, int default_train, const std::string& source) {
  if (requested == -1) return std::min(count, std::max(1, default_train));
  if (requested < 1 || requested > count)
    throw InputError(source + ": train count " + std::to_string(requested) + " must be 1 to " +
                     std::to_string(count) + " (the number of samples)");
  return requested;
}

StratifiedSplit dataset_stratified_split(const std::vector<int>& labels, int requested, uint64_t seed,
                                         const std::string& source) {
  const int n = static_cast<int>(labels.size());
  if (n < 1) throw InputError(source + ": no samples to split");
  if (requested != -1 && (requested < 1 || requested > n))
    throw InputError(source + ": train count " + std::to_string(requested) + " must be 1 to " + std::to_string(n) +
                     " (the number of samples)");
  // Groups by label, in order of first appearance (label -1 is a group like any other).
  std::unordered_map<int, size_t> group_of_label;  // a search per sample would cost samples x labels
  std::vector<std::vector<int>> groups;
  for (int i = 0; i < n; ++i) {
    const auto [it, is_new] = group_of_label.emplace(labels[i], groups.size());
    if (is_new) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  Rng rng(seed);
  for (std::vector<int>& g : groups)
    for (size_t i = g.size(); i > 1; --i) std::swap(g[i - 1], g[rng.below(static_cast<int>(i))]);

  // Quota per group: 80% (at least one) by default, or a share of `requested` by largest remainder.
  std::vector<int> quota(groups.size());
  if (requested == -1) {
    for (size_t g = 0; g < groups.size(); ++g) {
      const int size = static_cast<int>(groups[g].size());
      quota[g] = std::max(1, static_cast<int>(static_cast<int64_t>(size) * 4 / 5));
    }
  } else {
    std::vector<std::pair<int64_t, size_t>> remainders;
    int given = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      const int64_t share = static_cast<int64_t>(requested) * static_cast<int64_t>(groups[g].size());
      quota[g] = static_cast<int>(share / n);
      given += quota[g];
      remainders.push_back({share % n, g});
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; given < requested; ++k, ++given) ++quota[remainders[k % remainders.size()].second];
  }

  StratifiedSplit split;
  split.order.reserve(n);
  for (size_t g = 0; g < groups.size(); ++g) split.order.insert(split.order.end(), groups[g].begin(), groups[g].begin() + quota[g]);
  split.train_count = static_cast<int>(split.order.size());
  for (size_t g = 0; g < groups.size(); ++g) split.order.insert(split.order.end(), groups[g].begin() + quota[g], groups[g].end());
  // Shuffle inside each part so that training batches and the held-out list mix the labels.
  for (int i = split.train_count; i > 1; --i) std::swap(split.order[i - 1], split.order[rng.below(i)]);
  for (int i = n - split.train_count; i > 1; --i)
    std::swap(split.order[split.train_count + i - 1], split.order[split.train_count + rng.below(i)]);
  return split;
}

void dataset_apply_order(Dataset& d, const std::vector<int>& order) {
  if (static_cast<int>(order.size()) != d.count) throw std::invalid_argument("dataset_apply_order: wrong size");
  const size_t f = static_cast<size_t>(d.features());
  if (!d.pixels.empty()) {
    std::vector<uint8_t> pixels(d.pixels.size());
    for (int i = 0; i < d.count; ++i)
      std::copy_n(d.pixels.data() + static_cast<size_t>(order[i]) * f, f, pixels.data() + static_cast<size_t>(i) * f);
    d.pixels.swap(pixels);
  }
  if (d.values.cols() == d.count) {
    Mat values(d.values.rows(), d.count);
    for (int i = 0; i < d.count; ++i) values.col(i) = d.values.col(order[i]);
    d.values.swap(values);
  }
  if (static_cast<int>(d.labels.size()) == d.count) {
    std::vector<int> labels(d.count);
    for (int i = 0; i < d.count; ++i) labels[i] = d.labels[order[i]];
    d.labels.swap(labels);
  }
  if (d.factors.cols() == d.count) {
    Mat factors(d.factors.rows(), d.count);
    for (int i = 0; i < d.count; ++i) factors.col(i) = d.factors.col(order[i]);
    d.factors.swap(factors);
  }
}

bool data_source_takes_labels(const std::string& source) {
  if (builtin_dataset_find(source)) return false;
  struct stat st;
  if (stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
  return !ends_with_lower(source, ".csv");
}

Dataset load_dataset(const DataSpec& spec) {
  if (spec.train_count < -1) throw InputError("train count " + std::to_string(spec.train_count) + " is negative");
  if (spec.count < -1) throw InputError("count " + std::to_string(spec.count) + " is negative");
  if (builtin_dataset_find(spec.source)) {
    if (!spec.labels_path.empty())
      throw InputError("'" + printable_path(spec.labels_path) + "': a labels file applies to IDX images, not to the built-in " +
                       spec.source);
    return load_generated(spec);
  }

  const std::string& path = spec.source;
  struct stat st;
  if (path.empty() || stat(path.c_str(), &st) != 0) {
    std::string names;
    for (const BuiltinDataset& b : builtin_datasets()) names += (names.empty() ? "" : ", ") + std::string(b.name);
    throw InputError("'" + printable_path(path) + "': no such file or folder, and not a built-in dataset (" + names + ")");
  }
  // A FIFO would block the first read forever and a device such as /dev/zero never ends: only
  // regular files and folders are data.
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
    throw InputError("'" + printable_path(path) + "': is " + file_kind_if_not_regular(path) +
                     ", not a regular file; give an IDX file, a CSV file or an image folder");
  if (!S_ISDIR(st.st_mode) && (ends_with_lower(path, ".png") || ends_with_lower(path, ".jpg") ||
                               ends_with_lower(path, ".jpeg")))
    throw InputError("'" + printable_path(path) + "': a single image is not a dataset; give the folder that holds the images");
  if (!spec.labels_path.empty() && !data_source_takes_labels(path))
    throw InputError("'" + printable_path(spec.labels_path) + "': a labels file applies to IDX images only; '" +
                     printable_path(path) + "' carries its labels itself");

  Dataset d;
  if (S_ISDIR(st.st_mode)) {
    if (spec.image_size < 4 || spec.image_size > 512)
      throw InputError("image size " + std::to_string(spec.image_size) + " must be 4 to 512");
    d = images_load_folder(path, spec.image_size, spec.rgb, spec.train_count, spec.seed);
  } else if (ends_with_lower(path, ".csv")) {
    d = csv_load(path, spec.csv_label_column, spec.csv_scaling, spec.train_count, spec.seed);
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
