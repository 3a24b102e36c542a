// The rate-distortion plot's pieces (issue 17, "Compression"): the JPEG reference measured exactly
// on known inputs (a constant image round-trips, quality buys bytes and PSNR, the bytes reported
// are the file's size, the matched quality is the closest), and the AE's held-out PSNR rising
// with the latent size on the built-in digits (fixed seed, short training).
#include <doctest/doctest.h>

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "test_files.h"
#include "test_training.h"

#include "data/dataset.h"
#include "io/errors.h"
#include "measure/jpeg_reference.h"
#include "measure/reduction.h"
#include "models/model.h"
#include "nn/rng.h"
#include "train/trainer.h"

namespace {

// count samples of width x height grey pixels, all held out but the first.
Dataset image_set(int width, int height, std::vector<uint8_t> pixels) {
  Dataset d;
  d.name = "test images";
  d.width = width;
  d.height = height;
  d.count = static_cast<int>(pixels.size()) / (width * height);
  d.train_count = 1;
  d.pixels = std::move(pixels);
  d.labels.assign(d.count, -1);
  return d;
}

// Smooth gradients plus noise: an image JPEG's quality setting visibly matters for.
std::vector<uint8_t> textured(int width, int height, int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> p(size_t(width) * height * count);
  for (int k = 0; k < count; ++k)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const double v = 128 + 60 * std::sin(0.4 * x + k) + 40 * std::cos(0.3 * y) + 20 * rng.normal();
        p[(size_t(k) * height + y) * width + x] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
      }
  return p;
}

// The number after "key": in a one-line JSON object; NaN if absent or null.
double json_value(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos || json.compare(at + key.size() + 3, 4, "null") == 0) return std::nan("");
  return std::stod(json.substr(at + key.size() + 3));
}

double held_psnr(const Network& net, const Dataset& data) {
  const Mat held = dataset_held_matrix(data);
  Mat codes, recon(held.rows(), held.cols());
  network_codes(net, held, codes);
  InferenceWorkspace ws;
  network_decode(net, codes, recon, ws);
  return psnr_from_mse(double((recon - held).squaredNorm()) / double(held.size()));
}

}  // namespace

TEST_CASE("jpeg reference: a constant image round-trips; quality buys bytes and PSNR") {
  const Dataset flat = image_set(16, 16, std::vector<uint8_t>(2 * 256, 102));
  const Mat held = dataset_held_matrix(flat);
  const JpegPoint q90 = jpeg_point(flat, held, 90);
  MESSAGE("constant image at quality 90: " << q90.bytes << " bytes, PSNR " << q90.psnr);
  CHECK(q90.psnr > 40.0);
  CHECK(q90.scan_bytes > 0);
  CHECK(q90.scan_bytes < q90.bytes);

  const Dataset tex = image_set(28, 28, textured(28, 28, 9, 3));
  const Mat tex_held = dataset_held_matrix(tex);
  const JpegPoint q10 = jpeg_point(tex, tex_held, 10), q100 = jpeg_point(tex, tex_held, 100);
  MESSAGE("textured: quality 10 " << q10.bytes << " bytes, " << q10.psnr << " dB; quality 100 " << q100.bytes
                                  << " bytes, " << q100.psnr << " dB");
  CHECK(q100.bytes > q10.bytes + 100);
  CHECK(q100.psnr > q10.psnr + 5.0);
  // A textured image costs more scan bytes than a flat one at the same quality.
  CHECK(jpeg_point(tex, tex_held, 90).scan_bytes > q90.scan_bytes + 50);
}

TEST_CASE("jpeg reference: the bytes reported are the size of the file stb_image_write writes") {
  const std::vector<uint8_t> pixels = textured(28, 28, 2, 7);
  const Dataset one = image_set(28, 28, pixels);
  const Mat held = dataset_held_matrix(one);
  const std::string path = "test_jpeg_reference.jpg";
  for (int quality : {1, 50, 95}) {
    const JpegPoint p = jpeg_point(one, held, quality);
    REQUIRE(stbi_write_jpg(path.c_str(), 28, 28, 1, pixels.data() + 28 * 28, quality));
    CHECK(p.bytes == double(std::filesystem::file_size(path)));
  }
  std::remove(path.c_str());
}

