// The headless subcommands of `latentlab` and the small flag parser they share.
// Every subcommand links core/ alone and never opens a display, so it works over ssh and in CI.
// A bad flag or value throws UsageError; bad input data throws InputError (core/io/errors.h).
// main() turns either into a one-line message and exit status 2.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/model.h"
#include "train/session.h"

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One declared flag. A switch takes no value.
struct CliFlag {
  std::string name;           // without the leading "--"
  std::string value_hint;     // e.g. "N", "FILE"; empty for a switch
  std::string default_value;  // shown in --help; "" means unset
  std::string help;
  bool is_switch = false;
  bool was_given = false;
  std::string value;
};

// Declare flags, then parse(). Unknown flags, missing values and bad numbers throw UsageError.
class CliArgs {
 public:
  CliArgs(std::string command, std::string summary);
  void add(const std::string& name, const std::string& value_hint, const std::string& default_value,
           const std::string& help);
  void add_switch(const std::string& name, const std::string& help);
  // Returns false when --help was asked for (help already printed).
  bool parse(int argc, char** argv);
  void print_help() const;

  const std::string& command() const { return command_; }  // "latentlab train", for messages
  bool given(const std::string& name) const;       // the user passed it
  const std::string& str(const std::string& name) const;  // value or default
  int integer(const std::string& name, long long min_value, long long max_value) const;
  float real(const std::string& name, double min_value, double max_value) const;
  bool flag(const std::string& name) const;        // a switch's state
  std::vector<int> int_list(const std::string& name, int min_value, int max_value) const;  // "400,200"
  // The value must be one of `choices`.
  const std::string& choice(const std::string& name, const std::vector<std::string>& choices) const;
  // The value must be a name in `list` (core/models/kinds.h); returns its row.
  int choice(const std::string& name, const ChoiceList& list) const;
  template <typename E>
  E choice_of(const std::string& name) const { return static_cast<E>(choice(name, choice_list<E>())); }
  // A comma-separated list of names in `list` ("ae,vae"), each at most once; returns their rows.
  std::vector<int> choices(const std::string& name, const ChoiceList& list) const;
  template <typename E>
  std::vector<E> choices_of(const std::string& name) const {
    std::vector<E> out;
    for (int i : choices(name, choice_list<E>())) out.push_back(static_cast<E>(i));
    return out;
  }

 private:
  const CliFlag& find(const std::string& name) const;
  void declare(const CliFlag& f);
  std::string command_, summary_;
  std::vector<CliFlag> flags_;
};

// The --data family of flags, the same in every command that loads a dataset: --data, --labels,
// --train, --count, --image-size, --rgb, --csv-label, --csv-scaling. The generators' seed is the
// command's own --seed, passed in.
void add_data_flags(CliArgs& args);
struct DataSpec;
DataSpec data_spec_from_flags(const CliArgs& args, uint64_t seed);
bool data_flags_given(const CliArgs& args);  // any of the --data family (a resumed session brings its own)
// --hidden: comma-separated widths in [1, max_width], or "none" (no hidden layer: the vanilla
// autoencoder, one layer each way).
std::vector<int> hidden_from_flags(const CliArgs& args, int max_width);
// --arch mlp|conv into c, after the data is loaded: conv takes the image geometry from the data and,
// without an explicit --hidden, the Keras example's one dense layer of 16.
struct ModelConfig;
struct Dataset;
void arch_from_flags(const CliArgs& args, const Dataset& data, ModelConfig& c);

// The loader's warnings (skipped files, ignored flags), each once on stderr as
// "latentlab: warning: ...", so that every command that loads data tells the user what it left out.
struct Dataset;
void print_data_warnings(const Dataset& d);

// The model and training flags, the same in every command that builds a model: --model (when
// the user picks the kind), --hidden, --latent, --activation, --seed, the hyperparameters of every
// kind the command can train (names, ranges, defaults and help from core/models/kinds.h), and the
// training flags. A command states only what differs: its defaults and which groups it takes.
struct ModelFlagSpec {
  bool pick_kind = true;          // --model; without it the command trains `kinds`
  ModelKind default_kind = ModelKind::VAE;  // --model's default
  bool twin = false;              // --model also takes "twin", the default: two models side by side, the
                                  // pair of --pair (default a plain AE and a VAE)
  std::vector<ModelKind> kinds;   // without --model: the kinds trained, whose hyperparameters are declared
  const char* hidden = "400";
  const char* latent = "20";
  const char* latent_help = "code size";
  int max_latent = 1 << 16;
  const char* seed_help = "seeds the weights, the noise and the shuffling";
  bool output = true;             // --loss and --init
  bool training = true;           // --epochs, --batch and --lr
  bool optimizer = true;          // --optimizer and --clip (with `training`)
  bool epochs = true;             // --epochs (with `training`)
  int min_epochs = 1;
  const char* lr = "1e-3";
  const char* lr_help = "learning rate; on a NaN or Inf the model rolls back and it is halved";
};
void add_model_flags(CliArgs& args, const ModelFlagSpec& spec);
// The architecture and hyperparameters the flags give. A hyperparameter given for a kind that does
// not have it is a UsageError ("--beta applies to --model vae only"). *twin (if not null) says
// whether --model twin was chosen, and *pair (if not null) which --pair (compare mode's two models);
// compare_configs(config, pair) makes both.
ModelConfig model_config_from_flags(const CliArgs& args, const ModelFlagSpec& spec, bool* twin = nullptr,
                                    ComparePair* pair = nullptr);
