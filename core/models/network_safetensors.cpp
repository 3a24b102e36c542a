// See network_safetensors.h. Sections (grep for "//----"):
//   layout     where each element of a PyTorch-ordered tensor sits in Network::params
//   metadata   the config as "latentlab.*" strings, and back
//   export / import
#include "models/network_safetensors.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/errors.h"
#include "io/file_input.h"

namespace {

//---- layout -----------------------------------------------------------------------------------

// One parameter tensor of a layer: its PyTorch shape and, for each element in PyTorch's row-major
// order, its index in Network::params.
struct ParamTensor {
  std::string name;
  std::vector<uint64_t> shape;
  std::vector<size_t> index;
};

// The weight and bias of a layer with parameters (Dense, Conv2d, ConvTranspose2d); none otherwise.
std::vector<ParamTensor> layer_tensors(const Layer& l, const std::string& prefix) {
  std::vector<ParamTensor> out;
  if (l.kind == LayerKind::Dense) {
    const DenseShape& d = l.dense;
    ParamTensor w{prefix + ".weight", {uint64_t(d.out), uint64_t(d.in)}, {}};
    w.index.reserve(size_t(d.out) * size_t(d.in));
    for (int o = 0; o < d.out; ++o)  // ours: (out, in) column-major
      for (int i = 0; i < d.in; ++i) w.index.push_back(d.weight_offset + size_t(o) + size_t(i) * size_t(d.out));
    ParamTensor b{prefix + ".bias", {uint64_t(d.out)}, {}};
    for (int o = 0; o < d.out; ++o) b.index.push_back(d.bias_offset + size_t(o));
    out.push_back(std::move(w));
    out.push_back(std::move(b));
  } else if (l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d) {
    // PyTorch: Conv2d(big_c -> small_c) weight [small_c, big_c, k, k]; ConvTranspose2d(small_c -> big_c)
    // weight [small_c, big_c, k, k] too (in_channels first). Ours: a patch index (ky, kx, c) =
    // (ky k + kx) big_c + c, in the columns of Conv2d's (small_c, patch) and the rows of
    // ConvTranspose2d's (patch, small_c), both column-major.
    const ConvShape& s = l.conv;
    const bool transposed = l.kind == LayerKind::ConvTranspose2d;
    ParamTensor w{prefix + ".weight", {uint64_t(s.small_c), uint64_t(s.big_c), uint64_t(s.k), uint64_t(s.k)}, {}};
    w.index.reserve(size_t(s.small_c) * size_t(s.patch()));
    for (int oc = 0; oc < s.small_c; ++oc)
      for (int c = 0; c < s.big_c; ++c)
        for (int ky = 0; ky < s.k; ++ky)
          for (int kx = 0; kx < s.k; ++kx) {
            const size_t patch = size_t((ky * s.k + kx) * s.big_c + c);
            w.index.push_back(s.weight_offset + (transposed ? patch + size_t(oc) * size_t(s.patch())
                                                            : size_t(oc) + patch * size_t(s.small_c)));
          }
    const int nb = transposed ? s.big_c : s.small_c;
    ParamTensor b{prefix + ".bias", {uint64_t(nb)}, {}};
    for (int o = 0; o < nb; ++o) b.index.push_back(s.bias_offset + size_t(o));
    out.push_back(std::move(w));
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<ParamTensor> network_tensors(const Network& net) {
  std::vector<ParamTensor> out;
  const std::vector<Layer>* lists[3] = {&net.encoder, &net.decoder, &net.critic};  // the critic: ACAI only
  const char* prefixes[3] = {"encoder.", "decoder.", "critic."};
  for (int list = 0; list < 3; ++list) {
    const std::vector<Layer>& layers = *lists[list];
    for (size_t i = 0; i < layers.size(); ++i)
      for (ParamTensor& t : layer_tensors(layers[i], prefixes[list] + std::to_string(i)))
        out.push_back(std::move(t));
  }
  return out;
}

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// The tensor `name` of `file`, a float one of exactly `shape`; else an InputError.
const SafeTensor& need_tensor(const SafetensorsFile& file, const std::string& name, const std::vector<uint64_t>& shape,
                              const std::string& shown) {
  const SafeTensor* t = file.find(name);
  if (!t) throw InputError(shown + ": missing tensor '" + name + "'");
  if (t->shape != shape)
    throw InputError(shown + ": tensor '" + name + "' has shape " + shape_text(t->shape) + ", expected " +
                     shape_text(shape));
  if (!t->converted)
    throw InputError(shown + ": tensor '" + name + "' has dtype " + t->dtype + "; latentlab reads F32, F16, BF16 and F64");
  return *t;
}

//---- metadata ---------------------------------------------------------------------------------

constexpr const char* kFormatKey = "latentlab.format";
constexpr const char* kFormatValue = "network 1";
constexpr const char* kPrefix = "latentlab.";

std::string real_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);  // a float's value, exactly
  return buf;
}

struct MetaReader {
  const SafetensorsFile& file;
  const std::string& shown;
  const std::string& get(const std::string& key) const {
    const std::string* v = file.meta(kPrefix + key);
    if (!v) throw InputError(shown + ": missing metadata '" + kPrefix + key + "'");
    return *v;
  }
  [[noreturn]] void bad(const std::string& key, const std::string& v) const {
    throw InputError(shown + ": bad metadata '" + kPrefix + key + "': '" + printable_path(v) + "'");
  }
  double real(const std::string& key) const {
    const std::string& v = get(key);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(d)) bad(key, v);
    return d;
  }
  long long integer(const std::string& key, long long lo, long long hi) const {
    const std::string& v = get(key);
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE || i < lo || i > hi) bad(key, v);
    return i;
  }
  template <typename E>
  E choice(const std::string& key) const {
    const std::string& v = get(key);
    E out{};
    if (!parse_choice(v, &out))
      throw InputError(shown + ": metadata '" + kPrefix + key + "' is '" + printable_path(v) + "', not one of " +
                       choice_list<E>().names());
    return out;
  }
};

