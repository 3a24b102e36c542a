// Datasets that load correctly: real MNIST (its sha256 checked first), the built-in generators,
// grey and colour (deterministic, labelled, not degenerate, the colour factor), batches as floats, the area resampler, image folders
// and CSV, the 60,000-sample memory budget, and the `datasets` subcommand.
#include <doctest/doctest.h>

#include "test_files.h"
#include <stb_image.h>
#include <stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "data/data_images.h"
#include "data/dataset.h"
#include "io/errors.h"


//---- sha256 (FIPS 180-4), small and slow, enough to check a download ------------------------
namespace {

struct Sha256 {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t block[64];
  size_t used = 0;
  uint64_t total = 0;

  static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  void compress() {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t(block[4 * i]) << 24) | (uint32_t(block[4 * i + 1]) << 16) | (uint32_t(block[4 * i + 2]) << 8) |
             block[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  void update(const uint8_t* p, size_t n) {
    total += n;
    while (n--) {
      block[used++] = *p++;
      if (used == 64) compress(), used = 0;
    }
  }
  std::string hex() {
    const uint64_t bits = total * 8;
    uint8_t pad = 0x80;
    update(&pad, 1);
    pad = 0;
    while (used != 56) update(&pad, 1);
    for (int s = 56; s >= 0; s -= 8) {
      uint8_t b = static_cast<uint8_t>(bits >> s);
      update(&b, 1);
    }
    char out[65];
    for (int i = 0; i < 8; ++i) std::snprintf(out + 8 * i, 9, "%08x", h[i]);
    return out;
  }
};

std::string sha256_text(const std::string& s) {
  Sha256 sha;
  sha.update(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  return sha.hex();
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  Sha256 sha;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.update(reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(in.gcount()));
  }
  return sha.hex();
}

Dataset generate(const std::string& name, int count, uint64_t seed) {
  DataSpec spec;
  spec.source = name;
  spec.count = count;
  spec.seed = seed;
  return load_dataset(spec);
}

long vm_hwm_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 examples") {
  CHECK(sha256_text("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

//---- real MNIST -----------------------------------------------------------------------------
TEST_CASE("MNIST test set: checksums first, then the loader gets every image and label") {
  const std::string dir = std::string(LATENTLAB_SHARED_DIR) + "/data/mnist/";
  std::ifstream sums(dir + "SHA256SUMS");
  REQUIRE_MESSAGE(sums.good(), "missing " << dir << "SHA256SUMS");
  std::string hash, name;
  int checked = 0;
  while (sums >> hash >> name) {
    CAPTURE(name);
    REQUIRE(sha256_file(dir + name) == hash);
    ++checked;
  }
  REQUIRE(checked == 2);

  DataSpec spec;
  spec.source = dir + "t10k-images-idx3-ubyte.gz";  // its labels file is found by name
  Dataset d = load_dataset(spec);
  CHECK(d.count == 10000);
  CHECK(d.train_count == 8000);  // the project's convention: first 8000 train, last 2000 held out
  CHECK(d.test_count() == 2000);
  CHECK(d.width == 28);
  CHECK(d.height == 28);
  CHECK(d.channels == 1);
  CHECK(d.in_unit_range);
  CHECK(d.pixels.size() == 10000u * 784u);
  REQUIRE(d.labels.size() == 10000u);
  CHECK(d.labels[0] == 7);  // the well-known first three test digits: 7, 2, 1
  CHECK(d.labels[1] == 2);
  CHECK(d.labels[2] == 1);
  std::vector<int> per_class(10, 0);
  for (int l : d.labels) {
    REQUIRE(l >= 0);
    REQUIRE(l <= 9);
    ++per_class[l];
  }
  CHECK(per_class[1] == 1135);  // the MNIST test set's class counts
  CHECK(per_class[5] == 892);
  CHECK(d.label_names.size() == 10u);

  // The same with the labels file named explicitly.
  spec.labels_path = dir + "t10k-labels-idx1-ubyte.gz";
  Dataset again = load_dataset(spec);
  CHECK(again.labels == d.labels);
  CHECK(again.pixels == d.pixels);

  // Batches are the bytes / 255, one sample per column.
  Mat batch(784, 3);
  const int idx[3] = {9999, 0, 4321};
  d.gather(idx, 3, batch);
  for (int j = 0; j < 3; ++j)
    for (int r = 0; r < 784; r += 37) CHECK(batch(r, j) == doctest::Approx(d.pixels[idx[j] * 784 + r] / 255.0f));
  Mat range(784, 2);
  d.copy_range(8000, 2, range);
  for (int r = 0; r < 784; ++r) CHECK(range(r, 1) == doctest::Approx(d.pixels[8001 * 784 + r] / 255.0f));
}

//---- generators -----------------------------------------------------------------------------
TEST_CASE("generators are deterministic per seed, and sample i does not depend on count") {
  for (const std::string& name : builtin_dataset_names()) {
    CAPTURE(name);
    Dataset a = generate(name, 400, 5), b = generate(name, 400, 5), c = generate(name, 400, 6);
    CHECK(a.pixels == b.pixels);
    CHECK(a.labels == b.labels);
    CHECK(a.factors == b.factors);
    CHECK(a.pixels != c.pixels);
    Dataset prefix = generate(name, 100, 5);
    CHECK(std::equal(prefix.pixels.begin(), prefix.pixels.end(), a.pixels.begin()));
    CHECK(std::equal(prefix.labels.begin(), prefix.labels.end(), a.labels.begin()));
  }
}

TEST_CASE("generators: default sizes and geometry") {
  for (const std::string& name : builtin_dataset_names()) {
    CAPTURE(name);
    DataSpec spec;
    spec.source = name;
    Dataset d = load_dataset(spec);
    // 10,000 + 2,000 at 28x28, but for the lines benchmark's protocol: 60,000 + 5,000 at 32x32.
    const bool lines = name == "lines";
    const int count = lines ? 65000 : 12000, side = lines ? 32 : 28;
    CHECK(d.count == count);
    CHECK(d.train_count == (lines ? 60000 : 10000));
    CHECK(d.width == side);
    CHECK(d.height == side);
    CHECK(d.channels == builtin_dataset_find(name)->channels);
    CHECK((d.channels == 1 || d.channels == 3));
    CHECK(d.features() == side * side * d.channels);
    CHECK(d.feature_index(side - 1, side - 1, d.channels - 1) == d.features() - 1);  // (y, x, c) interleaved
    CHECK(d.feature_index(1, 0, 0) == d.channels);
    CHECK(d.is_image);
    CHECK(d.in_unit_range);
    CHECK(d.pixels.size() == size_t(count) * d.features());
    CHECK(d.labels.size() == size_t(count));
    CHECK(d.warnings.empty());
  }
}

TEST_CASE("generators make labelled, non-degenerate data") {
  for (const std::string& name : builtin_dataset_names()) {
    CAPTURE(name);
    Dataset d = generate(name, 3000, 1);
    const int classes = static_cast<int>(d.label_names.size());
    REQUIRE(classes >= 3);
    // Every sample has ink, the full byte range is used, and every label occurs often. A pixel's
    // ink is its brightest channel (a colour sprite is bright in one or two channels only).
    const int ch = d.channels, f = d.features();
    std::vector<int> per_class(classes, 0);
    int lowest = 255, highest = 0;
    for (int i = 0; i < d.count; ++i) {
      const uint8_t* img = &d.pixels[static_cast<size_t>(i) * f];
      int ink = 0;
      for (int p = 0; p < 784; ++p) {
        const int v = *std::max_element(img + p * ch, img + (p + 1) * ch);
        ink += v > 128;
        lowest = std::min(lowest, v), highest = std::max(highest, v);
      }
      REQUIRE(d.labels[i] >= 0);
      REQUIRE(d.labels[i] < classes);
      CHECK_MESSAGE(ink >= 15, "sample " << i << " is nearly empty");
      CHECK_MESSAGE(ink <= 600, "sample " << i << " is nearly full");
      ++per_class[d.labels[i]];
    }
    CHECK(lowest == 0);
    CHECK(highest >= 200);  // faces: skin is 217, by design
    for (int k = 0; k < classes; ++k) CHECK(per_class[k] > d.count / classes / 2);
    // The labels carry information about the pixels: the mean images of two classes lie further
    // apart than the mean images of the two halves of one class (sampling noise alone).
    auto class_mean = [&](int label, int parity) {  // parity -1: all samples of the label
      std::vector<double> m(f, 0.0);
      int n = 0;
      for (int i = 0; i < d.count; ++i)
        if (d.labels[i] == label && (parity < 0 || i % 2 == parity)) {
          for (int p = 0; p < f; ++p) m[p] += d.pixels[static_cast<size_t>(i) * f + p] / 255.0;
          ++n;
        }
      for (double& v : m) v /= n;
      return m;
    };
    auto distance = [](const std::vector<double>& a, const std::vector<double>& b) {
      double sum = 0;
      for (size_t p = 0; p < a.size(); ++p) sum += (a[p] - b[p]) * (a[p] - b[p]);
      return std::sqrt(sum);
    };
    double noise = 0, closest = 1e9;
    for (int k = 0; k < classes; ++k) noise = std::max(noise, distance(class_mean(k, 0), class_mean(k, 1)));
    for (int a = 0; a < classes; ++a)
      for (int b = a + 1; b < classes; ++b) closest = std::min(closest, distance(class_mean(a, -1), class_mean(b, -1)));
    MESSAGE(name << ": closest class means " << closest << " apart; halves of one class " << noise);
    // Sprites sit anywhere at any angle, so their mean images blur into the same blob; their
    // shapes are checked through their areas below instead. A colour set's random hue adds as much
    // noise to a class's halves as the label separates; its drawings and labels are the grey set's
    // (checked in the colour generators' test), so the grey set's check covers it.
    if (name.rfind("sprites", 0) != 0 && d.channels == 1) CHECK_MESSAGE(closest > 2 * noise, "two classes have nearly the same mean image");
  }
}

TEST_CASE("sprites and faces keep their factors, in their documented ranges") {
  Dataset s = generate("sprites", 2000, 3);
  REQUIRE(s.factor_names == std::vector<std::string>({"shape", "scale", "rotation", "x", "y"}));
  REQUIRE(s.factors.rows() == 5);
  REQUIRE(s.factors.cols() == 2000);
  for (int i = 0; i < s.count; ++i) {
    CHECK(s.factors(0, i) == static_cast<float>(s.labels[i]));
    CHECK(s.factors(1, i) >= 0.5f);
    CHECK(s.factors(1, i) <= 1.0f);
    CHECK(s.factors(2, i) >= 0.0f);
    CHECK(s.factors(2, i) < 6.2832f);
  }
  CHECK(s.factors.row(3).minCoeff() >= 0.0f);
  CHECK(s.factors.row(3).maxCoeff() <= 1.0f);
  // A sprite's ink sits where its x factor says: left sprites have their mass on the left.
  double left_x = 0, right_x = 0;
  int left_n = 0, right_n = 0;
  for (int i = 0; i < s.count; ++i) {
    double mass = 0, mx = 0;
    for (int p = 0; p < 784; ++p) mass += s.pixels[i * 784 + p], mx += s.pixels[i * 784 + p] * (p % 28);
    if (s.factors(3, i) < 0.2f) left_x += mx / mass, ++left_n;
    if (s.factors(3, i) > 0.8f) right_x += mx / mass, ++right_n;
  }
  CHECK(left_x / left_n + 8 < right_x / right_n);
  // The label is the shape drawn: ink / scale^2 is the shape's area at scale 1, which differs
  // per shape (square 100, heart about 83, ellipse about 71.5 square pixels).
  double area[3] = {0, 0, 0};
  int shapes[3] = {0, 0, 0};
  for (int i = 0; i < s.count; ++i) {
    double ink = 0;
    for (int p = 0; p < 784; ++p) ink += s.pixels[i * 784 + p] / 255.0;
    area[s.labels[i]] += ink / (s.factors(1, i) * s.factors(1, i));
    ++shapes[s.labels[i]];
  }
  for (int k = 0; k < 3; ++k) area[k] /= shapes[k];
  CHECK(area[0] == doctest::Approx(100).epsilon(0.03));
  CHECK(area[1] == doctest::Approx(71.5).epsilon(0.03));
  CHECK(area[2] == doctest::Approx(82.7).epsilon(0.04));

  Dataset f = generate("faces", 2000, 3);
  REQUIRE(f.factor_names == std::vector<std::string>({"smile", "eye_openness", "face_width", "head_tilt"}));
  REQUIRE(f.factors.rows() == 4);
  for (int i = 0; i < f.count; ++i) {
    const float smile = f.factors(0, i);
    CHECK(f.labels[i] == (smile < -1.0f / 3 ? 0 : (smile > 1.0f / 3 ? 2 : 1)));
  }
  CHECK(f.factors.row(0).minCoeff() >= -1.0f);
  CHECK(f.factors.row(0).maxCoeff() <= 1.0f);
  CHECK(f.factors.row(1).minCoeff() >= 0.0f);
  CHECK(f.factors.row(2).maxCoeff() <= 1.0f);
  CHECK(f.factors.row(3).minCoeff() >= -1.0f);
  // Wider faces have more skin.
  double narrow = 0, wide = 0;
  for (int i = 0; i < f.count; ++i) {
    double sum = 0;
    for (int p = 0; p < 784; ++p) sum += f.pixels[i * 784 + p];
    if (f.factors(2, i) < 0.2f) narrow += sum;
    if (f.factors(2, i) > 0.8f) wide += sum;
  }
  CHECK(wide > narrow);
}

// The colour sets: sample i is the grey set's sample i painted in a colour whose hue is the last
// factor. The hue spans [0, 1) evenly, the pixels' own hue matches it, and grey sets stay grey.
namespace {
// The hue in [0, 1) of an RGB colour (0 red, 1/3 green, 2/3 blue); -1 for grey.
double rgb_hue(double r, double g, double b) {
  const double hi = std::max({r, g, b}), lo = std::min({r, g, b}), c = hi - lo;
  if (c <= 0) return -1;
  double h = hi == r ? std::fmod((g - b) / c + 6, 6.0) : hi == g ? (b - r) / c + 2 : (r - g) / c + 4;
  return h / 6;
}
double hue_distance(double a, double b) {  // around the circle
  const double d = std::fabs(a - b);
  return std::min(d, 1 - d);
}
}  // namespace

TEST_CASE("a built-in set names the image-folder options it ignores") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 50;
  spec.rgb = true;
  spec.image_size = 64;
  Dataset d = load_dataset(spec);
  CHECK(d.channels == 1);
  CHECK(d.width == 28);
  REQUIRE(d.warnings.size() == 2u);
  CHECK(d.warnings[0].find("rgb is ignored") == 0);
  CHECK(d.warnings[0].find("sprites-rgb, faces-rgb") != std::string::npos);
  CHECK(d.warnings[1].find("image size 64 is ignored") == 0);
  CHECK(d.warnings[1].find("28, 32, 64") != std::string::npos);
  // A size the sized sets do not draw: named, with the sizes they do.
  spec.source = "sprites";
  spec.rgb = false;
  spec.image_size = 40;
  d = load_dataset(spec);
  CHECK(d.width == 28);
  REQUIRE(d.warnings.size() == 1u);
  CHECK(d.warnings[0].find("image size 40 is ignored") == 0);
  CHECK(d.warnings[0].find("drawn at 28, 32, 64") != std::string::npos);
  spec.source = "sprites-rgb";
  spec.image_size = 28;
  CHECK(load_dataset(spec).warnings.empty());  // colour asked of a colour set: nothing to say
}

TEST_CASE("sprites and faces at 32 and 64 px: the same samples, drawn larger") {
  for (const char* name : {"sprites", "sprites-rgb", "faces", "faces-rgb"}) {
    DataSpec spec;
    spec.source = name;
    spec.count = 300;
    const Dataset small = load_dataset(spec);
    for (int side : {32, 64}) {
      CAPTURE(name);
      CAPTURE(side);
      spec.image_size = side;
      const Dataset big = load_dataset(spec);
      CHECK(big.warnings.empty());
      REQUIRE(big.width == side);
      REQUIRE(big.height == side);
      CHECK(big.channels == small.channels);
      CHECK(big.features() == side * side * small.channels);
      // The same samples: labels and true factors as at 28.
      CHECK(big.labels == small.labels);
      CHECK(big.factors == small.factors);
      // Drawn larger, not padded: each sample's ink grows with the area, (side / 28)^2, and its
      // centre of mass sits at the same place relative to the image.
      double ink_ratio = 0, centre_shift = 0;
      const int c = small.channels;
      for (int i = 0; i < small.count; ++i) {
        double ink[2] = {0, 0}, cx[2] = {0, 0}, cy[2] = {0, 0};
        const Dataset* sets[2] = {&small, &big};
        for (int k = 0; k < 2; ++k) {
          const Dataset& d = *sets[k];
          const uint8_t* px = &d.pixels[size_t(i) * size_t(d.features())];
          for (int y = 0; y < d.height; ++y)
            for (int x = 0; x < d.width; ++x)
              for (int ch = 0; ch < c; ++ch) {
                const double v = px[(size_t(y) * d.width + x) * c + ch];
                ink[k] += v, cx[k] += v * (x + 0.5) / d.width, cy[k] += v * (y + 0.5) / d.height;
              }
        }
        REQUIRE(ink[0] > 0);
        ink_ratio += ink[1] / ink[0] / small.count;
        centre_shift += std::hypot(cx[1] / ink[1] - cx[0] / ink[0], cy[1] / ink[1] - cy[0] / ink[0]) / small.count;
      }
      const double area = double(side) * side / (28.0 * 28.0);
      CHECK(ink_ratio > 0.85 * area);
      CHECK(ink_ratio < 1.15 * area);
      CHECK(centre_shift < 0.02);  // of the image's side
    }
  }
}

TEST_CASE("colour generators: deterministic per seed, the grey set's samples in colour, hue spans [0, 1)") {
  for (const char* grey_name : {"sprites", "faces"}) {
    const std::string name = std::string(grey_name) + "-rgb";
    CAPTURE(name);
    Dataset a = generate(name, 2000, 7), b = generate(name, 2000, 7), other_seed = generate(name, 2000, 8);
    Dataset grey = generate(grey_name, 2000, 7);
    REQUIRE(a.channels == 3);
    REQUIRE(a.features() == 3 * 784);
    CHECK(a.name == name);
    CHECK(a.pixels == b.pixels);
    CHECK(a.factors == b.factors);
    CHECK(a.pixels != other_seed.pixels);
    // One more factor than the grey set, named hue, last; the others and the labels as in grey.
    REQUIRE(a.factor_names.size() == grey.factor_names.size() + 1);
    CHECK(a.factor_names.back() == "hue");
    const int hue_row = static_cast<int>(a.factor_names.size()) - 1;
    CHECK(a.factors.topRows(hue_row) == grey.factors);
    CHECK(a.labels == grey.labels);
    // The hue spans its range: in [0, 1), and every tenth of the circle holds about a tenth of the
    // samples (200 expected per bin; a uniform draw stays well inside 120..280).
    CHECK(a.factors.row(hue_row).minCoeff() >= 0.0f);
    CHECK(a.factors.row(hue_row).maxCoeff() < 1.0f);
    int bins[10] = {};
    for (int i = 0; i < a.count; ++i) ++bins[std::min(9, static_cast<int>(a.factors(hue_row, i) * 10))];
    for (int k = 0; k < 10; ++k) {
      CAPTURE(k);
      CHECK(bins[k] > 120);
      CHECK(bins[k] < 280);
    }
    // The pixels carry the hue: the brightest pixel of each sample has the hue of its factor, and
    // its channels differ (it is coloured, not grey).
    int matched = 0;
    for (int i = 0; i < a.count; ++i) {
      const uint8_t* img = &a.pixels[static_cast<size_t>(i) * a.features()];
      int best = 0, best_sum = -1;
      for (int p = 0; p < 784; ++p) {
        const int sum = img[3 * p] + img[3 * p + 1] + img[3 * p + 2];
        if (sum > best_sum) best_sum = sum, best = p;
      }
      const double h = rgb_hue(img[3 * best], img[3 * best + 1], img[3 * best + 2]);
      matched += h >= 0 && hue_distance(h, a.factors(hue_row, i)) < 0.02;
    }
    CHECK(matched == a.count);
    // Where the grey image is black, the colour image is black too: the colour is a tint of the
    // same drawing, not a coloured background.
    int stray = 0;
    for (int i = 0; i < a.count; ++i)
      for (int p = 0; p < 784; ++p)
        if (grey.pixels[static_cast<size_t>(i) * 784 + p] == 0)
          stray += a.pixels[(static_cast<size_t>(i) * 784 + p) * 3] + a.pixels[(static_cast<size_t>(i) * 784 + p) * 3 + 1] +
                   a.pixels[(static_cast<size_t>(i) * 784 + p) * 3 + 2] > 3;
    CHECK(stray == 0);
  }
}

TEST_CASE("memory: 60,000 generated digits stay within 200 MB of process memory") {
  Dataset d = generate("digits", 60000, 1);
  Mat batch(784, 256);
  std::vector<int> idx(256);
  for (int j = 0; j < 256; ++j) idx[j] = (j * 7919) % 60000;
  d.gather(idx.data(), 256, batch);
  const long peak_kb = vm_hwm_kb();
  MESSAGE("peak resident memory (VmHWM) after 60,000 digits: " << peak_kb / 1024 << " MB");
  REQUIRE(peak_kb > 0);
  CHECK(d.pixels.size() == 60000u * 784u);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer's shadow memory and quarantine inflate RSS; the bound speaks of a normal build.
  MESSAGE("sanitizer build: the 200 MB bound is not checked");
#else
  CHECK(peak_kb < 200 * 1024);
#endif
}

//---- the area resampler ---------------------------------------------------------------------
TEST_CASE("resize_area averages the area each output pixel covers") {
  // 4x4 -> 2x2: plain 2x2 block means.
  const uint8_t src4[16] = {0, 10, 100, 100, 20, 30, 100, 100, 0, 0, 255, 255, 0, 0, 255, 255};
  uint8_t out2[4];
  resize_area(src4, 4, 4, 1, out2, 2, 2);
  CHECK(out2[0] == 15);
  CHECK(out2[1] == 100);
  CHECK(out2[2] == 0);
  CHECK(out2[3] == 255);
  // 3x1 -> 2x1: each output covers 1.5 pixels: (a + b/2) / 1.5 and (b/2 + c) / 1.5.
  const uint8_t src3[3] = {0, 90, 180};
  uint8_t out3[2];
  resize_area(src3, 3, 1, 1, out3, 2, 1);
  CHECK(out3[0] == 30);   // (0 + 45) / 1.5
  CHECK(out3[1] == 150);  // (45 + 180) / 1.5
  // Enlarging repeats pixels; RGB channels stay apart.
  const uint8_t rgb[3] = {10, 20, 30};
  uint8_t big[12];
  resize_area(rgb, 1, 1, 3, big, 2, 2);
  for (int p = 0; p < 4; ++p) CHECK((big[3 * p] == 10 && big[3 * p + 1] == 20 && big[3 * p + 2] == 30));
}

TEST_CASE("an image folder: labels from sub-folders, resize, grayscale or RGB, all labels in both splits") {
  const fs::path dir = temp_dir("folder");
  for (const char* label : {"circles", "squares"}) {
    fs::create_directories(dir / label);
    for (int i = 0; i < 10; ++i) {
      std::vector<uint8_t> img(40 * 20 * 3);
      for (size_t p = 0; p < img.size(); ++p) img[p] = static_cast<uint8_t>(label[0] == 'c' ? 40 : 220);
      const std::string file = (dir / label / ("img" + std::to_string(i) + ".png")).string();
      REQUIRE(stbi_write_png(file.c_str(), 40, 20, 3, img.data(), 40 * 3));
    }
  }
  DataSpec spec;
  spec.source = dir.string();
  spec.image_size = 16;
  Dataset gray = load_dataset(spec);
  CHECK(gray.count == 20);
  CHECK(gray.train_count == 16);
  CHECK(gray.width == 16);
  CHECK(gray.channels == 1);
  CHECK(gray.label_names == std::vector<std::string>({"circles", "squares"}));
  for (int i = 0; i < gray.count; ++i) CHECK(gray.pixels[i * 256 + 100] == (gray.labels[i] == 0 ? 40 : 220));
  std::set<int> held_out(gray.labels.begin() + gray.train_count, gray.labels.end());
  CHECK(held_out.size() == 2u);  // shuffled: both labels in the held-out part

  spec.rgb = true;
  Dataset rgb = load_dataset(spec);
  CHECK(rgb.channels == 3);
  CHECK(rgb.features() == 16 * 16 * 3);
  CHECK(rgb.labels == gray.labels);  // the same shuffle for the same seed
}

//---- CSV ------------------------------------------------------------------------------------
TEST_CASE("CSV: header detection, label columns, and scaling from the training rows") {
  const fs::path dir = temp_dir("csv");
  std::ofstream(dir / "plain.csv") << "1,10\n2,20\n3,30\n4,40\n5,50\n";
  std::ofstream(dir / "named.csv") << "\"height\", weight ,kind\n1,100,cat\n3,300,dog\n2,200,cat\n5,500,dog\n9,900,cat\n";
  DataSpec spec;
  spec.source = (dir / "plain.csv").string();
  Dataset plain = load_dataset(spec);
  CHECK(plain.count == 5);  // no header: the first row is numbers
  CHECK(plain.train_count == 4);
  CHECK(plain.features() == 2);
  CHECK(!plain.is_image);
  CHECK(plain.values.rows() == 2);
  CHECK(plain.pixels.empty());
  // minmax from the first 4 rows (1..4): the held-out 5 is clipped to 1.
  CHECK(plain.values(0, 0) == doctest::Approx(0.0f));
  CHECK(plain.values(0, 1) == doctest::Approx(1.0f / 3));
  CHECK(plain.values(0, 4) == doctest::Approx(1.0f));
  CHECK(plain.in_unit_range);
  CHECK(plain.labels == std::vector<int>(5, -1));
  Mat batch(2, 2);
  const int idx[2] = {1, 3};
  plain.gather(idx, 2, batch);
  CHECK(batch(1, 0) == doctest::Approx(1.0f / 3));
  CHECK(batch(1, 1) == doctest::Approx(1.0f));

  spec.source = (dir / "named.csv").string();
  spec.csv_label_column = "kind";
  spec.csv_scaling = CsvScaling::ZScore;
  Dataset named = load_dataset(spec);
  CHECK(named.count == 5);
  CHECK(named.features() == 2);
  CHECK(named.label_names == std::vector<std::string>({"cat", "dog"}));
  // A labelled CSV is split per label (2 of 3 cats and 1 of 2 dogs train) in a seeded order.
  CHECK(named.train_count == 3);
  std::vector<int> sorted_labels = named.labels;
  std::sort(sorted_labels.begin(), sorted_labels.end());
  CHECK(sorted_labels == std::vector<int>({0, 0, 0, 1, 1}));
  CHECK(std::set<int>(named.labels.begin() + named.train_count, named.labels.end()).size() == 2u);
  CHECK(named.split_rule.find("stratified by label, seed 1") == 0);
  // Each row keeps its label: by height (1c 2c 3d 5d 9c) the labels read cat cat dog dog cat.
  std::vector<int> by_height(5);
  for (int i = 0; i < 5; ++i) by_height[i] = i;
  std::sort(by_height.begin(), by_height.end(), [&](int a, int b) { return named.values(0, a) < named.values(0, b); });
  std::vector<int> labels_by_height;
  for (int i : by_height) labels_by_height.push_back(named.labels[i]);
  CHECK(labels_by_height == std::vector<int>({0, 0, 1, 1, 0}));
  CHECK(!named.in_unit_range);
  CHECK(named.values.row(0).head(3).mean() == doctest::Approx(0.0f).epsilon(1e-5));  // train rows centred

  spec.csv_label_column = "2";  // the same column by index
  Dataset by_index = load_dataset(spec);
  CHECK(by_index.labels == named.labels);
}

//---- the subcommand -------------------------------------------------------------------------
TEST_CASE("latentlab datasets: summary, PNG grid and usage errors") {
  const fs::path dir = temp_dir("cli");
  const std::string png = (dir / "grid.png").string();
  std::vector<std::string> args = {"--data", "faces", "--count", "200", "--png", png, "--grid", "4", "--zoom", "2"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(&a[0]);
  CHECK(cli_datasets(static_cast<int>(argv.size()), argv.data()) == 0);
  CHECK(fs::exists(png));
  CHECK(fs::file_size(png) > 100u);

  // An RGB dataset makes a colour PNG (3 channels, channels differing); a grey one a grey PNG.
  for (const char* name : {"sprites-rgb", "sprites"}) {
    CAPTURE(name);
    const std::string out = (dir / (std::string(name) + ".png")).string();
    std::vector<std::string> rgb_args = {"--data", name, "--count", "100", "--png", out, "--grid", "5"};
    std::vector<char*> rgb_argv;
    for (std::string& a : rgb_args) rgb_argv.push_back(&a[0]);
    REQUIRE(cli_datasets(static_cast<int>(rgb_argv.size()), rgb_argv.data()) == 0);
    int w = 0, h = 0, channels = 0;
    unsigned char* px = stbi_load(out.c_str(), &w, &h, &channels, 3);
    REQUIRE(px != nullptr);
    CHECK(w == 5 * 28 + 6);
    CHECK(h == 5 * 28 + 6);
    int coloured = 0;
    for (int p = 0; p < w * h; ++p) coloured += std::max({px[3 * p], px[3 * p + 1], px[3 * p + 2]}) -
                                                    std::min({px[3 * p], px[3 * p + 1], px[3 * p + 2]}) > 40;
    stbi_image_free(px);
    if (std::string(name) == "sprites") {
      CHECK(channels == 1);
      CHECK(coloured == 0);
    } else {
      CHECK(channels == 3);
      CHECK(coloured > w * h / 40);  // a sprite covers about a fourteenth of its tile on average
    }
  }

  // interpolate --png: the originals and the decoded strips of an RGB dataset in colour. Even one
  // short epoch decodes colour (the channels of an untrained decoder already differ); a grey set's
  // strips stay exactly grey, so the colour comes from the data's channels, not from noise.
  for (const char* name : {"sprites-rgb", "sprites"}) {
    CAPTURE(name);
    const std::string out = (dir / (std::string("interp_") + name + ".png")).string();
    std::vector<std::string> iargs = {"--data", name, "--count", "400", "--epochs", "1", "--hidden", "32",
                                      "--pairs", "2", "--png-pairs", "2", "--reference", "100", "--quiet",
                                      "--png", out};
    std::vector<char*> iargv;
    for (std::string& a : iargs) iargv.push_back(&a[0]);
    REQUIRE(cli_interpolate(static_cast<int>(iargv.size()), iargv.data()) == 0);
    int w = 0, h = 0, channels = 0;
    unsigned char* px = stbi_load(out.c_str(), &w, &h, &channels, 3);
    REQUIRE(px != nullptr);
    double chroma = 0;
    for (int p = 0; p < w * h; ++p)
      chroma += std::max({px[3 * p], px[3 * p + 1], px[3 * p + 2]}) - std::min({px[3 * p], px[3 * p + 1], px[3 * p + 2]});
    stbi_image_free(px);
    chroma /= w * h;
    MESSAGE(std::string(name) << ": interpolate --png mean chroma " << chroma);
    if (std::string(name) == "sprites") CHECK(chroma == 0);
    else CHECK(chroma > 4);
  }

  std::vector<std::string> bad = {"--data", "digits", "--bogus"};
  std::vector<char*> bad_argv;
  for (std::string& a : bad) bad_argv.push_back(&a[0]);
  CHECK_THROWS_AS(cli_datasets(static_cast<int>(bad_argv.size()), bad_argv.data()), UsageError);

  std::vector<std::string> missing = {"--data", (dir / "nothing.idx").string()};
  std::vector<char*> missing_argv;
  for (std::string& a : missing) missing_argv.push_back(&a[0]);
  CHECK_THROWS_AS(cli_datasets(static_cast<int>(missing_argv.size()), missing_argv.data()), InputError);
}
