// The entry points of the fuzz targets, one per reader of outside bytes (IDX, CSV, image file,
// .llnet network file, safetensors file, .llsession file): each takes raw bytes and either returns (the input was accepted and the
// result is self-consistent) or throws InputError. Any other exception, crash or sanitizer report
// is a finding. The libFuzzer targets (fuzz/fuzz_*.cpp) and the corpus replay run as an ordinary
// unit test (tests/test_fuzz_corpus.cpp) call exactly these functions.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/data_csv.h"
#include "data/data_idx.h"
#include "data/data_images.h"
#include "data/dataset.h"
#include "io/errors.h"
#include "data/image_decode.h"
#include "models/model.h"
#include "models/network_safetensors.h"
#include "io/safetensors.h"
#include "train/session.h"

namespace fuzz_inputs {

// A result that breaks its own invariants: a bug, never an input problem.
struct Inconsistent : std::logic_error {
  using std::logic_error::logic_error;
};

inline void check(bool ok, const char* what) {
  if (!ok) throw Inconsistent(std::string("inconsistent result: ") + what);
}

// What every loaded dataset must satisfy, whatever the source.
inline void check_dataset(const Dataset& d) {
  check(d.count > 0, "count > 0");
  check(d.train_count >= 1 && d.train_count <= d.count, "train_count in [1, count]");
  check(d.features() > 0, "features > 0");
  check(d.labels.empty() || d.labels.size() == static_cast<size_t>(d.count), "one label per sample");
  for (int label : d.labels) {
    check(label >= -1, "label >= -1");
    if (!d.label_names.empty()) check(label < static_cast<int>(d.label_names.size()), "label index has a name");
  }
  const size_t n = static_cast<size_t>(d.features()) * d.count;
  if (d.values.size() > 0) {
    check(static_cast<size_t>(d.values.size()) == n, "values are features x count");
    check(d.values.allFinite(), "values finite");
  } else {
    check(d.pixels.size() == n, "pixels are features x count");
  }
}

// IDX: the bytes as an image file (3 dimensions) and as a labels file (1 dimension), through
// the parser idx_read uses. Gzip is detected from the content.
inline void idx(const uint8_t* data, size_t size) {
  try {
    const IdxArray labels = idx_parse(data, size, 1, "labels file", "fuzz.idx");
    check(labels.dims.size() == 1 && labels.data.size() == labels.dims[0], "labels hold dims[0] bytes");
  } catch (const InputError&) {
  }
  const IdxArray images = idx_parse(data, size, 3, "image file", "fuzz.idx");
  check(images.dims.size() == 3, "three dimensions");
  check(images.data.size() == uint64_t(images.dims[0]) * images.dims[1] * images.dims[2], "data holds the product of dims");
}

// CSV: once without a label column (minmax), once with column 0 as the label (zscore).
inline void csv(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  try {
    check_dataset(csv_parse(text, size, "fuzz.csv", "", CsvScaling::MinMax, -1));
  } catch (const InputError&) {
  }
  check_dataset(csv_parse(text, size, "fuzz.csv", "0", CsvScaling::ZScore, -1));
}

// One outside image file through image_decode, the one entry point for outside image bytes (its
// stb_image settings are the app's), in grayscale and in RGB, then resized as the folder loader does.
inline void image(const uint8_t* data, size_t size) {
  for (int channels : {1, 3}) {
    const DecodedImage img = image_decode(data, size, channels);
    if (!img.ok()) continue;
    check(img.width >= 1 && img.height >= 1 && img.width <= kImageMaxSide && img.height <= kImageMaxSide, "side within the limit");
    check(img.channels == channels, "channels as requested");
    check(img.pixels.size() == size_t(img.width) * img.height * channels, "pixels are width x height x channels");
    std::vector<uint8_t> small(size_t(8) * 8 * channels);
    resize_area(img.pixels.data(), img.width, img.height, channels, small.data(), 8, 8);
  }
}

// A loaded network must be usable: one sample encoded and decoded.
inline void check_network(const Network& net) {
  check(net.config.input_size > 0 && net.config.latent > 0, "sizes positive");
  InferenceWorkspace ws;
  Mat x = Mat::Constant(net.config.input_size, 1, 0.5f), code(net.config.latent, 1), out(net.config.input_size, 1);
  network_encode(net, x, code, ws);
  network_decode(net, code, out, ws);
}

// A .llnet network file.
inline void model(const uint8_t* data, size_t size) { check_network(network_parse(data, size, "fuzz.llnet")); }

// A safetensors file: the container (every float tensor holds its shape's product of values, and
// writing it out and reading it back gives the same names and shapes), then as a network
// (network_from_safetensors, either layout), which must be usable.
inline void safetensors(const uint8_t* data, size_t size) {
  const SafetensorsFile file = safetensors_parse(data, size, "fuzz.safetensors");
  bool all_float = true;
  for (const SafeTensor& t : file.tensors) {
    uint64_t n = 1;
    for (uint64_t d : t.shape) n *= d;  // cannot overflow: the parser checked shape x dtype size
    if (t.converted) check(t.values.size() == n, "a float tensor holds its shape's product of values");
    all_float = all_float && t.converted;
  }
  if (all_float) {
    const std::vector<uint8_t> again = safetensors_serialize(file);
    const SafetensorsFile back = safetensors_parse(again.data(), again.size(), "fuzz.safetensors (written back)");
    check(back.tensors.size() == file.tensors.size() && back.metadata == file.metadata, "round trip: tensors and metadata");
    for (size_t i = 0; i < back.tensors.size(); ++i)
      check(back.tensors[i].name == file.tensors[i].name && back.tensors[i].shape == file.tensors[i].shape,
            "round trip: names and shapes");
  }
  check_network(network_from_safetensors(file, "fuzz.safetensors"));
}

// A .llsession file: at least one model, each usable; the position inside the batch order.
inline void session(const uint8_t* data, size_t size) {
  const Session s = session_parse(data, size, "fuzz.llsession");
  check(!s.models.empty(), "at least one model");
  check(s.cursor >= 0 && size_t(s.cursor) <= s.order.size(), "cursor inside the order");
  for (const SessionModel& m : s.models) check_network(m.network);
}

}  // namespace fuzz_inputs
