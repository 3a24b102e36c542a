// A dataset in memory, whatever its source: the built-in generators (builtin_datasets()),
// IDX files (MNIST family), image folders and CSV. Samples [0, train_count) are for training,
// the rest are held out. 8-bit images stay 8-bit in memory (60k MNIST images = 47 MB) and are
// turned into floats in [0,1] one batch at a time; CSV data is stored as scaled floats.
//
//   DataSpec spec;  spec.source = "digits";                 // or a path: .idx[.gz], folder/, .csv
//   Dataset d = load_dataset(spec);                          // throws InputError naming the file
//   Mat batch(d.features(), 128);  d.gather(indices, batch); // (features, 128), one sample per column
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/choices.h"
#include "nn/tensor.h"

// How CSV values are scaled, from the training rows (data/data_csv.h): to [0,1] (BCE can train on
// them), or to zero mean and unit variance.
enum class CsvScaling { MinMax, ZScore };
template <> const ChoiceList& choice_list<CsvScaling>();  // "minmax", "zscore" (data_csv.cpp)

struct DataSpec {
  std::string source = "digits";  // built-in name, or a path to an IDX file, an image folder or a CSV
  std::string labels_path;        // IDX labels file (optional)
  int train_count = -1;           // first N samples train, the rest held out; -1 = the source's default
  int count = -1;                 // built-in generators: total samples; -1 = default (12000 for digits)
  uint64_t seed = 1;              // built-in generators; the shuffled split of image folders and labelled CSV
  int image_size = 28;            // image folders: every image is resized (area filter) to this square
  bool rgb = false;               // image folders: keep colour (3 channels) instead of grayscale
  std::string csv_label_column;   // CSV: label column by header name or 0-based index; "" = none
  CsvScaling csv_scaling = CsvScaling::MinMax;
};

struct Dataset {
  std::string name;         // "digits", or the path it came from
  // Image geometry: a sample is height x width pixels of `channels` (1 grey, 3 RGB), stored
  // (y, x, c) with the channels interleaved; features() = width * height * channels. A model or
  // a view that needs the image's shape reads these three. A CSV is width = features, height = 1.
  int width = 0, height = 0, channels = 1;
  bool is_image = true;
  bool in_unit_range = true;  // all values in [0,1], so BCE is allowed
  int count = 0;            // total samples
  int train_count = 0;      // [0, train_count) train, [train_count, count) held out
  std::vector<uint8_t> pixels;  // (features * count) when stored as bytes (value = byte / 255);
                                // a sample is row-major with channels interleaved: (y, x, c)
  Mat values;                   // (features, count) when stored as floats (CSV)
  std::vector<int> labels;      // (count), -1 = unlabelled
  std::vector<std::string> label_names;   // label index -> display name
  std::vector<std::string> factor_names;  // sprites/faces (+ hue in colour): the true generative factors
  Mat factors;                            // (factor_names.size(), count)
  std::vector<std::string> warnings;      // e.g. files skipped in an image folder, by name
  std::string split_rule;  // how train/held-out was made, for `datasets`: "first 8000 train, rest held out
                           // (file order)" or "stratified by label, seed 1"; "" = not recorded

  int features() const { return width * height * channels; }
  // Where pixel (x, y)'s channel c sits within a sample: (y, x, c) interleaved, as image files
  // store it. A layer that wants planes (c, y, x) reorders with this.
  int feature_index(int x, int y, int c) const { return (y * width + x) * channels + c; }
  int test_count() const { return count - train_count; }
  // Copies samples idx[0..n) into the columns of out (features, n) as floats.
  void gather(const int* idx, int n, MatRef out) const;
  // Copies samples [first, first + n) into out (features, n).
  void copy_range(int first, int n, MatRef out) const;
};

// Loads a built-in dataset or a file/folder. Throws InputError naming the file and what is wrong;
// never returns a partial dataset as whole (skipped images are listed in `warnings`).
Dataset load_dataset(const DataSpec& spec);
// The built-in datasets, drawn by data_generated.h: one row each. load_dataset, `latentlab
// datasets` and its --help, the data flags' help and the GUI's Data panel all read this table;
// adding a built-in set is a row here plus its generator.
struct BuiltinDataset {
  const char* name;         // what --data takes
  const char* description;  // one line: what the samples are, their labels and true factors
  int channels;             // 1 grey, 3 RGB; 28x28 but for lines (32x32)
  // side: the image size asked for (DataSpec::image_size); a set that draws only its own size
  // (sizeable false) ignores it.
  Dataset (*generate)(int count, int train_count, uint64_t seed, int side);
  // What was measured about beta and disentanglement (the MIG) on this set, in plain words for the
  // app's disentanglement row (the README's table, "Inside the VAE"); nullptr = not measured.
  const char* disentanglement_note = nullptr;
  int default_count = 12000;  // 10,000 train + 2,000 held out unless the set's protocol says otherwise
  int default_test = 2000;
  bool sizeable = false;  // draws at any side of kGeneratedSides (data_generated.h), not only its own
  // The set this one is made from (digits-noise: "digits"), nullptr = its own; a view that wants an
  // image "of another set" skips the sets of the same family (builtin_dataset_family).
  const char* drawn_from = nullptr;
};
const std::vector<BuiltinDataset>& builtin_datasets();
const BuiltinDataset* builtin_dataset_find(const std::string& name);  // nullptr if not built in
// The name of the set `name` is made from (BuiltinDataset::drawn_from), or `name` itself.
std::string builtin_dataset_family(const std::string& name);
// The names load_dataset accepts without a path, in the table's order.
std::vector<std::string> builtin_dataset_names();
// Whether a labels file (DataSpec::labels_path) applies to `source`: only IDX images take one; a
// built-in set, a CSV and an image folder carry their labels themselves (load_dataset refuses a labels
// file for them, naming both). A path that does not exist counts as IDX: its loader says what is wrong.
bool data_source_takes_labels(const std::string& source);

// For the loaders: the training split. requested = -1 takes default_train; otherwise it must be
// in [1, count], or InputError names `source`.
int dataset_resolve_train_count(int requested, int count, int default_train, const std::string& source);

// For sources with no order of their own (image folders, labelled CSV): a stratified split.
// Every label (unlabelled samples count as one more label) gives the same share of its samples
// to training, the rest are held out, each part shuffled with `seed`. requested = -1 trains on
// 80% of every label (at least one sample of each); otherwise `requested` samples in all, spread
// over the labels in proportion to their size (largest remainder). order[i] is the original
// index of the sample that goes to position i: [0, train_count) train, the rest held out.
struct StratifiedSplit {
  std::vector<int> order;
  int train_count = 0;
};
StratifiedSplit dataset_stratified_split(const std::vector<int>& labels, int requested, uint64_t seed,
                                         const std::string& source);
// Puts d's samples (pixels or values, labels, factors) in the given order: sample i becomes
// the old sample order[i]. order is a permutation of [0, d.count).
void dataset_apply_order(Dataset& d, const std::vector<int>& order);
