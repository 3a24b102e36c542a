// The tables of core/models/kinds.h are complete and consistent: every kind's and every choice's
// name parses back to it, every hyperparameter's default lies inside its ranges and is
// ModelConfig's, every kind (with every choice value) round-trips through the .llnet format, an
// unknown kind in a file is refused naming the file, and the command line refuses a hyperparameter
// for a kind that does not have it.
#include <doctest/doctest.h>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <set>
#include <string>

#include "io/errors.h"
#include "models/kinds.h"
#include "models/model.h"
#include "test_files.h"
#include "train/trainer.h"

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// Every row of a choice list: a name that parses back to its own row, a title and a description;
// no two names alike.
template <typename E>
void check_choices() {
  const ChoiceList& list = choice_list<E>();
  INFO(list.what);
  REQUIRE(list.count() > 0);
  std::set<std::string> names;
  for (int i = 0; i < list.count(); ++i) {
    const Choice& c = list.rows[static_cast<size_t>(i)];
    INFO(c.name);
    CHECK(std::strlen(c.name) > 0);
    CHECK(std::strlen(c.title) > 0);
    CHECK(std::strlen(c.description) > 0);
    E parsed{};
    REQUIRE(parse_choice(c.name, &parsed));
    CHECK(static_cast<int>(parsed) == i);
    CHECK(std::string(choice_name(static_cast<E>(i))) == c.name);
    CHECK(choice_valid<E>(i));
    names.insert(c.name);
  }
  CHECK(static_cast<int>(names.size()) == list.count());
  CHECK_FALSE(choice_valid<E>(-1));
  CHECK_FALSE(choice_valid<E>(list.count()));
  E untouched = static_cast<E>(0);
  CHECK_FALSE(parse_choice("no-such-name", &untouched));
  CHECK(list.find("") == -1);
}

// Sentences in a text: full stops followed by a space or the end.
int sentences(const std::string& s) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '.' && (i + 1 == s.size() || s[i + 1] == ' ')) ++n;
  return n;
}

// A small network of `kind` whose hyperparameters are all off their defaults (each set inside its
// GUI span), so that a round trip that dropped or swapped a field would show.
ModelConfig unusual_config(ModelKind kind, int variant) {
  ModelConfig c;
  c.kind = kind;
  c.input_size = 12;
  c.channels = 3;  // 4 colour pixels, so that every noise applies (drop colour needs colour)
  c.hidden = {7, 5};
  c.latent = 3;
  c.seed = 11 + static_cast<uint64_t>(variant);
  c.activation = static_cast<Activation>(variant % choice_list<Activation>().count());
  c.loss = static_cast<OutputLoss>(variant % choice_list<OutputLoss>().count());
  c.init = static_cast<InitKind>(variant % choice_list<InitKind>().count());
  for (int i = 0; i < kHyperparamCount; ++i) {
    const HyperparamInfo& h = hyperparam_info(static_cast<Hyperparam>(i));
    const double v = h.type == HyperparamType::Choice
                         ? std::fmod(h.default_value + 1 + variant, h.choices->count())
                         : h.slider_min + (h.slider_max - h.slider_min) * (0.3 + 0.1 * variant);
    hyperparam_set(c, h.id, h.type == HyperparamType::Integer ? std::round(v) : v);
  }
  return c;
}

void patch_crc(Bytes& b) {
  const uint32_t crc = uint32_t(crc32(crc32(0L, Z_NULL, 0), b.data(), uInt(b.size() - 4)));
  std::memcpy(b.data() + b.size() - 4, &crc, 4);
}

}  // namespace

TEST_CASE("every choice list: names parse back, titles and descriptions present, names unique") {
  check_choices<ModelKind>();
  check_choices<Activation>();
  check_choices<OutputLoss>();
  check_choices<SparsityKind>();
  check_choices<NoiseKind>();
  check_choices<OptimizerKind>();
  check_choices<InitKind>();
}

