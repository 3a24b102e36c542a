// safetensors (io/safetensors.h, models/network_safetensors.h): an export/import round trip for
// every kind and both architectures, the pytorch/examples VAE layout written by a stdlib-only
// Python script (tests/fixtures/make_pytorch_vae.py) in each float dtype and checked against a
// forward pass worked out here from the script's formula, malformed files each with its expected
// message, and the CLI's exit status 2 on one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "io/errors.h"
#include "io/safetensors.h"
#include "models/network_safetensors.h"
#include "test_files.h"

namespace {

// A file from a header's JSON text and its data bytes.
Bytes safetensors_bytes(const std::string& header, const Bytes& data, uint64_t declared = ~uint64_t(0)) {
  const uint64_t n = declared == ~uint64_t(0) ? header.size() : declared;
  Bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(n >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string parse_error(const Bytes& b) {
  try {
    safetensors_parse(b.data(), b.size(), "bad.safetensors");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string import_error(const fs::path& path) {
  try {
    network_load_safetensors(path.string());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The fixture script's value of element j of tensor t (see make_pytorch_vae.py).
double fixture_value(int t, long j) { return double((7 * j + 13 * t) % 101 - 50) / 256.0; }

fs::path make_fixture(const fs::path& dir, int n_in, int hidden, int latent, const std::string& dtype) {
  const fs::path out = dir / ("vae_" + dtype + ".safetensors");
  const std::string cmd = "python3 " + std::string(LATENTLAB_SOURCE_DIR) + "/tests/fixtures/make_pytorch_vae.py " +
                          out.string() + " " + std::to_string(n_in) + " " + std::to_string(hidden) + " " +
                          std::to_string(latent) + " " + dtype;
  REQUIRE(std::system(cmd.c_str()) == 0);
  return out;
}

}  // namespace

TEST_CASE("safetensors: a network's export and import round trip bit for bit, every kind, both architectures") {
  const fs::path dir = temp_dir("roundtrip");
  for (const ModelKindInfo& k : model_kinds())
    for (Architecture arch : {Architecture::Mlp, Architecture::Conv}) {
      ModelConfig c;
      c.kind = k.kind;
      c.arch = arch;
      c.input_size = 64;
      c.hidden = {12};
      c.latent = 3;
      c.seed = 7;
      c.beta = 2.5f;
      c.noise_level = 0.125f;
      if (arch == Architecture::Conv) c.channels = 1, c.height = 8, c.width = 8;
      const Network net = Network::create(c);
      const fs::path file = dir / (std::string(k.choice.name) + choice_name(arch) + ".safetensors");
      std::string error;
      REQUIRE_MESSAGE(network_save_file(net, file.string(), &error), error);
      const Network back = network_load_file(file.string());
      CHECK(network_serialize(back) == network_serialize(net));  // config, layer list and every weight
    }
}

TEST_CASE("safetensors: a Dense weight is exported in PyTorch's [out, in] order") {
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.input_size = 5;
  c.hidden = {};
  c.latent = 3;
  const Network net = Network::create(c);
  const SafetensorsFile f = network_to_safetensors(net);
  const SafeTensor* w = f.find("encoder.0.weight");
  REQUIRE(w != nullptr);
  CHECK(w->shape == std::vector<uint64_t>{3, 5});
  const DenseShape& d = net.encoder[0].dense;
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 5; ++i) CHECK(w->values[size_t(o * 5 + i)] == net.params[d.weight_offset + size_t(o + i * 3)]);
}

TEST_CASE("safetensors: the pytorch/examples VAE layout loads in every float dtype and computes what PyTorch would") {
  const fs::path dir = temp_dir("pytorch");
  const int I = 12, H = 6, L = 3;
  for (const char* dtype : {"F32", "F16", "BF16", "F64"}) {
    CAPTURE(dtype);
    const Network net = network_load_file(make_fixture(dir, I, H, L, dtype).string());
    CHECK(net.config.kind == ModelKind::VAE);
    CHECK(net.config.input_size == I);
    CHECK(net.config.hidden == std::vector<int>{H});
    CHECK(net.config.latent == L);
    // The forward pass of vae/main.py, from the script's formula: tensors 0..9 are fc1.w, fc1.b,
    // fc21.w, fc21.b, fc22.w, fc22.b, fc3.w, fc3.b, fc4.w, fc4.b; a weight [out, in] row-major.
    Mat x(I, 1);
    for (int i = 0; i < I; ++i) x(i, 0) = float(i % 5) / 4.0f;
    std::vector<double> h(H), mu(L), logvar(L), h3(H), out(I);
    for (int o = 0; o < H; ++o) {
      double s = fixture_value(1, o);
      for (int i = 0; i < I; ++i) s += fixture_value(0, o * I + i) * x(i, 0);
      h[size_t(o)] = std::max(0.0, s);
    }
    for (int o = 0; o < L; ++o) {
      double m = fixture_value(3, o), v = fixture_value(5, o);
      for (int i = 0; i < H; ++i) {
        m += fixture_value(2, o * H + i) * h[size_t(i)];
        v += fixture_value(4, o * H + i) * h[size_t(i)];
      }
      mu[size_t(o)] = m;
      logvar[size_t(o)] = v;
    }
    for (int o = 0; o < H; ++o) {
      double s = fixture_value(7, o);
      for (int i = 0; i < L; ++i) s += fixture_value(6, o * L + i) * mu[size_t(i)];
      h3[size_t(o)] = std::max(0.0, s);
    }
    for (int o = 0; o < I; ++o) {
      double s = fixture_value(9, o);
      for (int i = 0; i < H; ++i) s += fixture_value(8, o * H + i) * h3[size_t(i)];
      out[size_t(o)] = 1.0 / (1.0 + std::exp(-s));
    }
    InferenceWorkspace ws;
    Mat code(L, 1), lv(L, 1), xhat(I, 1);
    network_encode(net, x, code, ws, &lv);
    network_decode(net, code, xhat, ws);
    double worst = 0;
    for (int o = 0; o < L; ++o)
      worst = std::max({worst, std::abs(code(o, 0) - mu[size_t(o)]), std::abs(lv(o, 0) - logvar[size_t(o)])});
    for (int o = 0; o < I; ++o) worst = std::max(worst, std::abs(xhat(o, 0) - out[size_t(o)]));
    CHECK(worst < 1e-5);
  }
}

TEST_CASE("safetensors: malformed files are refused, each with its own message") {
  const std::string one = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const Bytes eight(8, 0);
  CHECK(parse_error(safetensors_bytes(one, eight)).empty());  // the well-formed base case

  SUBCASE("header length beyond the file") {
    CHECK(parse_error(safetensors_bytes(one, eight, 5000)).find("runs beyond the end of the file") != std::string::npos);
  }
  SUBCASE("header over 100 MB") {
    CHECK(parse_error(safetensors_bytes(one, eight, 100000001)).find("over the limit of 100000000") != std::string::npos);
  }
  SUBCASE("too short") { CHECK(parse_error(Bytes{1, 2, 3}).find("shorter than its 8-byte") != std::string::npos); }
  SUBCASE("not starting with '{'") {
    CHECK(parse_error(safetensors_bytes(" " + one, eight)).find("does not start with '{'") != std::string::npos);
  }
  SUBCASE("not JSON") {
    CHECK(parse_error(safetensors_bytes("{\"a\":", eight)).find("not valid JSON") != std::string::npos);
  }
  SUBCASE("duplicate names") {
    const std::string dup = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    CHECK(parse_error(safetensors_bytes(dup, eight)).find("duplicate name 'a'") != std::string::npos);
  }
  SUBCASE("overlapping offsets") {
    const std::string overlap = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    CHECK(parse_error(safetensors_bytes(overlap, eight)).find("overlaps another") != std::string::npos);
  }
  SUBCASE("a gap, data left over, offsets past the end") {
    const std::string gap = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    CHECK(parse_error(safetensors_bytes(gap, eight)).find("a gap in the data") != std::string::npos);
    const std::string short_cover = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
    CHECK(parse_error(safetensors_bytes(short_cover, eight)).find("cover 4 of the file's 8") != std::string::npos);
    const std::string past = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    CHECK(parse_error(safetensors_bytes(past, eight)).find("beyond the file's 8") != std::string::npos);
  }
  SUBCASE("shape x dtype size must match the offsets, and may not overflow") {
    const std::string mismatch = R"({"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})";
    CHECK(parse_error(safetensors_bytes(mismatch, eight)).find("needs 16") != std::string::npos);
    const std::string product = R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,8]}})";
    CHECK(parse_error(safetensors_bytes(product, eight)).find("element count overflows 64 bits") != std::string::npos);
    const std::string bytes = R"({"a":{"dtype":"F32","shape":[4611686018427387904,2],"data_offsets":[0,8]}})";
    CHECK(parse_error(safetensors_bytes(bytes, eight)).find("size in bytes overflows 64 bits") != std::string::npos);
    const std::string huge = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]}})";
    CHECK(parse_error(safetensors_bytes(huge, eight)).find("overflow 64 bits") != std::string::npos);
  }
  SUBCASE("unknown dtype") {
    const std::string dt = R"({"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}})";
    CHECK(parse_error(safetensors_bytes(dt, eight)).find("unknown dtype 'F12'") != std::string::npos);
  }
}

