// The flag parser shared by all subcommands. See cli.h.
#include "cli.h"

#include <algorithm>
#include <climits>

#include "data/dataset.h"
#include "io/errors.h"
#include "models/model.h"
#include "io/file_input.h"
#include "measure/manifold_image.h"
#include "train/session.h"
#include "train/trainer.h"
#include "models/network_safetensors.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

CliArgs::CliArgs(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {
  add_switch("help", "print this help and exit");
}

void CliArgs::add(const std::string& name, const std::string& value_hint, const std::string& default_value,
                  const std::string& help) {
  CliFlag f;
  f.name = name;
  f.value_hint = value_hint;
  f.default_value = default_value;
  f.help = help;
  declare(f);
}

void CliArgs::add_switch(const std::string& name, const std::string& help) {
  CliFlag f;
  f.name = name;
  f.help = help;
  f.is_switch = true;
  declare(f);
}

// Two declarations of one flag are a bug in a command (the second would never be read): fail loudly
// on every run of it, so the first test of the command finds it.
void CliArgs::declare(const CliFlag& f) {
  for (const CliFlag& g : flags_)
    if (g.name == f.name) throw std::logic_error(command_ + ": the flag --" + f.name + " is declared twice");
  flags_.push_back(f);
}

bool CliArgs::parse(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      throw UsageError(command_ + ": unexpected argument '" + arg + "' (see " + command_ + " --help)");
    std::string name = arg.substr(2), inline_value;
    bool has_inline = false;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    CliFlag* flag = nullptr;
    for (CliFlag& f : flags_)
      if (f.name == name) flag = &f;
    if (!flag) throw UsageError(command_ + ": unknown flag --" + name + " (see " + command_ + " --help)");
    if (flag->was_given) throw UsageError(command_ + ": --" + name + " given twice");
    flag->was_given = true;
    if (flag->is_switch) {
      if (has_inline) throw UsageError(command_ + ": --" + name + " takes no value");
      continue;
    }
    if (has_inline) {
      flag->value = inline_value;
    } else {
      if (i + 1 >= argc) throw UsageError(command_ + ": --" + name + " needs a value " + flag->value_hint);
      flag->value = argv[++i];
    }
  }
  if (given("help")) {
    print_help();
    return false;
  }
  return true;
}

void CliArgs::print_help() const {
  std::printf("usage: %s [flags]\n%s\n\nflags:\n", command_.c_str(), summary_.c_str());
  for (const CliFlag& f : flags_) {
    std::string left = "--" + f.name + (f.is_switch ? "" : " " + f.value_hint);
    std::string def = f.default_value.empty() ? "" : " (default " + f.default_value + ")";
    std::printf("  %-26s %s%s\n", left.c_str(), f.help.c_str(), def.c_str());
  }
}

const CliFlag& CliArgs::find(const std::string& name) const {
  for (const CliFlag& f : flags_)
    if (f.name == name) return f;
  throw std::logic_error("flag --" + name + " was never declared");
}

bool CliArgs::given(const std::string& name) const { return find(name).was_given; }

const std::string& CliArgs::str(const std::string& name) const {
  const CliFlag& f = find(name);
  return f.was_given ? f.value : f.default_value;
}

bool CliArgs::flag(const std::string& name) const { return find(name).was_given; }

int CliArgs::integer(const std::string& name, long long min_value, long long max_value) const {
  const std::string& s = str(name);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(command_ + ": --" + name + " expects an integer, got '" + s + "'");
  if (v < min_value || v > max_value)
    throw UsageError(command_ + ": --" + name + " must be in [" + std::to_string(min_value) + ", " +
                     std::to_string(max_value) + "], got " + s);
  return static_cast<int>(v);
}

float CliArgs::real(const std::string& name, double min_value, double max_value) const {
  const std::string& s = str(name);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw UsageError(command_ + ": --" + name + " expects a number, got '" + s + "'");
  if (v < min_value || v > max_value) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " must be in [%g, %g], got %s", min_value, max_value, s.c_str());
    throw UsageError(command_ + ": --" + name + buf);
  }
  return static_cast<float>(v);
}