TEST_CASE("the kinds table: one row per kind in the enum's order, every field filled") {
  const std::vector<ModelKindInfo>& kinds = model_kinds();
  REQUIRE(kinds.size() == static_cast<size_t>(choice_list<ModelKind>().count()));
  std::set<std::string> short_names, titles;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const ModelKindInfo& k = kinds[i];
    INFO(k.choice.name);
    CHECK(static_cast<size_t>(k.kind) == i);
    CHECK(&model_kind_info(k.kind) == &k);
    ModelKind parsed{};
    REQUIRE(parse_model_kind(k.choice.name, &parsed));
    CHECK(parsed == k.kind);
    CHECK(std::string(model_kind_name(k.kind)) == k.choice.name);
    short_names.insert(k.short_name);
    titles.insert(k.choice.title);
    // Two or three plain sentences of what the kind is for, and its loss both ways.
    CHECK(sentences(k.about) >= 2);
    CHECK(sentences(k.about) <= 3);
    CHECK(contains(k.loss_text, "recon"));
    CHECK(contains(k.loss_symbols, "recon"));
    for (const char* p = k.loss_text; *p; ++p) CHECK(static_cast<unsigned char>(*p) < 0x80);  // ASCII
    // A penalty has both names or neither, and a kind with a penalty writes it in its loss.
    CHECK((k.penalty == nullptr) == (k.penalty_key == nullptr));
    if (k.penalty) CHECK(contains(k.loss_text, " + "));
    // Its hyperparameters: each once.
    std::set<Hyperparam> seen(k.hyperparams.begin(), k.hyperparams.end());
    CHECK(seen.size() == k.hyperparams.size());
    for (Hyperparam h : k.hyperparams) CHECK(model_kind_has(k.kind, h));
  }
  CHECK(short_names.size() == kinds.size());
  CHECK(titles.size() == kinds.size());
  CHECK_FALSE(model_kind_has(static_cast<ModelKind>(99), Hyperparam::Beta));
}

TEST_CASE("every hyperparameter: its default is inside its ranges and is ModelConfig's") {
  const ModelConfig defaults;
  std::set<std::string> flags, keys;
  for (int i = 0; i < kHyperparamCount; ++i) {
    const HyperparamInfo& h = hyperparam_info(static_cast<Hyperparam>(i));
    INFO(h.flag);
    CHECK(static_cast<int>(h.id) == i);
    flags.insert(h.flag);
    keys.insert(h.key);
    CHECK(hyperparam_by_flag(h.flag) == &h);
    CHECK(hyperparam_by_key(h.key) == &h);
    CHECK(std::strlen(h.label) > 0);
    CHECK(std::strlen(h.help) > 0);
    CHECK(std::strlen(h.tooltip) > 0);
    CHECK(h.min <= h.default_value);
    CHECK(h.default_value <= h.max);
    CHECK(h.min <= h.slider_min);
    CHECK(h.slider_min < h.slider_max);
    CHECK(h.slider_max <= h.max);
    CHECK(h.slider_min <= h.default_value);
    CHECK(h.default_value <= h.slider_max);
    if (h.log_slider) CHECK(h.slider_min > 0);
    CHECK(hyperparam_get(defaults, h.id) == doctest::Approx(h.default_value));
    // Some kind has it, and --help can name the kinds.
    CHECK(!model_kinds_with(h.id).empty());
    if (h.type == HyperparamType::Choice) {
      REQUIRE(h.choices != nullptr);
      CHECK(h.min == 0);
      CHECK(h.max == h.choices->count() - 1);
    } else {
      CHECK(h.choices == nullptr);
    }
    // A condition names a choice hyperparameter of the same kinds, and a value it can take.
    if (h.when != h.id) {
      const HyperparamInfo& w = hyperparam_info(h.when);
      REQUIRE(w.type == HyperparamType::Choice);
      CHECK(h.when_value >= 0);
      CHECK(h.when_value < w.choices->count());
      CHECK(model_kinds_with(h.when) == model_kinds_with(h.id));
    }
    // set then get gives the value back, in the field's type.
    ModelConfig c;
    const double v = h.type == HyperparamType::Real ? 0.5 * (h.slider_min + h.slider_max) : h.max;
    hyperparam_set(c, h.id, v);
    CHECK(hyperparam_get(c, h.id) == doctest::Approx(v).epsilon(1e-6));
  }
  CHECK(flags.size() == static_cast<size_t>(kHyperparamCount));
  CHECK(keys.size() == static_cast<size_t>(kHyperparamCount));
  CHECK(hyperparam_by_flag("no-such-flag") == nullptr);
}

