// The flag parser shared by all subcommands. See cli.h.
#include "cli.h"

#include <climits>

#include "data/dataset.h"
#include "io/errors.h"
#include "models/model.h"
#include "io/file_input.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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
  flags_.push_back(f);
}

void CliArgs::add_switch(const std::string& name, const std::string& help) {
  CliFlag f;
  f.name = name;
  f.help = help;
  f.is_switch = true;
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

void add_data_flags(CliArgs& args) {
  args.add("data", "SPEC", "digits", "built-in name (digits, sprites, faces), IDX file (raw or .gz), image folder or .csv");
  args.add("labels", "FILE", "", "IDX labels file (found next to MNIST-named image files by itself)");
  args.add("train", "N", "", "the first N samples train, the rest are held out (default: the source's split)");
  args.add("count", "N", "", "built-in generators: total samples (default 12000)");
  args.add("image-size", "N", "28", "image folders: resize every image to NxN (area filter)");
  args.add_switch("rgb", "image folders: keep colour (3 channels)");
  args.add("csv-label", "COL", "", "CSV: label column, by header name or 0-based index");
  args.add("csv-scaling", "MODE", "minmax", "CSV: minmax (fits BCE) | zscore");
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
  spec.csv_scaling = args.choice("csv-scaling", {"minmax", "zscore"});
  return spec;
}

void print_data_warnings(const Dataset& d) {
  for (const std::string& w : d.warnings) std::fprintf(stderr, "latentlab: warning: %s\n", printable_path(w).c_str());
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

std::vector<int> hidden_from_flags(const CliArgs& args, int max_width) {
  if (args.str("hidden") == "none") return {};
  return args.int_list("hidden", 1, max_width);
}

void arch_from_flags(const CliArgs& args, const Dataset& data, ModelConfig& c) {
  std::vector<std::string> names;
  for (Architecture a : kArchitectures) names.push_back(architecture_name(a));
  parse_architecture(args.choice("arch", names), &c.arch);
  if (c.arch != Architecture::Conv) return;
  if (!data.is_image)
    throw InputError(printable_path(data.name) + ": --arch conv needs images, and this data set is not one");
  c.channels = data.channels;
  c.height = data.height;
  c.width = data.width;
  if (!args.given("hidden")) c.hidden = {16};
}
