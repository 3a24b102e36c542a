#include "measure/codes_csv.h"

#include <cmath>
#include <cstdio>

#include "io/errors.h"
#include "io/file_write.h"
#include "models/kinds.h"

namespace {
constexpr int kChunk = 512;  // samples encoded at once: bounded scratch for any data set

// A field as CSV writes it: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace

std::string codes_csv(const Network& net, const Dataset& data) {
  if (net.config.input_size != data.features())
    throw InputError("codes: the model takes " + std::to_string(net.config.input_size) + " features but " + data.name +
                     " has " + std::to_string(data.features()));
  const bool variational = model_kind_info(net.config.kind).variational;
  const bool named = !data.label_names.empty();
  const int latent = net.config.latent;
  const int factors = static_cast<int>(data.factor_names.size());
  std::string out = "index,split,label";
  if (named) out += ",label_name";
  for (const std::string& f : data.factor_names) out += "," + csv_field(f);
  for (int j = 0; j < latent; ++j) out += (variational ? ",mu" : ",z") + std::to_string(j);
  if (variational)
    for (int j = 0; j < latent; ++j) out += ",sigma" + std::to_string(j);
  out += "\n";

  Mat x(data.features(), kChunk), code(latent, kChunk), logvar;  // (features, chunk), (latent, chunk) x2
  InferenceWorkspace ws;
  char number[32];
  auto put = [&](double v) {
    std::snprintf(number, sizeof number, ",%.9g", v);
    out += number;
  };
  for (int first = 0; first < data.count; first += kChunk) {
    const int n = std::min(kChunk, data.count - first);
    data.copy_range(first, n, x.leftCols(n));
    network_encode(net, x.leftCols(n), code.leftCols(n), ws, variational ? &logvar : nullptr);
    for (int k = 0; k < n; ++k) {
      const int i = first + k;
      const int label = data.labels.empty() ? -1 : data.labels[size_t(i)];
      out += std::to_string(i) + (i < data.train_count ? ",train," : ",heldout,") + std::to_string(label);
      if (named)
        out += "," + (label >= 0 && label < static_cast<int>(data.label_names.size()) ? csv_field(data.label_names[size_t(label)])
                                                                                       : std::string());
      for (int f = 0; f < factors; ++f) put(data.factors(f, i));
      for (int j = 0; j < latent; ++j) put(code(j, k));
      if (variational)
        for (int j = 0; j < latent; ++j) put(std::exp(0.5 * double(logvar(j, k))));
      out += "\n";
    }
  }
  return out;
}

bool codes_csv_write(const Network& net, const Dataset& data, const std::string& path, std::string* error) {
  std::string csv;
  try {
    csv = codes_csv(net, data);
  } catch (const InputError& e) {
    *error = e.what();
    return false;
  }
  return write_file_atomically(path, csv.data(), csv.size(), error);
}
