// Image colourisation (core/measure/colourise.h): the drop-colour corruption by hand (luminance,
// grey pixels untouched), then the claim, on the built-in colour sets with fixed seeds and short
// training: a denoising AE trained on drop colour rebuilds the colour image from its grey version
// better than the grey image itself does, by a margin; the same network untrained does not.
#include <doctest/doctest.h>
#include "test_quick.h"

#include <cmath>
#include <string>

#include "data/dataset.h"
#include "io/errors.h"
#include "measure/colourise.h"
#include "models/model.h"
#include "test_training.h"
#include "train/trainer.h"

namespace {

Dataset colour_set(const char* name) {
  DataSpec spec;
  spec.source = name;
  spec.count = 5500;
  spec.train_count = 5000;
  return load_dataset(spec);
}

Mat held_out_of(const Dataset& d) {
  Mat m(d.features(), d.test_count());
  d.copy_range(d.train_count, d.test_count(), m);
  return m;
}

ModelConfig colouriser(const Dataset& d, uint64_t seed) {
  ModelConfig c;
  c.kind = ModelKind::Denoising;
  c.noise = NoiseKind::DropColour;
  c.hidden = {256};
  c.latent = 16;
  c.seed = seed;
  return fit_to_data(c, d);
}

}  // namespace

TEST_CASE("drop colour: every channel of a pixel becomes its luminance; a grey pixel stays") {
  Mat x(6, 1);  // two pixels: pure red, and a grey 0.4
  x << 1, 0, 0, 0.4f, 0.4f, 0.4f;
  Mat grey(6, 1);
  colour_drop(grey, x, 3);
  for (int c = 0; c < 3; ++c) {
    CHECK(grey(c, 0) == doctest::Approx(0.299).epsilon(1e-6));
    CHECK(grey(3 + c, 0) == doctest::Approx(0.4).epsilon(1e-6));
  }
  Mat one(2, 1);  // one channel: nothing to drop
  one << 0.25f, 0.75f;
  Mat same(2, 1);
  colour_drop(same, one, 1);
  CHECK(same(0, 0) == 0.25f);
  CHECK(same(1, 0) == 0.75f);
}

TEST_CASE("drop colour is refused on grey data, with the flag's name") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 200;
  spec.train_count = 150;
  const Dataset d = load_dataset(spec);
  ModelConfig c;
  c.kind = ModelKind::Denoising;
  c.noise = NoiseKind::DropColour;
  const std::string problem = model_config_problem(fit_to_data(c, d));
  CHECK(problem.find("--noise dropcolour") != std::string::npos);
  Network net = Network::create(fit_to_data(ModelConfig{}, d));
  CHECK_THROWS_AS(colourise_figures(net, held_out_of(d), d.channels), InputError);
}

TEST_CASE("a drop-colour denoising AE colourises held-out faces better than the grey baseline") {
  // faces-rgb: colour covers the head, so colourising pays; on sprites-rgb (a small shape on black)
  // it pays only after longer training (README, Colourisation), too long for a unit test.
  const Dataset d = colour_set("faces-rgb");
  const Mat held = held_out_of(d);
  REQUIRE(d.channels == 3);
  const ModelConfig c = colouriser(d, 1);
  REQUIRE(model_config_problem(c).empty());
  OptimizerConfig opt;
  opt.lr = 2e-3f;
  Model model(c, opt);
  // Untrained, it gives a blur of the mean colour: far below the grey input itself.
  const ColouriseFigures before = colourise_figures(model.network(), held, d.channels);
  CHECK(before.psnr_colourised < before.psnr_grey_baseline);
  train_full_batches(d, budget(8, 1), 64, c.seed, [&](const Mat& x) { model.train_step(x); });  // test_quick.h
  const ColouriseFigures after = colourise_figures(model.network(), held, d.channels);
  MESSAGE("faces-rgb: grey " << after.psnr_grey_baseline << " dB, colourised " << after.psnr_colourised
                             << " dB (untrained " << before.psnr_colourised << " dB)");
  CHECK(after.psnr_grey_baseline == doctest::Approx(before.psnr_grey_baseline));  // the same inputs
  CLAIM(after.psnr_colourised > after.psnr_grey_baseline + 1.0);
}