std::vector<int> CliArgs::int_list(const std::string& name, int min_value, int max_value) const {
  const std::string& s = str(name);
  std::vector<int> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || errno == ERANGE || v < min_value || v > max_value)
      throw UsageError(command_ + ": --" + name + " expects a comma-separated list of integers in [" +
                       std::to_string(min_value) + ", " + std::to_string(max_value) + "], got '" + s + "'");
    out.push_back(static_cast<int>(v));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

const std::string& CliArgs::choice(const std::string& name, const std::vector<std::string>& choices) const {
  const std::string& s = str(name);
  std::string list;
  for (const std::string& c : choices) {
    if (c == s) return s;
    list += (list.empty() ? "" : "|") + c;
  }
  throw UsageError(command_ + ": --" + name + " must be one of " + list + ", got '" + s + "'");
}

int CliArgs::choice(const std::string& name, const ChoiceList& list) const {
  const std::string& s = str(name);
  const int i = list.find(s);
  if (i < 0) throw UsageError(command_ + ": --" + name + " must be one of " + list.names() + ", got '" + s + "'");
  return i;
}

std::vector<int> CliArgs::choices(const std::string& name, const ChoiceList& list) const {
  const std::string& s = str(name);
  std::vector<int> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const int i = list.find(item);
    if (i < 0)
      throw UsageError(command_ + ": --" + name + " takes a comma-separated list of " + list.names() + ", got '" +
                       item + "' in '" + s + "'");
    if (std::find(out.begin(), out.end(), i) != out.end())
      throw UsageError(command_ + ": --" + name + " names '" + item + "' twice");
    out.push_back(i);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

void add_data_flags(CliArgs& args) {
  std::string builtins;
  for (const std::string& name : builtin_dataset_names()) builtins += (builtins.empty() ? "" : ", ") + name;
  args.add("data", "SPEC", "digits", "built-in name (" + builtins + "), IDX file (raw or .gz), image folder or .csv");
  args.add("labels", "FILE", "", "IDX labels file (found next to MNIST-named image files by itself)");
  args.add("train", "N", "", "the first N samples train, the rest are held out (default: the source's split)");
  args.add("count", "N", "", "built-in generators: total samples (default 12000)");
  args.add("image-size", "N", "28", "image folders: resize every image to NxN (area filter); sprites and faces (grey or rgb): draw at 28, 32 or 64");
  args.add_switch("rgb", "image folders: keep colour (3 channels)");
  args.add("csv-label", "COL", "", "CSV: label column, by header name or 0-based index");
  args.add("csv-scaling", "MODE", choice_name(DataSpec{}.csv_scaling), "CSV: " + choice_list<CsvScaling>().names(" | "));
}

bool data_flags_given(const CliArgs& args) {
  for (const char* f : {"data", "labels", "train", "count", "image-size", "rgb", "csv-label", "csv-scaling"})
    if (args.given(f)) return true;
  return false;
}

DataSpec data_spec_from_flags(const CliArgs& args, uint64_t seed) {
  DataSpec spec;
  spec.source = args.str("data");
  spec.labels_path = args.str("labels");
  if (args.given("train")) spec.train_count = args.integer("train", 1, INT_MAX);
  if (args.given("count")) spec.count = args.integer("count", 1, 1000000);
  spec.seed = seed;
  spec.image_size = args.integer("image-size", 4, 512);
  spec.rgb = args.flag("rgb");
  spec.csv_label_column = args.str("csv-label");
  spec.csv_scaling = args.choice_of<CsvScaling>("csv-scaling");
  return spec;
}

void print_data_warnings(const Dataset& d) {
  for (const std::string& w : d.warnings) std::fprintf(stderr, "latentlab: warning: %s\n", printable_path(w).c_str());
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string json_number_list(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + json_number(v[i]);
  return s + "]";
}

JsonObject& JsonObject::add(const std::string& key, const std::string& json_value) {
  body_ += (body_.empty() ? "" : ",") + json_string(key) + ":" + json_value;
  return *this;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // A run of non-ASCII bytes: printable_path keeps valid UTF-8 and writes the rest as \xHH,
      // whose backslash JSON must escape in turn.
      size_t end = i;
      while (end < s.size() && static_cast<unsigned char>(s[end]) >= 0x80) ++end;
      for (char p : printable_path(s.substr(i, end - i))) out += p == '\\' ? std::string("\\\\") : std::string(1, p);
      i = end;
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

//---- model flags ------------------------------------------------------------------------------

namespace {

// "bce (data in [0,1], sigmoid output) | mse (linear output)"
std::string described(const ChoiceList& list) {
  std::string out;
  for (const Choice& c : list.rows)
    out += (out.empty() ? "" : " | ") + std::string(c.name) + " (" + c.description + ")";
  return out;
}

// The hyperparameters a command declares: every kind's with --model, else those of spec.kinds;
// each once, in the table's order.
std::vector<Hyperparam> declared_hyperparams(const ModelFlagSpec& spec) {
  std::vector<Hyperparam> out;
  for (int i = 0; i < kHyperparamCount; ++i) {
    const Hyperparam h = static_cast<Hyperparam>(i);
    bool used = false;
    for (const ModelKindInfo& k : model_kinds())
      if (spec.pick_kind || std::find(spec.kinds.begin(), spec.kinds.end(), k.kind) != spec.kinds.end())
        used |= model_kind_has(k.kind, h);
    if (used) out.push_back(h);
  }
  return out;
}

// "sparse, with --sparsity kl: target mean activation"
std::string hyperparam_help(const HyperparamInfo& h) {
  std::string where = model_kinds_with(h.id);
  if (h.when != h.id) {
    const HyperparamInfo& w = hyperparam_info(h.when);
    where += " with --" + std::string(w.flag) + " " + w.choices->rows[static_cast<size_t>(h.when_value)].name;
  }
  const std::string text = h.type == HyperparamType::Choice ? described(*h.choices) : h.help;
  return where + ": " + text;
}

}  // namespace

void add_model_flags(CliArgs& args, const ModelFlagSpec& spec) {
  if (spec.pick_kind) {
    const std::string kinds = choice_list<ModelKind>().names();
    args.add("model", "KIND", spec.twin ? "twin" : choice_name(spec.default_kind),
             spec.twin ? "twin (two models side by side, see --pair)|" + kinds : kinds);
    if (spec.twin)
      args.add("pair", "NAME", choice_name(ComparePair::AeVae),
               "--model twin's two models: " + described(choice_list<ComparePair>()));
  }
  args.add("arch", "NAME", choice_name(ModelConfig{}.arch),
           "mlp | conv. conv (images, 1 or 3 channels): Conv 32, Conv 64 (3x3, stride 2, padding 1),\n"
           "                             one more Conv 64 above 32 px, then --hidden (default 16) and the code;\n"
           "                             the decoder mirrors it with transposed convs. At 28x28x1: 28x28x1 ->\n"
           "                             14x14x32 -> 7x7x64 -> 3136 -> 16 -> code -> 16 -> 3136 -> 7x7x64 ->\n"
           "                             14x14x32 -> 28x28x1; 32x32: 16x16, 8x8; 64x64: 32x32, 16x16, 8x8.\n"
           "                             pool (images): the ACAI paper's; per scale two 3x3 convs (16, 32, ...\n"
           "                             channels, stride 1) and a 2x2 average pool while the size halves evenly\n"
           "                             down to 2x2; the decoder upsamples. The code is the last grid when\n"
           "                             --latent fills it (32x32 -> 2x2: --latent 64 is 2x2x16, the paper's\n"
           "                             lines code) and --hidden is none (its default), else a dense layer.\n"
           "                             A VAE adds a dense layer for mu and log var, as the paper's");
  args.add("hidden", "W[,W...]", spec.hidden, "encoder hidden widths, input side first; the decoder mirrors them;\n"
           "                             none: no hidden layer (the vanilla AE, one layer each way)");
  args.add("latent", "N", spec.latent, spec.latent_help);
  args.add("activation", "NAME", choice_name(ModelConfig{}.activation),
           choice_list<Activation>().names() + " (hidden layers)");
  if (spec.output) {
    args.add("loss", "NAME", choice_name(ModelConfig{}.loss), described(choice_list<OutputLoss>()));
    args.add("init", "NAME", choice_name(ModelConfig{}.init), described(choice_list<InitKind>()) + " weights");
  }
  args.add("seed", "N", "1", spec.seed_help);
  args.add("dropout", "P", "0", "every kind but contractive: drop each hidden unit with probability P while\n"
           "                             training (0 = off), a remedy for overfitting");
  for (Hyperparam id : declared_hyperparams(spec)) {
    const HyperparamInfo& h = hyperparam_info(id);
    args.add(h.flag, h.value_hint, hyperparam_format(id, h.default_value), hyperparam_help(h));
  }
  if (spec.training) {
    if (spec.epochs) args.add("epochs", "N", "10", "passes over the training samples, shuffled every epoch");
    args.add("batch", "N", "128", "samples per step");
    args.add("lr", "RATE", spec.lr, spec.lr_help);
    if (spec.optimizer) {
      args.add("optimizer", "NAME", choice_name(OptimizerConfig{}.kind), described(choice_list<OptimizerKind>()));
      args.add("clip", "NORM", "0", "clip the global gradient norm to NORM (0 = off)");
    }
  }
}

std::string model_kinds_help() {
  std::string out = "model kinds (--model):";
  char line[512];
  for (const ModelKindInfo& k : model_kinds()) {
    std::snprintf(line, sizeof line, "\n  %-12s %s\n  %-12s loss = %s", k.choice.name, k.choice.description, "",
                  k.loss_text);
    out += line;
  }
  return out;
}

ModelConfig model_config_from_flags(const CliArgs& args, const ModelFlagSpec& spec, bool* twin, ComparePair* pair) {
  ModelConfig c;
  std::vector<ModelKind> trained = spec.kinds;
  bool is_twin = false;
  if (spec.pick_kind) {
    is_twin = spec.twin && args.str("model") == "twin";
    const ComparePair chosen = spec.twin ? args.choice_of<ComparePair>("pair") : ComparePair::AeVae;
    if (pair) *pair = chosen;
    if (is_twin) {
      trained.clear();
      for (const ModelConfig& t : compare_configs(c, chosen)) trained.push_back(t.kind);
    } else {
      c.kind = args.choice_of<ModelKind>("model");
      trained = {c.kind};
    }
  } else if (!spec.kinds.empty()) {
    c.kind = spec.kinds.back();
  }
  if (twin) *twin = is_twin;
  c.hidden = hidden_from_flags(args, 1 << 16);
  c.latent = args.integer("latent", 1, spec.max_latent);
  c.activation = args.choice_of<Activation>("activation");
  if (spec.output) {
    c.loss = args.choice_of<OutputLoss>("loss");
    c.init = args.choice_of<InitKind>("init");
  }
  c.seed = static_cast<uint64_t>(args.integer("seed", 0, 2147483647));
  c.dropout = args.real("dropout", 0, 0.99);
  for (Hyperparam id : declared_hyperparams(spec)) {
    const HyperparamInfo& h = hyperparam_info(id);
    bool applies = false;
    for (ModelKind k : trained) applies |= model_kind_has(k, id);
    if (args.given(h.flag) && !applies)
      throw UsageError(args.command() + ": --" + h.flag + " applies to --model " + model_kinds_with(id) + " only");
    double v = 0;
    switch (h.type) {
      case HyperparamType::Real: v = args.real(h.flag, h.min, h.max); break;
      case HyperparamType::Integer: v = args.integer(h.flag, static_cast<long long>(h.min), static_cast<long long>(h.max)); break;
      case HyperparamType::Choice: v = args.choice(h.flag, *h.choices); break;
    }
    hyperparam_set(c, id, v);
  }
  return c;
}

OptimizerConfig optimizer_from_flags(const CliArgs& args, const ModelFlagSpec& spec) {
  OptimizerConfig opt;
  if (!spec.training) return opt;
  opt.lr = args.real("lr", 1e-9, 1e6);
  if (spec.optimizer) {
    opt.kind = args.choice_of<OptimizerKind>("optimizer");
    opt.clip_norm = args.real("clip", 0, 1e9);
  }
  return opt;
}

int epochs_from_flags(const CliArgs& args, const ModelFlagSpec& spec) {
  return args.integer("epochs", spec.min_epochs, 100000);
}

int batch_from_flags(const CliArgs& args) { return args.integer("batch", 1, 1 << 16); }
std::vector<int> hidden_from_flags(const CliArgs& args, int max_width) {
  if (args.str("hidden") == "none") return {};
  return args.int_list("hidden", 1, max_width);
}

void arch_from_flags(const CliArgs& args, const Dataset& data, ModelConfig& c) {
  c.arch = args.choice_of<Architecture>("arch");
  c.channels = data.is_image ? data.channels : 1;  // every model's (drop-colour noise needs them)
  if (!architecture_takes_images(c.arch)) return;
  if (!data.is_image)
    throw InputError(printable_path(data.name) + ": --arch " + choice_name(c.arch) +
                     " needs images, and this data set is not one");
  c.channels = data.channels;
  c.height = data.height;
  c.width = data.width;
  if (!args.given("hidden")) c.hidden = image_arch_default_hidden(c.arch);
}

//---- loaded models ----------------------------------------------------------------------------

namespace {

std::string join_widths(const std::vector<int>& widths) {
  std::string s;
  for (int w : widths) s += (s.empty() ? "" : ",") + std::to_string(w);
  return s;
}

}  // namespace

void check_loaded_flags(const CliArgs& args, const std::string& file, const ModelConfig& saved,
                        const ModelConfig& given, const Dataset& data) {
  const std::string name = "'" + printable_path(file) + "'";
  if (saved.input_size != data.features())
    throw InputError(name + ": the saved model takes " + std::to_string(saved.input_size) + " features but " +
                     printable_path(data.name) + " has " + std::to_string(data.features()));
  auto agree = [&](const char* flag, const std::string& in_file, const std::string& wanted) {
    if (args.given(flag) && in_file != wanted)
      throw InputError(name + ": was saved with --" + flag + " " + in_file + " but --" + flag + " " + wanted +
                       " was given; drop the flag to use the file's");
  };
  agree("arch", choice_name(saved.arch), args.str("arch"));
  agree("hidden", join_widths(saved.hidden), join_widths(given.hidden));
  agree("latent", std::to_string(saved.latent), std::to_string(given.latent));
  agree("activation", activation_name(saved.activation), activation_name(given.activation));
  for (Hyperparam h : model_kind_info(saved.kind).hyperparams)
    agree(hyperparam_info(h).flag, hyperparam_format(h, hyperparam_get(saved, h)),
          hyperparam_format(h, hyperparam_get(given, h)));
}

//---- saved and loaded runs ------------------------------------------------------------------

void add_save_load_flags(CliArgs& args) {
  // Saved and loaded files, by the extension (README, "Saved models and sessions").
  args.add("save", "FILE", "", "write FILE at the end: .llsession (the whole run, to resume exactly), .safetensors\n"
           "                             (the weights in PyTorch's names and order), else .llnet (the weights)");
  args.add("load", "FILE", "", "a .llsession resumes that run exactly (its data, model and settings; --epochs N more,\n"
           "                             0 = only evaluate); a .llnet or .safetensors (a latentlab export or the pytorch/examples\n"
           "                             VAE) starts from that network with a fresh optimizer. The file's architecture wins over the flags");
  args.add_switch("other-data", "resume a session on data whose hash differs from the session's");
}

void check_session_data(const CliArgs& args, const Session& session, const Dataset& data) {
  const uint64_t hash = session_data_hash(data);
  if (hash == session.data_hash || args.flag("other-data")) return;
  char text[160];
  std::snprintf(text, sizeof text, "was trained on data of hash %016llx but %s hashes to %016llx",
                static_cast<unsigned long long>(session.data_hash), printable_path(data.name).c_str(),
                static_cast<unsigned long long>(hash));
  throw InputError("'" + printable_path(args.str("load")) + "': " + text + "; give the session's data (--data " +
                   printable_path(session.data.source) + ") or --other-data to go on with this one");
}

LoadedRun loaded_run_from_flags(const CliArgs& args, const char* command) {
  LoadedRun run;
  run.given = args.given("load");
  if (!run.given) return run;
  run.path = args.str("load");
  run.name = "'" + printable_path(run.path) + "'";
  run.resuming = is_session_path(run.path);
  if (!run.resuming) return run;
  run.session = session_load(run.path);
  if (run.session.models.size() != 1)
    throw InputError(run.name + ": holds " + std::to_string(run.session.models.size()) +
                     " models (a twin session of the GUI); " + command +
                     " resumes one: open it with latentlab gui --load");
  return run;
}

Network apply_loaded_run(const CliArgs& args, const LoadedRun& run, const Dataset& data, ModelConfig& config,
                         OptimizerConfig& opt, int& batch) {
  Network loaded;
  if (!run.given) return loaded;
  loaded = run.resuming ? run.session.models[0].network : network_load_file(run.path);
  check_loaded_flags(args, run.path, loaded.config, config, data);
  if (args.given("model") && loaded.config.kind != config.kind)
    throw InputError(run.name + ": holds a " + model_kind_name(loaded.config.kind) + " model but --model " +
                     model_kind_name(config.kind) + " was given");
  const uint64_t seed = config.seed;
  config = loaded.config;
  if (!run.resuming) {
    config.seed = seed;
    return loaded;
  }
  check_session_data(args, run.session, data);
  const OptimizerConfig saved = run.session.models[0].optimizer;
  if (!args.given("lr")) opt.lr = saved.lr;
  if (!args.given("optimizer")) opt.kind = saved.kind;
  if (!args.given("clip")) opt.clip_norm = saved.clip_norm;
  opt.momentum = saved.momentum, opt.beta1 = saved.beta1, opt.beta2 = saved.beta2, opt.eps = saved.eps;
  if (!args.given("batch")) batch = run.session.batch;
  return loaded;
}

//---- the decoded manifold, from any command that trains -------------------------------------

void add_manifold_flags(CliArgs& args) {
  args.add("export-manifold", "FILE", "", "write the decoded manifold at the end as a PNG, as the app's Export menu does:\n"
           "                             latent dimensions 0 and 1 through the held-out codes' mean; a variational\n"
           "                             kind at the prior's quantiles, the others over +-3 sigma of the codes");
  args.add("manifold-tiles", "N", "24", "--export-manifold: N x N decoded tiles (8 to 64)");
}

void export_manifold_from_flags(const CliArgs& args, const Network& net, const Dataset& data, const std::string& tag) {
  const int tiles = args.integer("manifold-tiles", 8, 64);
  if (!args.given("export-manifold")) return;
  std::string path = args.str("export-manifold");
  if (!tag.empty()) {
    const size_t dot = path.rfind('.');
    const size_t slash = path.rfind('/');
    const size_t at = dot != std::string::npos && (slash == std::string::npos || dot > slash) ? dot : path.size();
    path.insert(at, "-" + tag);
  }
  std::string error;
  if (!manifold_png_write(net, data, tiles, path, &error)) throw InputError("--export-manifold: " + error);
}