TEST_CASE("jpeg reference: the matched quality's size is the closest; the smallest file is quality 1's") {
  const Dataset tex = image_set(28, 28, textured(28, 28, 5, 11));
  const Mat held = dataset_held_matrix(tex);
  const JpegPoint q1 = jpeg_point(tex, held, 1), q100 = jpeg_point(tex, held, 100);
  // A code far below JPEG's smallest file: quality 1, and the first matching latent from its size.
  const JpegReference tiny = jpeg_reference(tex, 2);
  CHECK(tiny.code_bytes == 8.0);
  CHECK(tiny.matched.quality == 1);
  CHECK(tiny.smallest.bytes == q1.bytes);
  CHECK(tiny.first_matching_latent == int(std::ceil(q1.bytes / 4.0)));
  CHECK(4.0 * tiny.first_matching_latent >= q1.bytes);
  CHECK(4.0 * (tiny.first_matching_latent - 1) < q1.bytes);
  // A code between quality 1's and 100's sizes: no neighbouring quality is closer.
  const int latent = int((q1.bytes + q100.bytes) / 8.0);
  const JpegReference mid = jpeg_reference(tex, latent);
  const int q = mid.matched.quality;
  REQUIRE(q > 1);
  REQUIRE(q < 100);
  const double miss = std::abs(mid.matched.bytes - mid.code_bytes);
  CHECK(miss <= std::abs(jpeg_point(tex, held, q - 1).bytes - mid.code_bytes));
  CHECK(miss <= std::abs(jpeg_point(tex, held, q + 1).bytes - mid.code_bytes));
  CHECK_THROWS_AS(jpeg_point(image_set(28, 28, std::vector<uint8_t>(784)), Mat::Constant(784, 1, 2.0f), 50),
                  InputError);
}

TEST_CASE("digits: the AE's held-out PSNR rises from latent 2 to latent 16") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 3000;
  const Dataset data = load_dataset(spec);
  double psnr[2];
  const int latents[2] = {2, 16};
  for (int i = 0; i < 2; ++i) {
    ModelConfig c;
    c.kind = ModelKind::Plain;
    c.hidden = {128};
    c.latent = latents[i];
    c.seed = 1;
    c.input_size = data.features();
    Model model(c, OptimizerConfig{});
    train_full_batches(data, 5, 64, c.seed, [&](const Mat& x) { model.train_step(x); });
    psnr[i] = held_psnr(model.network(), data);
  }
  MESSAGE("AE held-out PSNR: latent 2 " << psnr[0] << " dB, latent 16 " << psnr[1] << " dB");
  CHECK(psnr[1] > psnr[0] + 1.0);
}

TEST_CASE("cli: reduce --jpeg reports JPEG at the code's size; a table of values is status 2") {
  const Run run = run_latentlab("reduce --data digits --count 1200 --latent 4 --jpeg --no-raw-probe --json",
                                "test_jpeg_reference.stderr");
  REQUIRE(run.status == 0);
  CHECK(json_value(run.out, "code_bytes") == 16.0);
  // 16 bytes is far below any JPEG file: quality 1, the smallest.
  CHECK(json_value(run.out, "jpeg_quality") == 1.0);
  CHECK(json_value(run.out, "jpeg_bytes") == json_value(run.out, "jpeg_min_bytes"));
  CHECK(json_value(run.out, "jpeg_scan_bytes") < json_value(run.out, "jpeg_bytes"));
  CHECK(json_value(run.out, "jpeg_first_matching_latent") ==
        std::ceil(json_value(run.out, "jpeg_min_bytes") / 4.0));
  CHECK(json_value(run.out, "jpeg_psnr") > 0);
  const fs::path csv = temp_dir("test_jpeg_reference") / "table.csv";
  write_text(csv, "0.1,0.2,0.3\n0.4,0.5,0.6\n0.2,0.1,0.9\n0.3,0.3,0.3\n0.5,0.2,0.1\n");
  const Run bad = run_latentlab("reduce --data " + csv.string() + " --latent 1 --jpeg --no-raw-probe",
                                "test_jpeg_reference.stderr");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("table.csv") != std::string::npos);
  CHECK(bad.err.find("JPEG") != std::string::npos);
  fs::remove_all(csv.parent_path());
  std::remove("test_jpeg_reference.stderr");
}