void put_config(SafetensorsFile& f, const ModelConfig& c) {
  auto put = [&f](const std::string& key, const std::string& value) { f.metadata.emplace_back(kPrefix + key, value); };
  f.metadata.emplace_back(kFormatKey, kFormatValue);
  put("kind", choice_name(c.kind));
  put("arch", choice_name(c.arch));
  put("input", std::to_string(c.input_size));
  std::string hidden;
  for (size_t i = 0; i < c.hidden.size(); ++i) hidden += (i ? "," : "") + std::to_string(c.hidden[i]);
  put("hidden", hidden);
  put("latent", std::to_string(c.latent));
  put("activation", choice_name(c.activation));
  put("loss", choice_name(c.loss));
  put("init", choice_name(c.init));
  put("seed", std::to_string(c.seed));
  put("channels", std::to_string(c.channels));
  put("height", std::to_string(c.height));
  put("width", std::to_string(c.width));
  put("dropout", real_text(c.dropout));
  for (int i = 0; i < kHyperparamCount; ++i) {  // every kind's, by the table's keys
    const Hyperparam h = static_cast<Hyperparam>(i);
    const HyperparamInfo& info = hyperparam_info(h);
    const double v = hyperparam_get(c, h);
    put(info.key, info.type == HyperparamType::Real ? real_text(v) : hyperparam_format(h, v));
  }
}

ModelConfig get_config(const SafetensorsFile& f, const std::string& shown) {
  const MetaReader m{f, shown};
  ModelConfig c;
  c.kind = m.choice<ModelKind>("kind");
  c.arch = m.choice<Architecture>("arch");
  c.input_size = int(m.integer("input", 1, kMaxLayerWidth));
  c.hidden.clear();
  const std::string& hidden = m.get("hidden");
  for (size_t at = 0; !hidden.empty() && at <= hidden.size();) {
    const size_t comma = std::min(hidden.find(',', at), hidden.size());
    const std::string item = hidden.substr(at, comma - at);
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 1 || v > kMaxLayerWidth || c.hidden.size() >= size_t(kMaxHiddenLayers))
      m.bad("hidden", hidden);
    c.hidden.push_back(int(v));
    at = comma + 1;
  }
  c.latent = int(m.integer("latent", 1, kMaxLayerWidth));
  c.activation = m.choice<Activation>("activation");
  c.loss = m.choice<OutputLoss>("loss");
  c.init = m.choice<InitKind>("init");
  c.seed = uint64_t(m.integer("seed", 0, (1ll << 62)));
  c.channels = int(m.integer("channels", 0, kMaxLayerWidth));
  c.height = int(m.integer("height", 0, kMaxLayerWidth));
  c.width = int(m.integer("width", 0, kMaxLayerWidth));
  c.dropout = float(m.real("dropout"));
  for (int i = 0; i < kHyperparamCount; ++i) {
    const Hyperparam h = static_cast<Hyperparam>(i);
    const HyperparamInfo& info = hyperparam_info(h);
    // A kind's hyperparameter that an older export lacks (ACAI's, added later) keeps its default;
    // the kind's own are required.
    if (!f.meta(kPrefix + std::string(info.key)) && !model_kind_has(c.kind, h)) continue;
    if (info.type == HyperparamType::Choice) {
      const int row = info.choices->find(m.get(info.key));
      if (row < 0) m.bad(info.key, m.get(info.key));
      hyperparam_set(c, h, row);
    } else {
      hyperparam_set(c, h, m.real(info.key));
    }
  }
  return c;
}