TEST_CASE("hyperparam_problem: a value outside its range is refused naming its flag; the edges pass") {
  for (int i = 0; i < kHyperparamCount; ++i) {
    const HyperparamInfo& h = hyperparam_info(static_cast<Hyperparam>(i));
    INFO(h.flag);
    ModelConfig c;
    c.input_size = 10;
    c.hidden = {6};
    for (const ModelKindInfo& k : model_kinds())
      if (model_kind_has(k.kind, h.id)) c.kind = k.kind;
    if (h.when != h.id) hyperparam_set(c, h.when, h.when_value);
    REQUIRE(model_config_problem(c).empty());
    for (double edge : {h.min, h.max}) {
      ModelConfig ok = c;
      hyperparam_set(ok, h.id, edge);
      if (h.id == Hyperparam::NoiseLevel) ok.noise = NoiseKind::Gaussian;  // a sigma may pass 1
      CHECK_MESSAGE(hyperparam_problem(ok).empty(), edge << ": " << hyperparam_problem(ok));
    }
    const double below = h.min - (h.type == HyperparamType::Real ? std::max(1e-3, std::fabs(h.min)) : 1);
    const double above = h.max + (h.type == HyperparamType::Real ? std::max(1.0, std::fabs(h.max)) : 1);
    for (double bad : {below, above, std::nan("")}) {
      ModelConfig b = c;
      hyperparam_set(b, h.id, bad);
      CHECK_MESSAGE(contains(model_config_problem(b), std::string("--") + h.flag), bad << ": " << model_config_problem(b));
    }
  }
  // Masking and salt-and-pepper noise take a probability.
  ModelConfig c;
  c.kind = ModelKind::Denoising;
  c.noise = NoiseKind::Mask;
  c.noise_level = 1.5f;
  CHECK(contains(hyperparam_problem(c), "--noise-level is a probability"));
  // A kind, activation, loss or init outside its table.
  c = ModelConfig{};
  c.kind = static_cast<ModelKind>(choice_list<ModelKind>().count());
  CHECK(contains(model_config_problem(c), "unknown model kind"));
  c = ModelConfig{};
  c.activation = static_cast<Activation>(-1);
  CHECK(contains(model_config_problem(c), "--activation"));
}

TEST_CASE("the file format round-trips every kind with every choice value") {
  for (const ModelKindInfo& k : model_kinds())
    for (int variant = 0; variant < 3; ++variant) {
      INFO(k.choice.name << " variant " << variant);
      const ModelConfig c = unusual_config(k.kind, variant);
      REQUIRE_MESSAGE(model_config_problem(c).empty(), model_config_problem(c));
      const Network net = Network::create(c);
      const std::vector<uint8_t> bytes = network_serialize(net);
      const Network back = network_parse(bytes.data(), bytes.size(), "round trip");
      const ModelConfig& b = back.config;
      CHECK(b.kind == c.kind);
      CHECK(b.input_size == c.input_size);
      CHECK(b.hidden == c.hidden);
      CHECK(b.latent == c.latent);
      CHECK(b.activation == c.activation);
      CHECK(b.loss == c.loss);
      CHECK(b.init == c.init);
      CHECK(b.seed == c.seed);
      for (int i = 0; i < kHyperparamCount; ++i) {
        const Hyperparam h = static_cast<Hyperparam>(i);
        CHECK_MESSAGE(hyperparam_get(b, h) == hyperparam_get(c, h), hyperparam_info(h).flag);
      }
      CHECK(back.params == net.params);
    }
}

TEST_CASE("an unknown kind or choice in a .llnet file: an InputError naming the file and the value") {
  const fs::path dir = temp_dir("unknown_kind");
  ModelConfig c;
  c.input_size = 8;
  c.hidden = {4};
  std::vector<uint8_t> bytes = network_serialize(Network::create(c));
  const int32_t unknown = choice_list<ModelKind>().count();  // the first code this build does not know
  std::memcpy(bytes.data() + 12, &unknown, 4);                // the kind follows magic and version
  patch_crc(bytes);
  const fs::path path = dir / "from_the_future.llnet";
  write_file(path, bytes);
  try {
    network_load(path.string());
    FAIL("an unknown kind loaded");
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK(contains(m, path.string()));
    CHECK(contains(m, "unknown model kind " + std::to_string(unknown)));
    CHECK(contains(m, choice_list<ModelKind>().names(", ")));  // what this build knows
  }
  // The same for the activation (after kind, input size, hidden count, one width and latent).
  bytes = network_serialize(Network::create(c));
  const int32_t bad_activation = 99;
  std::memcpy(bytes.data() + 12 + 5 * 4, &bad_activation, 4);
  patch_crc(bytes);
  CHECK_THROWS_WITH_AS(network_parse(bytes.data(), bytes.size(), "act.llnet"),
                       doctest::Contains("'act.llnet': unknown activation 99"), InputError);
  fs::remove_all(dir.parent_path());
}