TEST_CASE("safetensors: a missing tensor or a wrong shape in the pytorch/examples layout is named") {
  const fs::path dir = temp_dir("pytorch_bad");
  const fs::path good = make_fixture(dir, 12, 6, 3, "F32");
  const SafetensorsFile f = safetensors_load(good.string(), 1 << 20);
  auto variant = [&](const std::string& drop, const std::string& reshape) {
    SafetensorsFile g;
    for (SafeTensor t : f.tensors) {
      if (t.name == drop) continue;
      if (t.name == reshape) t.shape = {t.shape[1], t.shape[0]};
      g.tensors.push_back(t);
    }
    const fs::path out = dir / ("variant_" + drop + reshape + ".safetensors");
    std::string error;
    REQUIRE(safetensors_save(g, out.string(), &error));
    return out;
  };
  CHECK(import_error(variant("", "")).empty());
  CHECK(import_error(variant("fc4.bias", "")).find("missing tensor 'fc4.bias'") != std::string::npos);
  CHECK(import_error(variant("", "fc3.weight")).find("tensor 'fc3.weight' has shape [3, 6], expected [6, 3]") !=
        std::string::npos);
  CHECK(import_error(variant("", "fc22.weight")).find("'fc22.weight' has shape [6, 3], expected [3, 6]") !=
        std::string::npos);
  // Neither layout: a file of other tensors.
  SafetensorsFile other;
  other.tensors.push_back(SafeTensor{"w", "F32", {1}, {1.0f}, true});
  std::string error;
  REQUIRE(safetensors_save(other, (dir / "other.safetensors").string(), &error));
  CHECK(import_error(dir / "other.safetensors").find("neither known layout") != std::string::npos);
}

TEST_CASE("safetensors: the CLI trains from a pytorch/examples VAE, saves safetensors, and exits 2 on a bad file") {
  const fs::path dir = temp_dir("cli");
  const fs::path vae = make_fixture(dir, 784, 32, 2, "F32");
  const fs::path out = dir / "out.safetensors";
  const Run ok = run_latentlab("train --data digits --count 300 --train 256 --epochs 1 --load " + vae.string() +
                                   " --save " + out.string(),
                               dir / "err1.txt");
  CHECK_MESSAGE(ok.status == 0, ok.err);
  const Network trained = network_load_file(out.string());
  CHECK(trained.config.hidden == std::vector<int>{32});
  CHECK(trained.config.latent == 2);

  Bytes broken = read_bytes(vae);
  broken.resize(broken.size() - 3);
  write_file(dir / "broken.safetensors", broken);
  const Run bad = run_latentlab("train --data digits --count 300 --epochs 1 --load " + (dir / "broken.safetensors").string(),
                                dir / "err2.txt");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("broken.safetensors") != std::string::npos);
  CHECK(bad.err.find("beyond the file") != std::string::npos);
}