// Copies each listed tensor's values into net.params and refuses any tensor not listed.
void fill_params(Network& net, const SafetensorsFile& file, const std::vector<ParamTensor>& wanted,
                 const std::string& shown) {
  for (const ParamTensor& p : wanted) {
    const SafeTensor& t = need_tensor(file, p.name, p.shape, shown);
    for (size_t j = 0; j < p.index.size(); ++j) net.params[p.index[j]] = t.values[j];
  }
  for (const SafeTensor& t : file.tensors) {
    bool known = false;
    for (const ParamTensor& p : wanted) known |= p.name == t.name;
    if (!known)
      throw InputError(shown + ": unexpected tensor '" + printable_path(t.name) +
                       "' (not a weight of the network its metadata describes)");
  }
  if (!net.all_finite()) throw InputError(shown + ": the network has non-finite weights");
}

// The pytorch/examples VAE (vae/main.py): fc1 (input -> H), fc21 / fc22 (H -> latent: mu, log-variance),
// fc3 (latent -> H), fc4 (H -> input), ReLU, a sigmoid output under BCE. Our VAE's code layer is fc21
// and fc22 stacked (mu rows, then log-variance rows).
Network network_from_pytorch_vae(const SafetensorsFile& file, const std::string& shown) {
  const SafeTensor* fc1 = file.find("fc1.weight");
  const SafeTensor* fc21 = file.find("fc21.weight");
  if (!fc21) throw InputError(shown + ": missing tensor 'fc21.weight' (the pytorch/examples VAE layout has fc1, fc21, fc22, fc3, fc4)");
  if (fc1->shape.size() != 2 || fc21->shape.size() != 2)
    throw InputError(shown + ": tensors 'fc1.weight' and 'fc21.weight' must be 2-D [out, in], got " +
                     shape_text(fc1->shape) + " and " + shape_text(fc21->shape));
  const uint64_t H = fc1->shape[0], I = fc1->shape[1], L = fc21->shape[0];
  for (uint64_t v : {H, I, L})
    if (v < 1 || v > uint64_t(kMaxLayerWidth))
      throw InputError(shown + ": a layer width of " + std::to_string(v) + " from the tensors' shapes (must be in [1, " +
                       std::to_string(kMaxLayerWidth) + "])");
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.arch = Architecture::Mlp;
  c.input_size = int(I);
  c.hidden = {int(H)};
  c.latent = int(L);
  c.activation = Activation::Relu;
  c.loss = OutputLoss::BCE;
  c.init = InitKind::Torch;
  const std::string problem = model_config_problem(c);
  if (!problem.empty()) throw InputError(shown + ": the architecture its tensors imply cannot be built: " + problem);
  // Every tensor's shape checked (the wrong shape is named) before anything is copied.
  const struct {
    const char* name;
    std::vector<uint64_t> shape;
  } expected[] = {{"fc1.weight", {H, I}},  {"fc1.bias", {H}},  {"fc21.weight", {L, H}}, {"fc21.bias", {L}},
                  {"fc22.weight", {L, H}}, {"fc22.bias", {L}}, {"fc3.weight", {H, L}},  {"fc3.bias", {H}},
                  {"fc4.weight", {I, H}},  {"fc4.bias", {I}}};
  for (const auto& e : expected) need_tensor(file, e.name, e.shape, shown);
  // Renamed into our names (fc21 and fc22 stacked), then filled as our own export would be.
  Network net = Network::create(c);
  SafetensorsFile ours;
  auto add = [&](const std::string& name, std::vector<uint64_t> shape, std::vector<const char*> parts) {
    SafeTensor t;
    t.name = name;
    t.shape = std::move(shape);
    t.converted = true;
    for (const char* p : parts) {
      const std::vector<float>& v = file.find(p)->values;
      t.values.insert(t.values.end(), v.begin(), v.end());
    }
    ours.tensors.push_back(std::move(t));
  };
  const std::vector<ParamTensor> wanted = network_tensors(net);  // encoder.0, encoder.2, decoder.0, decoder.2
  if (wanted.size() != 8) throw std::logic_error("network_from_pytorch_vae: unexpected layer list");
  add(wanted[0].name, {H, I}, {"fc1.weight"});
  add(wanted[1].name, {H}, {"fc1.bias"});
  add(wanted[2].name, {2 * L, H}, {"fc21.weight", "fc22.weight"});
  add(wanted[3].name, {2 * L}, {"fc21.bias", "fc22.bias"});
  add(wanted[4].name, {H, L}, {"fc3.weight"});
  add(wanted[5].name, {H}, {"fc3.bias"});
  add(wanted[6].name, {I, H}, {"fc4.weight"});
  add(wanted[7].name, {I}, {"fc4.bias"});
  for (const SafeTensor& t : file.tensors) {
    bool known = false;
    for (const auto& e : expected) known |= t.name == e.name;
    if (!known)
      throw InputError(shown + ": unexpected tensor '" + printable_path(t.name) + "' in the pytorch/examples VAE layout");
  }
  fill_params(net, ours, wanted, shown);
  return net;
}

}  // namespace