TEST_CASE("the command line reads the tables: names, ranges and which kind has which flag") {
  const fs::path dir = temp_dir("cli");
  const fs::path err = dir / "stderr.txt";
  const std::string base = "train --data digits --count 300 --train 200 --epochs 1 --hidden 16 --latent 2 ";
  // A hyperparameter of another kind: refused, naming the kinds that have it.
  for (const ModelKindInfo& k : model_kinds())
    for (int i = 0; i < kHyperparamCount; ++i) {
      const HyperparamInfo& h = hyperparam_info(static_cast<Hyperparam>(i));
      if (model_kind_has(k.kind, h.id)) continue;
      const std::string value = hyperparam_format(h.id, h.default_value);
      const Run r = run_latentlab(base + "--model " + k.choice.name + " --" + h.flag + " " + value, err);
      CHECK_MESSAGE(r.status == 2, k.choice.name << " --" << h.flag);
      CHECK_MESSAGE(contains(r.err, "--" + std::string(h.flag) + " applies to --model " + model_kinds_with(h.id)),
                    r.err);
    }
  // An unknown kind: the message lists the table's names.
  Run r = run_latentlab(base + "--model gan", err);
  CHECK(r.status == 2);
  CHECK(contains(r.err, choice_list<ModelKind>().names()));
  // A value outside the table's range.
  r = run_latentlab(base + "--model vae --beta -1", err);
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--beta"));
  // --help shows every kind's loss and every hyperparameter's default.
  r = run_latentlab("train --help", err);
  CHECK(r.status == 0);
  for (const ModelKindInfo& k : model_kinds()) CHECK(contains(r.out, k.loss_text));
  for (int i = 0; i < kHyperparamCount; ++i) {
    const HyperparamInfo& h = hyperparam_info(static_cast<Hyperparam>(i));
    CHECK(contains(r.out, "--" + std::string(h.flag) + " "));
    CHECK(contains(r.out, "(default " + hyperparam_format(h.id, h.default_value) + ")"));
  }
  // Every kind trains from the command line with its own flags at their defaults, given explicitly.
  for (const ModelKindInfo& k : model_kinds()) {
    std::string flags = base + "--model " + k.choice.name;
    for (Hyperparam id : k.hyperparams)
      flags += " --" + std::string(hyperparam_info(id).flag) + " " + hyperparam_format(id, hyperparam_info(id).default_value);
    r = run_latentlab(flags + " --json", err);
    CHECK_MESSAGE(r.status == 0, flags << ": " << read_text(err));
    CHECK(contains(r.out, "\"model\":\"" + std::string(k.choice.name) + "\""));
  }
  fs::remove_all(dir.parent_path());
}

TEST_CASE("compare pairs: the default is AE vs VAE (twin_configs), every pair builds two valid models") {
  ModelConfig base;
  base.hidden = {64};
  base.latent = 3;
  const std::vector<ModelConfig> twin = twin_configs(base);
  REQUIRE(twin.size() == 2);
  CHECK(twin[0].kind == ModelKind::Plain);
  CHECK(twin[1].kind == ModelKind::VAE);
  std::set<std::string> names;
  for (int i = 0; i < choice_list<ComparePair>().count(); ++i) {
    const ComparePair p = static_cast<ComparePair>(i);
    const ComparePairInfo& info = compare_pair_info(p);
    INFO(info.choice.name);
    CHECK(info.pair == p);
    names.insert(info.choice.name);
    const std::vector<ModelConfig> c = compare_configs(base, p);
    REQUIRE(c.size() == 2);
    for (int m = 0; m < 2; ++m) {
      CHECK(c[m].kind == info.kinds[m]);
      CHECK(c[m].seed == base.seed);
      CHECK(model_config_problem(c[m]) == "");
      CHECK(c[m].latent == compare_shape_latent(info.shapes[m], base.latent));
      CHECK(c[m].hidden.size() == (info.shapes[m] == CompareShape::Same ? 1u : 0u));
    }
    CHECK((c[0].kind != c[1].kind || c[0].latent != c[1].latent));  // a pair differs in something
  }
  CHECK(names.size() == size_t(choice_list<ComparePair>().count()));
  // under-over's second model is overcomplete on the 784 pixels of the grey 28x28 data.
  CHECK(compare_configs(base, ComparePair::UnderOver)[1].latent > 784);
}
