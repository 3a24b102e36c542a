// Hostile .llnet files and hostile hyperparameters. Files: huge declared sizes in a tiny file
// (an InputError naming the file, before any large allocation: the peak RSS is checked), truncated
// at many offsets, bit-flipped (the CRC-32 refuses it), wrong magic or version, overlong, version 1
// still read. The command line: interpolate --load keeps the saved activation, and a conflicting
// flag is refused with both values; every hyperparameter error of `latentlab train` exits 2 with
// a message naming the flag. All files are written to a temporary folder by the test itself.
#include <doctest/doctest.h>

#include "test_files.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "io/errors.h"
#include "models/model.h"


namespace {

template <typename V>
void put(Bytes& b, V v) {
  uint8_t raw[sizeof v];
  std::memcpy(raw, &v, sizeof v);
  b.insert(b.end(), raw, raw + sizeof v);
}

// A .llnet header written field by field, as docs/model_format.md describes it, declaring
// `count` parameters and holding none of them.
Bytes header(uint32_t version, int32_t input, const std::vector<int32_t>& hidden, int32_t latent, uint64_t count,
             int32_t kind = 4 /* vae */) {
  Bytes b = {'L', 'L', 'N', 'E', 'T', 0, 0, 0};
  put(b, version);
  put(b, kind);
  put(b, input);
  put(b, int32_t(hidden.size()));
  for (int32_t h : hidden) put(b, h);
  put(b, latent);
  for (int32_t e : {0, 0, 0}) put(b, e);  // activation, loss, init
  put(b, uint64_t(1));                    // seed
  put(b, 1.0f);                           // beta
  put(b, int32_t(0));                     // kl warm-up
  put(b, int32_t(0));                     // sparsity
  put(b, 1e-3f);
  put(b, 0.05f);
  put(b, int32_t(0));  // noise
  put(b, 0.3f);
  put(b, 1e-3f);  // contractive weight
  put(b, count);
  return b;
}

void append_crc(Bytes& b) { put(b, uint32_t(crc32(crc32(0L, Z_NULL, 0), b.data(), uInt(b.size())))); }

// The parameter count the format expects for a VAE input-hidden...-latent.
uint64_t vae_parameters(int input, const std::vector<int32_t>& hidden, int latent) {
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.input_size = input;
  c.hidden.assign(hidden.begin(), hidden.end());
  c.latent = latent;
  return network_parameter_count(c);
}

long peak_rss_kb() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

Network small_network(Activation act = Activation::Tanh) {
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.input_size = 10;
  c.hidden = {6};
  c.latent = 2;
  c.activation = act;
  c.seed = 3;
  return Network::create(c);
}

// A version-3 file as version 2 or 1 would have stored it: without the architecture fields and
// the layer records (between the contractive weight and the parameter count), with the checksum
// (version 2) or without it (version 1).
Bytes older_version(const Bytes& v3, uint32_t version, const Network& net) {
  const size_t v2_fields_end = 12 + 4 * (7 + net.config.hidden.size()) + 8 + 32;
  const size_t count_at = v3.size() - 4 - 4 * net.params.size() - 8;
  Bytes b(v3.begin(), v3.begin() + long(v2_fields_end));
  b.insert(b.end(), v3.begin() + long(count_at), v3.end() - 4);
  std::memcpy(b.data() + 8, &version, 4);
  if (version >= 2) append_crc(b);
  return b;
}

// The message network_load throws for `bytes` written to `path`; "" if it loaded.
std::string load_error(const fs::path& path, const Bytes& bytes) {
  write_file(path, bytes);
  try {
    network_load(path.string());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

Run run(const std::string& args, const fs::path& dir) { return run_latentlab(args, dir / "stderr.txt"); }

// A JSON line without its "seconds" field, which differs between runs.
std::string without_seconds(std::string json) {
  const size_t at = json.find(",\"seconds\":");
  if (at != std::string::npos) json.erase(at, json.find('}', at) - at);
  return json;
}

}  // namespace

TEST_CASE("hostile .llnet: huge declared sizes in a tiny file are refused before allocating") {
  const fs::path dir = temp_dir("huge");
  const fs::path path = dir / "huge.llnet";
  const long rss_before = peak_rss_kb();

  // The file: a ~92-byte header declaring ~1.6 billion parameters, version 1 (no checksum).
  const std::vector<int32_t> wide = {1000000};
  const uint64_t huge = vae_parameters(784, wide, 20);
  REQUIRE(huge > 1500000000ull);
  Bytes v1 = header(1, 784, wide, 20, huge);
  CHECK(v1.size() < 100);
  std::string e = load_error(path, v1);
  CHECK(contains(e, path.string()));
  CHECK(contains(e, "over the budget"));

  // The same with a valid version-2 checksum: the budget still refuses it.
  Bytes v2 = header(2, 784, wide, 20, huge);
  append_crc(v2);
  e = load_error(path, v2);
  CHECK(contains(e, path.string()));
  CHECK(contains(e, "over the budget"));

  // Within the budget, but the file does not hold the declared parameters.
  const std::vector<int32_t> within = {30000};
  const uint64_t big = vae_parameters(784, within, 20);
  REQUIRE(big < kMaxNetworkParameters);
  REQUIRE(big > 10000000ull);
  v2 = header(2, 784, within, 20, big);
  append_crc(v2);
  e = load_error(path, v2);
  CHECK(contains(e, path.string()));
  CHECK(contains(e, "truncated network file"));
  CHECK(contains(e, std::to_string(big) + " parameters"));

  // Widths over the limit, negative widths, a parameter count that overflows 32 bits or does not
  // match, too many layers: each refused from the header alone.
  for (const Bytes& b : {header(1, 1 << 30, {400}, 20, 0), header(1, 784, {-5}, 20, 0),
                         header(1, 784, {400}, std::numeric_limits<int32_t>::max(), 0),
                         header(1, 784, {400}, 20, ~uint64_t(0)),
                         header(1, 784, std::vector<int32_t>(1000, 8), 20, 0)}) {
    e = load_error(path, b);
    CHECK_MESSAGE(contains(e, path.string()), e);
  }
  // Nothing like the declared sizes was allocated (a float array of the 30000-wide network alone
  // would be ~190 MB).
  const long grown_mb = (peak_rss_kb() - rss_before) / 1024;
  MESSAGE("peak RSS grew by " << grown_mb << " MB");
  CHECK(grown_mb < 50);
  fs::remove_all(dir.parent_path());
}

TEST_CASE("hostile .llnet: truncated, bit-flipped, wrong magic or version, overlong; version 1 still loads") {
  const fs::path dir = temp_dir("damaged");
  const fs::path path = dir / "model.llnet";
  const Network net = small_network();
  const Bytes good = network_serialize(net);
  REQUIRE(load_error(path, good).empty());

  // Truncated at every length short of the whole file.
  for (size_t n = 0; n < good.size(); ++n) {
    const std::string e = load_error(path, Bytes(good.begin(), good.begin() + long(n)));
    REQUIRE_MESSAGE(contains(e, path.string()), "cut at " << n << ": " << e);
  }
  // One flipped bit anywhere after the version (header, parameters or the checksum itself) is
  // caught by the checksum, not taken for a different model.
  for (size_t at = 12; at < good.size(); at += 7) {
    Bytes flipped = good;
    flipped[at] ^= uint8_t(1u << (at % 8));
    const std::string e = load_error(path, flipped);
    REQUIRE_MESSAGE(contains(e, "checksum mismatch"), "bit flipped at byte " << at << ": " << e);
    CHECK(contains(e, path.string()));
  }
  Bytes bad = good;
  bad[0] = 'X';
  CHECK(contains(load_error(path, bad), "bad magic"));
  for (uint32_t version : {0u, 5u, 0xFFFFFFFFu}) {
    bad = good;
    std::memcpy(bad.data() + 8, &version, 4);
    CHECK(contains(load_error(path, bad), "unsupported network file version " + std::to_string(version)));
  }
  // Extra bytes after the checksum break the checksum; after a version-1 file, the length check.
  bad = good;
  bad.push_back(0);
  CHECK(contains(load_error(path, bad), "checksum mismatch"));

  // Versions 1 and 2 still load: version 2 is version 3 without the architecture and the layer
  // records (an MLP), version 1 that without the checksum.
  const Bytes v2 = older_version(good, 2, net);
  REQUIRE(load_error(path, v2).empty());
  CHECK(network_load(path.string()).params == net.params);
  Bytes v1 = older_version(good, 1, net);
  REQUIRE(load_error(path, v1).empty());
  const Network old = network_load(path.string());
  CHECK(old.params == net.params);
  CHECK(old.config.activation == Activation::Tanh);
  v1.push_back(0);
  CHECK(contains(load_error(path, v1), "overlong network file"));
  v1.resize(v1.size() - 5);
  CHECK(contains(load_error(path, v1), "truncated network file"));

  // network_parse is network_load on bytes: same result, the given name in messages.
  const Network parsed = network_parse(good.data(), good.size(), "in-memory");
  CHECK(parsed.params == net.params);
  CHECK_THROWS_WITH_AS(network_parse(good.data(), 20, "in-memory"), doctest::Contains("'in-memory'"), InputError);

  // Not a regular file.
  CHECK_THROWS_WITH_AS(network_load(dir.string()), doctest::Contains("folder"), InputError);
  CHECK_THROWS_WITH_AS(network_load("/dev/zero"), doctest::Contains("character device"), InputError);
  fs::remove_all(dir.parent_path());
}

// The pool and upsample records (layer kinds 6 and 7) of a pool network, altered and re-checksummed
// so that only the record is wrong: a kind this build does not know, a pool swapped for an
// upsampling, a pool record's size changed. Each is refused naming the file; none loads as
// another network.
TEST_CASE("hostile .llnet: a pool network's resampling records altered") {
  const fs::path dir = temp_dir("pool-records");
  const fs::path path = dir / "pool.llnet";
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.arch = Architecture::Pool;
  c.channels = 1, c.height = c.width = 8, c.input_size = 64;
  c.hidden = {};
  c.latent = 4;
  const Network net = Network::create(c);
  const Bytes good = network_serialize(net);
  REQUIRE(load_error(path, good).empty());
  // The first pool record: kind 6, in 8x8x16, out 4x4x16.
  Bytes record;
  put(record, int32_t(6)), put(record, int32_t(8 * 8 * 16)), put(record, int32_t(4 * 4 * 16));
  const auto at = std::search(good.begin(), good.end() - 4, record.begin(), record.end());
  REQUIRE(at != good.end() - 4);
  const size_t kind_at = size_t(at - good.begin());
  auto altered = [&](size_t offset, int32_t value) {
    Bytes b(good.begin(), good.end() - 4);
    std::memcpy(b.data() + kind_at + offset, &value, 4);
    append_crc(b);
    return load_error(path, b);
  };
  const std::string unknown = altered(0, 8);
  CHECK(contains(unknown, "unknown layer kind 8 (this build knows 8)"));
  CHECK(contains(unknown, path.string()));
  CHECK(contains(altered(0, 7), "stored encoder layer list is not the one its settings build"));
  CHECK(contains(altered(12 + 4 * 4, 3), "stored encoder layer list is not the one its settings build"));  // small_h
  fs::remove_all(dir.parent_path());
}

TEST_CASE("hyperparameter validation in core: one function, every problem named") {
  ModelConfig c;
  c.input_size = 784;
  OptimizerConfig opt;
  CHECK(training_config_problem(c, opt, 128, 1000).empty());
  auto problem = [&](ModelConfig cc, OptimizerConfig oo, int batch) { return training_config_problem(cc, oo, batch, 1000); };
  ModelConfig bad = c;
  bad.latent = 0;
  CHECK(contains(problem(bad, opt, 128), "--latent"));
  bad = c;
  bad.hidden = {400, 0};
  CHECK(contains(problem(bad, opt, 128), "--hidden"));
  bad = c;
  bad.hidden = {65536};  // 784 x 65536 twice: ~103 M parameters
  CHECK(contains(problem(bad, opt, 128), "over the budget"));
  OptimizerConfig bad_opt = opt;
  for (float lr : {-1.0f, 0.0f, std::nanf(""), std::numeric_limits<float>::infinity()}) {
    bad_opt.lr = lr;
    CHECK(contains(problem(c, bad_opt, 128), "--lr"));
  }
  CHECK(contains(problem(c, opt, 0), "--batch must be at least 1"));
  CHECK(contains(problem(c, opt, 1001), "larger than the 1000 training samples"));
  ModelConfig wide = c;
  wide.hidden = {20000};
  CHECK(model_config_problem(wide).empty());
  CHECK(contains(training_config_problem(wide, opt, 60000, 60000), "use a smaller --batch"));
  // Network::create goes through the same check (the trainer and the GUI build models with it).
  CHECK_THROWS_WITH_AS(Network::create(bad), doctest::Contains("over the budget"), InputError);
}

TEST_CASE("latentlab train: every hyperparameter error exits 2 naming the flag") {
  const fs::path dir = temp_dir("cli_train");
  const std::string base = "train --data digits --count 300 --train 200 --epochs 1 ";
  struct Case {
    std::string flags, flag;
  } cases[] = {{"--latent 0", "--latent"},      {"--hidden 0", "--hidden"},       {"--hidden 64,0", "--hidden"},
               {"--lr -1", "--lr"},             {"--lr nan", "--lr"},             {"--lr 0", "--lr"},
               {"--batch 0", "--batch"},        {"--batch 201", "--batch"},       {"--hidden 65536", "--hidden"},
               {"--latent 65536 --hidden 1000", "--latent"}};
  for (const Case& k : cases) {
    const Run r = run(base + k.flags, dir);
    CHECK_MESSAGE(r.status == 2, k.flags << ": " << r.err);
    CHECK_MESSAGE(contains(r.err, k.flag), k.flags << ": " << r.err);
  }
  const Run over = run(base + "--batch 201", dir);
  CHECK(contains(over.err, "larger than the 200 training samples"));
  const Run budget = run(base + "--hidden 65536", dir);
  CHECK(contains(budget.err, "over the budget"));
  CHECK(budget.err.find("bad_alloc") == std::string::npos);
  CHECK(run(base + "--batch 200 --hidden 16 --latent 2", dir).status == 0);  // the boundary is allowed
  fs::remove_all(dir.parent_path());
}

TEST_CASE("interpolate --load: the saved architecture wins; a conflicting flag is refused naming the file") {
  const fs::path dir = temp_dir("interp");
  const std::string session = (dir / "session").string();
  const std::string data = "--data digits --count 600 --train 500 --pairs 10 --reference 200 --json ";
  const Run saved = run("interpolate " + data + "--hidden 24 --latent 3 --activation tanh --epochs 1 --save " + session, dir);
  REQUIRE_MESSAGE(saved.status == 0, saved.err);
  CHECK(network_load(session + "/model0.llnet").config.activation == Activation::Tanh);

  // No architecture flags: the file's tanh, 24 and 3 are used, so the measurements match the run
  // that trained them (with the default relu they would not).
  const Run loaded = run("interpolate " + data + "--load " + session, dir);
  REQUIRE_MESSAGE(loaded.status == 0, loaded.err);
  CHECK(without_seconds(loaded.out) == without_seconds(saved.out));
  CHECK(contains(loaded.out, "\"latent\":3"));
  // Flags that agree with the file are fine.
  CHECK(run("interpolate " + data + "--activation tanh --hidden 24 --latent 3 --load " + session, dir).status == 0);

  // A conflicting flag: exit 2, the file and both values named.
  const Run act = run("interpolate " + data + "--activation relu --load " + session, dir);
  CHECK(act.status == 2);
  CHECK(contains(act.err, session + "/model0.llnet"));
  CHECK(contains(act.err, "--activation tanh"));
  CHECK(contains(act.err, "--activation relu"));
  const Run hid = run("interpolate " + data + "--hidden 32 --load " + session, dir);
  CHECK(hid.status == 2);
  CHECK(contains(hid.err, "--hidden 24"));
  CHECK(contains(hid.err, "--hidden 32"));
  const Run lat = run("interpolate " + data + "--latent 5 --load " + session, dir);
  CHECK(lat.status == 2);
  CHECK(contains(lat.err, "--latent 3"));

  // The wrong number of features, the wrong kind in a slot: named.
  const fs::path csv = dir / "three.csv";
  {
    std::ofstream out(csv);
    out << "a,b,c\n0.1,0.2,0.3\n0.4,0.5,0.6\n0.2,0.2,0.2\n0.9,0.1,0.5\n";
  }
  const Run features = run("interpolate --data " + csv.string() + " --train 2 --pairs 1 --load " + session, dir);
  CHECK(features.status == 2);
  CHECK(contains(features.err, session + "/model0.llnet"));
  CHECK(contains(features.err, "takes 784 features but"));
  fs::copy_file(session + "/model1.llnet", session + "/model0.llnet", fs::copy_options::overwrite_existing);
  const Run kind = run("interpolate " + data + "--load " + session, dir);
  CHECK(kind.status == 2);
  CHECK(contains(kind.err, session + "/model0.llnet"));
  CHECK(contains(kind.err, "holds the vae model, expected the ae model"));
  fs::remove_all(dir.parent_path());
}