//---- export / import --------------------------------------------------------------------------

SafetensorsFile network_to_safetensors(const Network& net) {
  SafetensorsFile f;
  put_config(f, net.config);
  for (const ParamTensor& p : network_tensors(net)) {
    SafeTensor t;
    t.name = p.name;
    t.shape = p.shape;
    t.converted = true;
    t.values.reserve(p.index.size());
    for (size_t i : p.index) t.values.push_back(net.params[i]);
    f.tensors.push_back(std::move(t));
  }
  return f;
}

Network network_from_safetensors(const SafetensorsFile& file, const std::string& file_name) {
  const std::string shown = "'" + printable_path(file_name) + "'";
  if (file.find("fc1.weight")) return network_from_pytorch_vae(file, shown);
  const std::string* format = file.meta(kFormatKey);
  if (!format)
    throw InputError(shown + ": a safetensors file of neither known layout (no '" + std::string(kFormatKey) +
                     "' metadata of a latentlab export, no 'fc1.weight' of the pytorch/examples VAE)");
  if (*format != kFormatValue)
    throw InputError(shown + ": metadata '" + kFormatKey + "' is '" + printable_path(*format) + "', this build reads '" +
                     kFormatValue + "'");
  const ModelConfig c = get_config(file, shown);
  const std::string problem = model_config_problem(c);
  if (!problem.empty()) throw InputError(shown + ": the saved architecture cannot be built: " + problem);
  Network net = Network::create(c);
  fill_params(net, file, network_tensors(net), shown);
  return net;
}

bool network_save_safetensors(const Network& net, const std::string& path, std::string* error) {
  return safetensors_save(network_to_safetensors(net), path, error);
}

Network network_load_safetensors(const std::string& path) {
  // A network's budget in the widest dtype (F64), plus the largest header.
  const uint64_t max_bytes = 8 + kSafetensorsMaxHeaderBytes + 8 * kMaxNetworkParameters;
  return network_from_safetensors(safetensors_load(path, max_bytes), path);
}

bool is_safetensors_path(const std::string& path) {
  const std::string ext = ".safetensors";
  if (path.size() < ext.size()) return false;
  for (size_t i = 0; i < ext.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i]) return false;
  return true;
}

Network network_load_file(const std::string& path) {
  return is_safetensors_path(path) ? network_load_safetensors(path) : network_load(path);
}

bool network_save_file(const Network& net, const std::string& path, std::string* error) {
  return is_safetensors_path(path) ? network_save_safetensors(net, path, error) : network_save(net, path, error);
}
