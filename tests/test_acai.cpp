// ACAI on the lines benchmark (issue 19): trained on the same batches from the same seed as a plain
// autoencoder of the same shape, its linear interpolations stay closer to the data manifold (the
// exact Mean Distance of measure/lines.h). Short training and fewer pairs than the paper's protocol;
// the README's table has the full protocol, 3 seeds, and the Smoothness that is not asserted here.
#include <doctest/doctest.h>

#include <cstdio>
#include <vector>

#include "data/dataset.h"
#include "test_training.h"
#include "measure/lines.h"
#include "models/model.h"
#include "train/trainer.h"

namespace {

// The plain AE and ACAI, 1024-256-16 MLPs, trained side by side on `epochs` passes over the lines
// set's first `train` samples; returns their scores on `pairs` held-out pairs x 16 steps.
std::vector<LinesScore> train_pair(uint64_t seed, int train, int epochs, int pairs) {
  DataSpec spec;
  spec.source = "lines";
  spec.count = train + 1000;
  spec.train_count = train;
  spec.seed = seed;
  const Dataset data = load_dataset(spec);
  REQUIRE(is_lines_dataset(data));
  std::vector<Model> models;
  for (ModelKind kind : {ModelKind::Plain, ModelKind::Acai}) {
    ModelConfig c;
    c.kind = kind;
    c.input_size = data.features();
    c.hidden = {256};
    c.latent = 16;
    c.seed = seed;
    models.emplace_back(c, OptimizerConfig{});
  }
  train_full_batches(data, epochs, 64, seed, [&](const Mat& x) {
    for (Model& m : models) m.train_step(x);
  });
  std::vector<LinesScore> scores;
  for (Model& m : models) scores.push_back(lines_score(m.network(), data, pairs, kLinesSteps, seed));
  return scores;
}

}  // namespace

TEST_CASE("ACAI interpolates closer to the lines than the plain AE (Mean Distance)") {
  const std::vector<LinesScore> s = train_pair(1, 5000, 8, 64);
  std::printf("lines, 5000 train, 8 epochs, 64 pairs: mean distance AE %.4f ACAI %.4f; smoothness AE %.3f ACAI %.3f\n",
              s[0].mean_distance, s[1].mean_distance, s[0].smoothness, s[1].smoothness);
  CHECK(s[1].mean_distance < 0.8 * s[0].mean_distance);
}