OptimizerConfig optimizer_from_flags(const CliArgs& args, const ModelFlagSpec& spec);  // --optimizer, --lr, --clip
int epochs_from_flags(const CliArgs& args, const ModelFlagSpec& spec);
int batch_from_flags(const CliArgs& args);
// Every kind's name, one-line description and loss, for a command's --help summary.
std::string model_kinds_help();

// --load of a saved model: the file's architecture wins, since its weights were trained for it. A
// flag the user gave explicitly that disagrees with the file (--arch, --hidden, --latent,
// --activation, the saved kind's hyperparameters) is an InputError naming the file and both
// values; so is a model whose input size is not the data's.
void check_loaded_flags(const CliArgs& args, const std::string& file, const ModelConfig& saved,
                        const ModelConfig& given, const Dataset& data);

// A JSON string literal (quotes included) of s: quotes and backslashes escaped, control characters
// as \u00XX, and bytes that are not UTF-8 (a file name can hold any) as the text \xHH as
// printable_path writes them, since a JSON string holds Unicode text only. Every JSON writer of
// the CLI goes through here.
std::string json_string(const std::string& s);
// A JSON number ("null" for NaN or Inf, which JSON cannot hold) and a list of them.
std::string json_number(double v);
std::string json_number_list(const std::vector<double>& v);

// A one-line JSON object built field by field, in the order added: the summary every command
// prints with --json. Each figure a command reports is one add(); values are JSON text (a number
// from json_number, a string from json_string, a list, or a nested object's text()).
class JsonObject {
 public:
  JsonObject& add(const std::string& key, const std::string& json_value);
  JsonObject& add(const std::string& key, double number) { return add(key, json_number(number)); }
  JsonObject& add(const std::string& key, int number) { return add(key, std::to_string(number)); }
  JsonObject& add(const std::string& key, long long number) { return add(key, std::to_string(number)); }
  JsonObject& add(const std::string& key, bool value) { return add(key, std::string(value ? "true" : "false")); }
  JsonObject& add_string(const std::string& key, const std::string& text) { return add(key, json_string(text)); }
  std::string text() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

// --export-manifold FILE.png and --manifold-tiles N, on every command that trains (and with --load):
// the decoded manifold as the app's Export menu writes it (measure/manifold_image.h). The export
// writes model `net`'s; `tag` (the model's kind) goes before ".png" when a command trains several.
void add_manifold_flags(CliArgs& args);
void export_manifold_from_flags(const CliArgs& args, const Network& net, const Dataset& data, const std::string& tag = "");

// --save FILE, --load FILE and --other-data, the same in every command that trains one model to keep
// (train, anomaly): a .llsession is the whole run, resumed exactly (--load FILE --epochs N trains N
// more, --epochs 0 only evaluates); a .safetensors or .llnet holds the weights, loaded with a fresh
// optimizer.
void add_save_load_flags(CliArgs& args);
// --load of a session on `data`: an InputError naming the file and both hashes when the data is not
// the one the session was trained on, unless --other-data.
void check_session_data(const CliArgs& args, const Session& session, const Dataset& data);
// What --load brings, read before the data because a session brings its data spec too: a
// .llsession (resumed exactly: one model's run; a twin session of the GUI is refused, naming
// `command`) or a network's weights (read later, by apply_loaded_run).
struct LoadedRun {
  bool given = false, resuming = false;
  std::string path, name;  // the file, and its quoted printable name for messages
  Session session;         // when resuming
};
LoadedRun loaded_run_from_flags(const CliArgs& args, const char* command);
// The loaded network over the flags' `config`: the file's architecture wins (check_loaded_flags),
// a --model that disagrees is refused, and a network alone keeps the flags' seed (fresh noise and
// batches). A session's data hash is checked (check_session_data) and its optimizer settings and
// batch come back unless a flag gives them. Returns the network (empty without --load).
Network apply_loaded_run(const CliArgs& args, const LoadedRun& run, const Dataset& data, ModelConfig& config,
                         OptimizerConfig& opt, int& batch);

// Largest PNG a subcommand writes (datasets --png, interpolate --png), in bytes of pixels; checked
// before the image is allocated. 64 MB holds 4096 x 4096 RGB, far beyond any grid of the
// project's datasets at the largest zoom, and stb's encoder needs about as much again.
constexpr uint64_t kCliPngMaxBytes = 64ull << 20;

// Subcommands: each returns the process exit status.
int cli_train(int argc, char** argv);
int cli_interpolate(int argc, char** argv);
int cli_bench(int argc, char** argv);
int cli_datasets(int argc, char** argv);
// The applications of an autoencoder, measured (issue 17): `reduce` is PCA alone, measured as
// `train --json` measures a model; json_add_reduction writes those figures, the same keys in both.
int cli_reduce(int argc, char** argv);
int cli_anomaly(int argc, char** argv);  // hold out a label, train without it, ROC AUC of detecting it
// Each guided lesson's claim, measured (issue 20; core/lessons/lesson_checks.h): exit 0 shows, 1 does not.
int cli_lesson(int argc, char** argv);
struct ReductionFigures;
void json_add_reduction(JsonObject& out, const ReductionFigures& f);
