// Each guided lesson's claim, measured: the table (kLessonChecks, built in lesson_checks()) and the
// run that trains a row's models and asks its measure.
//
//   helpers    training on the same batches, held-out matrices, means
//   measures   one function per lesson, each calling core/measure/
//   table      the rows: settings, claims, thresholds, notes
//   run        lesson_check_run, the settings text and the one-line result
#include "lessons/lesson_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "measure/anomaly.h"
#include "measure/interpolate.h"
#include "measure/kind_figures.h"
#include "measure/kl_per_dim.h"
#include "measure/knn_accuracy.h"
#include "measure/latent_arithmetic.h"
#include "measure/lines.h"
#include "measure/mig.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "measure/reduction.h"
#include "train/session.h"
#include "train/trainer.h"

struct LessonRun {
  const LessonCheck* check = nullptr;
  const Dataset* data = nullptr;
  std::vector<Network> nets;  // the trained (or loaded) models, in the row's order
  uint64_t seed = 1;  // the first model's seed: seeds the measures' own draws (pairs, prior samples)

  const Network& net(size_t i) const { return nets[i]; }
  size_t count() const { return nets.size(); }
  const char* role(size_t i) const { return check->setup.models[i].role; }
};

namespace {

//---- helpers ----------------------------------------------------------------------------------

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? NAN : s / double(v.size());
}

double process_cpu_seconds() { return double(std::clock()) / CLOCKS_PER_SEC; }

std::vector<int> split_labels(const Dataset& d, int first, int count) {
  std::vector<int> out(size_t(count), -1);
  if (d.labels.empty()) return out;
  for (int i = 0; i < count; ++i) out[size_t(i)] = d.labels[size_t(first + i)];
  return out;
}

// Mean squared error per value of reconstructing every held-out sample by the training mean: the
// baseline a model that ignores its input reaches.
double mean_image_error(const Mat& train_x, const Mat& held_x) {
  const Vec mean = train_x.rowwise().mean();
  return double((held_x.colwise() - mean).squaredNorm()) / double(held_x.size());
}

double reconstruction_error(const Network& net, const Mat& x) {
  InferenceWorkspace ws;
  Mat code, recon;
  reconstruct(net, x, code, recon, ws);
  return double((recon - x).squaredNorm()) / double(x.size());
}

//---- measures ---------------------------------------------------------------------------------

// 1. What an autoencoder does: the 2-D map separates the labels it never saw, and the decoder
// rebuilds digits better than the average digit does.
void measure_autoencoder(const LessonRun& run, LessonResult& r) {
  const Dataset& d = *run.data;
  const Mat train_x = dataset_train_matrix(d), held_x = dataset_held_matrix(d);
  Mat train_codes, held_codes;
  network_codes(run.net(0), train_x, train_codes);
  network_codes(run.net(0), held_x, held_codes);
  const double knn = knn_accuracy(train_codes, split_labels(d, 0, d.train_count), held_codes,
                                  split_labels(d, d.train_count, d.test_count()), kKnnNeighbours);
  const double recon = reconstruction_error(run.net(0), held_x), mean = mean_image_error(train_x, held_x);
  r.figures = {knn, recon / mean};
  r.details = {{"recon_error", recon}, {"mean_image_error", mean}};
}

// 2. The holes: decodes of codes drawn from N(0, I), measured by their distance to the nearest
// training image (the interpolation view's unit), for the AE and the VAE.
void measure_holes(const LessonRun& run, LessonResult& r) {
  DataDistance dd = DataDistance::build(*run.data, kDistanceReference, kDistanceCalibration);
  InferenceWorkspace ws;
  double prior[2];
  for (size_t i = 0; i < 2; ++i) {
    Rng rng(run.seed);
    prior[i] = prior_sample_distance(run.net(i), 500, rng, dd, ws);
  }
  r.figures = {prior[0] / prior[1]};
  r.details = {{"ae_prior_sample_distance", prior[0]}, {"vae_prior_sample_distance", prior[1]}};
  // The interpolation view's verdict over many pairs (the same rule and pairs as the GUI's), for the reader.
  const std::vector<std::pair<int, int>> pairs = verdict_pairs(*run.data, run.seed, kVerdictPairs, kPairsAny);
  std::vector<double> means[2];
  PairWorkspace pws;
  PathMeasure m;
  for (const std::pair<int, int>& p : pairs)
    for (size_t i = 0; i < 2; ++i) {
      measure_pair(run.net(i), *run.data, p, 9, PathKind::Linear, dd, pws, m);
      means[i].push_back(m.mean_distance);
    }
  const PairVerdict v = pair_verdict(means[0], means[1]);
  r.details.push_back({"pairs", double(v.pairs)});
  r.details.push_back({"pairs_vae_closer", double(v.second_closer)});
  r.details.push_back({"ae_interpolant_distance", v.mean_distance[0]});
  r.details.push_back({"vae_interpolant_distance", v.mean_distance[1]});
  r.details.push_back({"sign_test_p", v.sign_test_p});
}

// 3. The KL term, as the lesson's live beta slider moves: active units of a VAE trained at beta 1, the
// same VAE after training on at beta 50 (the posterior collapses), and after going back to beta 1.
void measure_kl(const LessonRun& run, LessonResult& r) {
  const Mat held_x = dataset_held_matrix(*run.data);
  InferenceWorkspace ws;
  const KlPerDim low = kl_per_dim(run.net(0), held_x, ws), high = kl_per_dim(run.net(1), held_x, ws),
                 back = kl_per_dim(run.net(2), held_x, ws);
  r.figures = {double(low.active_units), double(high.active_units)};
  r.details = {{"kl_low_beta", low.total},           {"kl_high_beta", high.total},
               {"collapsed_high_beta", high.collapsed ? 1.0 : 0.0},
               {"active_units_back_at_low_beta", double(back.active_units)}, {"kl_back_at_low_beta", back.total}};
}

// Kind figures (kind_figures.h) of every model on the held-out samples.
std::vector<KindFigures> kind_figures_of(const LessonRun& run, const KindFigureSettings& s = KindFigureSettings{}) {
  const Mat held_x = dataset_held_matrix(*run.data);
  std::vector<KindFigures> out;
  for (size_t i = 0; i < run.count(); ++i) out.push_back(kind_figures(run.net(i), held_x, s));
  return out;
}

// 4. The copy risk: how well each model rebuilds uniform noise, overcomplete over undercomplete, and
// the overcomplete one against a flat grey guess (0.5 everywhere: error 1/12, the noise's variance).
// The held-out images are the lesson's data, digits mixed with noise.
void measure_copying(const LessonRun& run, LessonResult& r) {
  const std::vector<KindFigures> f = kind_figures_of(run);
  const double grey_guess = 1.0 / 12.0;
  r.figures = {f[0].noise_recon_error / f[1].noise_recon_error, f[0].noise_recon_error / grey_guess};
  r.details = {{"overcomplete_noise_error", f[0].noise_recon_error},
               {"undercomplete_noise_error", f[1].noise_recon_error},
               {"undercomplete_noise_over_grey_guess", f[1].noise_recon_error / grey_guess},
               {"overcomplete_held_out_error", f[0].clean_recon_error},
               {"undercomplete_held_out_error", f[1].clean_recon_error},
               {"overcomplete_noise_over_held_out", f[0].noise_recon_error / f[0].clean_recon_error}};
}

// 5. Sparse codes: the share of active code values, sparse over plain.
void measure_sparse(const LessonRun& run, LessonResult& r) {
  const std::vector<KindFigures> f = kind_figures_of(run);
  r.figures = {f[1].active_fraction / f[0].active_fraction};
  r.details = {{"plain_active_fraction", f[0].active_fraction}, {"sparse_active_fraction", f[1].active_fraction},
               {"plain_mean_activation", f[0].mean_activation}, {"sparse_mean_activation", f[1].mean_activation},
               {"rho", double(run.check->setup.models[1].config.rho)}};
}

// 6. Denoising: at each masking level, the PSNR of the denoising AE's reconstruction of the noisy
// input against the noisy input's own PSNR, and against the plain AE's reconstruction of the same input.
void measure_denoising(const LessonRun& run, LessonResult& r) {
  const Mat held_x = dataset_held_matrix(*run.data).leftCols(std::min<Eigen::Index>(1000, run.data->test_count()));
  const float levels[] = {0.1f, 0.3f, 0.5f, 0.7f};
  double min_gain = INFINITY, over_plain = NAN;
  InferenceWorkspace ws;
  Mat noisy(held_x.rows(), held_x.cols()), code, recon;
  for (float level : levels) {
    Rng rng(run.seed + 1000);
    noise_corrupt(noisy, held_x, NoiseKind::Mask, level, rng);
    double input_psnr = 0, model_psnr[2] = {0, 0};
    for (Eigen::Index j = 0; j < held_x.cols(); ++j) input_psnr += psnr(held_x.col(j), noisy.col(j));
    for (size_t m = 0; m < 2; ++m) {
      reconstruct(run.net(m), noisy, code, recon, ws);
      for (Eigen::Index j = 0; j < held_x.cols(); ++j) model_psnr[m] += psnr(held_x.col(j), recon.col(j));
      model_psnr[m] /= double(held_x.cols());
    }
    input_psnr /= double(held_x.cols());
    char key[64];
    std::snprintf(key, sizeof key, "mask_%.1f_noisy_input_psnr", double(level));
    r.details.push_back({key, input_psnr});
    std::snprintf(key, sizeof key, "mask_%.1f_plain_psnr", double(level));
    r.details.push_back({key, model_psnr[0]});
    std::snprintf(key, sizeof key, "mask_%.1f_denoising_psnr", double(level));
    r.details.push_back({key, model_psnr[1]});
    if (level >= 0.29f) min_gain = std::min(min_gain, model_psnr[1] - input_psnr);
    if (level >= 0.49f && level <= 0.51f) over_plain = model_psnr[1] - model_psnr[0];
  }
  r.figures = {min_gain, over_plain};
}

// 7. Contractive: the encoder's Jacobian norm, contractive over plain.
void measure_contractive(const LessonRun& run, LessonResult& r) {
  const std::vector<KindFigures> f = kind_figures_of(run);
  r.figures = {f[1].jacobian_norm / f[0].jacobian_norm};
  r.details = {{"plain_jacobian_norm", f[0].jacobian_norm}, {"contractive_jacobian_norm", f[1].jacobian_norm},
               {"plain_clean_error", f[0].clean_recon_error}, {"contractive_clean_error", f[1].clean_recon_error}};
}

// 8. Disentanglement: the MIG of the held-out mean codes against the true factors, beta 4 minus beta 1.
void measure_disentangle(const LessonRun& run, LessonResult& r) {
  const Dataset& d = *run.data;
  const Mat held_x = dataset_held_matrix(d);
  const Mat factors = d.factors.middleCols(d.train_count, d.test_count());
  double mig[2];
  InferenceWorkspace ws;
  for (size_t i = 0; i < 2; ++i) {
    Mat codes;
    network_codes(run.net(i), held_x, codes);
    mig[i] = mig_compute(codes, factors).mig;
    r.details.push_back({std::string("mig_") + (i == 0 ? "low" : "high") + "_beta", mig[i]});
    r.details.push_back({std::string("active_units_") + (i == 0 ? "low" : "high") + "_beta",
                         double(kl_per_dim(run.net(i), held_x, ws).active_units)});
  }
  r.figures = {mig[1] - mig[0]};
}

// 9. Latent arithmetic: the smile vector (smiling minus neutral mean code) added to held-out neutral
// faces; the smile of the decodings read by a ridge regressor fitted on the training faces.
void measure_arithmetic(const LessonRun& run, LessonResult& r) {
  const Dataset& d = *run.data;
  const Mat train_x = dataset_train_matrix(d);
  const FactorRegressor meter = factor_regressor_fit(train_x, d.factors.data(), int(d.factors.rows()));
  SampleGroup smiling, neutral;
  smiling.label = 2;  // faces: frowning, neutral, smiling
  neutral.label = 1;
  const std::vector<int> a = samples_in_group(d, smiling, 0, d.train_count);
  const std::vector<int> b = samples_in_group(d, neutral, 0, d.train_count);
  const std::vector<int> targets = samples_in_group(d, neutral, d.train_count, d.test_count());
  Mat target_x(d.features(), Eigen::Index(targets.size()));
  d.gather(targets.data(), int(targets.size()), target_x);
  InferenceWorkspace ws;
  for (size_t i = 0; i < run.count(); ++i) {
    Mat codes, target_codes, out(d.features(), target_x.cols());
    network_codes(run.net(i), train_x, codes);
    network_codes(run.net(i), target_x, target_codes);
    const Vec v = attribute_vector(codes, a, b);
    double smile[2];
    std::vector<double> read;
    for (int s = 0; s < 2; ++s) {
      latent_arithmetic_decode(run.net(i), target_codes, v, float(s), out, ws);
      factor_regressor_predict(meter, out, &read);
      smile[s] = mean_of(read);
    }
    r.figures.push_back(smile[1] - smile[0]);
    r.details.push_back({std::string(run.role(i)) + "_smile_at_0", smile[0]});
    r.details.push_back({std::string(run.role(i)) + "_smile_at_1", smile[1]});
  }
}

// 10. Anomaly detection: for each model trained without its label (the hold-out policy of
// measure/anomaly.h), the ROC AUC at finding that label among the held-out samples of its own score
// (-ELBO for a VAE, reconstruction error for an AE) and of the fix the lesson offers, the distance
// to the nearest training code. The figures: the VAE without 1's own AUC and nearest-code AUC, then
// the VAE without 0's own AUC (the row's models 0 and 2; the AE's are details).
void measure_anomaly(const LessonRun& run, LessonResult& r) {
  const Dataset& d = *run.data;
  const Mat held_x = dataset_held_matrix(d);
  std::vector<double> own, nearest_auc;
  for (size_t i = 0; i < run.count(); ++i) {
    const int k = run.check->setup.models[i].without_label;
    const std::vector<int> keep = holdout_training_samples(d, k);
    Mat train_x(d.features(), Eigen::Index(keep.size()));
    d.gather(keep.data(), int(keep.size()), train_x);
    const bool variational = model_kind_info(run.net(i).config.kind).variational;
    const std::vector<bool> positive = holdout_positives(d, k);
    std::vector<float> scores;
    AnomalyScorer scorer;
    anomaly_scorer_init(scorer, run.net(i), variational ? AnomalyScore::Elbo : AnomalyScore::Recon, train_x);
    anomaly_scores(scorer, held_x, scores);
    own.push_back(roc_curve(scores, positive).auc);
    AnomalyScorer nearest;
    anomaly_scorer_init(nearest, run.net(i), AnomalyScore::Nearest, train_x);
    anomaly_scores(nearest, held_x, scores);
    nearest_auc.push_back(roc_curve(scores, positive).auc);
    r.details.push_back({std::string(run.role(i)) + " auc", own.back()});
    r.details.push_back({std::string(run.role(i)) + " auc_nearest_code", nearest_auc.back()});
  }
  r.figures = {own[0], nearest_auc[0], own[2]};
}

// 11. Interpolation with a ground truth: the exact metrics of the lines benchmark (lines.h) for the
// plain AE and ACAI, the model built for it; the figure is ACAI's Mean Distance over the AE's.
void measure_lines(const LessonRun& run, LessonResult& r) {
  std::vector<LinesScore> s;
  for (size_t i = 0; i < run.count(); ++i) {
    s.push_back(lines_score(run.net(i), *run.data, 64, kLinesSteps, run.seed));
    r.details.push_back({std::string(run.role(i)) + "_mean_distance", s.back().mean_distance});
    r.details.push_back({std::string(run.role(i)) + "_smoothness", s.back().smoothness});
  }
  r.figures = {s[1].mean_distance / s[0].mean_distance};
}

//---- table ------------------------------------------------------------------------------------

DataSpec builtin(const char* name, int count, int train_count) {
  DataSpec s;
  s.source = name;
  s.count = count;
  s.train_count = train_count;
  return s;
}

ModelConfig model(ModelKind kind, std::vector<int> hidden, int latent) {
  ModelConfig c;
  c.kind = kind;
  c.hidden = std::move(hidden);
  c.latent = latent;
  c.seed = 1;
  return c;
}

ModelConfig with_beta(ModelConfig c, float beta) {
  c.beta = beta;
  return c;
}

std::vector<LessonCheck> build_table() {
  std::vector<LessonCheck> t;
  const ModelKind AE = ModelKind::Plain, VAE = ModelKind::VAE;

  {
    LessonCheck c{"autoencoder", "the 2-D code separates labels it never saw, and reconstructions beat the average image",
                  {}, {}, measure_autoencoder, ""};
    c.setup.data = builtin("digits", 6000, 5000);
    c.setup.models = {{"AE", model(AE, {256}, 2)}};
    c.setup.batch = 64;
    c.setup.epochs = 10;
    c.claims = {{"knn_accuracy", "5-NN accuracy of the held-out 2-D codes (chance 0.1)", ClaimDirection::Above, 0.4},
                {"recon_over_mean_image", "held-out reconstruction error over the average image's", ClaimDirection::Below,
                 0.8}};
    t.push_back(c);
  }
  {
    LessonCheck c{"holes", "at latent 8 the AE's prior samples decode far from the data and the VAE's near it",
                  {}, {}, measure_holes,
                  "measured on prior samples; interpolations between held-out digits do not show it: at latent 8 the "
                  "AE's interpolants are as close to the data or closer (details: the verdict over 50 pairs)"};
    c.setup.data = builtin("digits", 6000, 5000);
    c.setup.models = {{"AE", model(AE, {256}, 8)}, {"VAE", model(VAE, {256}, 8)}};
    c.setup.epochs = 20;
    c.claims = {{"prior_distance_ratio",
                 "distance to the data of decoded N(0, I) samples, AE over VAE (nearest training image, in typical "
                 "nearest-neighbour distances)",
                 ClaimDirection::Above, 1.2}};
    t.push_back(c);
  }
  {
    LessonCheck c{"kl",
                  "KL per dimension: raising beta to 50 on a trained VAE turns off every dimension, the posterior "
                  "collapses",
                  {}, {}, measure_kl, "back at beta 1 the dimensions come back (details)"};
    c.setup.data = builtin("digits", 3000, 2500);
    c.setup.models = {{"VAE", model(VAE, {256}, 8)}};
    c.setup.epochs = 10;
    c.setup.then = {{5, 50.0f}, {5, 1.0f}};
    c.claims = {{"active_units_low_beta", "active units (KL above 0.01 nats) of 8 after 10 epochs at beta 1",
                 ClaimDirection::Above, 3.5},
                {"active_units_high_beta", "active units after 5 more epochs at beta 50 (0 = posterior collapse)",
                 ClaimDirection::Below, 0.5}};
    t.push_back(c);
  }
  {
    LessonCheck c{"copying",
                  "trained on digits-noise (digits mixed half and half with uniform noise), the lesson's pair "
                  "(under-over: a 256-2 AE against no hidden layer and a 1024-unit code, more than the 784 pixels): "
                  "the overcomplete AE learns to copy, rebuilding uniform noise far better than the undercomplete "
                  "and than a flat grey guess",
                  {}, {}, measure_copying,
                  "needs training images that vary in every pixel (digits-noise), MSE and torch's small init, which "
                  "the lesson sets; trained on the clean digits the overcomplete AE is still the better on noise but "
                  "never copies it (worse than the grey guess): pixels the digits never use get no gradient; under "
                  "BCE and He init it is the worse (README, the copy risk)"};
    c.setup.data = builtin("digits-noise", 3000, 2500);
    ModelConfig base = model(AE, {256}, 2);
    base.loss = OutputLoss::MSE;
    base.init = InitKind::Torch;
    const std::vector<ModelConfig> pair = compare_configs(base, ComparePair::UnderOver);  // the explorer's pair
    c.setup.models = {{"overcomplete", pair[1]}, {"undercomplete", pair[0]}};
    c.setup.batch = 32;  // the copy is learnt per step: batch 32 gets there in 10 epochs of 2500
    c.setup.epochs = 10;
    c.claims = {{"noise_error_ratio", "error rebuilding uniform noise, overcomplete over undercomplete",
                 ClaimDirection::Below, 0.5},
                {"noise_over_grey_guess", "the overcomplete AE's error on uniform noise over a flat grey guess's (1/12)",
                 ClaimDirection::Below, 0.5}};
    t.push_back(c);
  }
  {
    LessonCheck c{"sparse", "a KL-sparse code has far fewer active values than the plain AE's", {}, {}, measure_sparse,
                  "needs a sparsity weight near 10: the default 1e-3 is too weak against the reconstruction"};
    c.setup.data = builtin("digits", 3000, 2500);
    ModelConfig s = model(ModelKind::Sparse, {256}, 16);
    s.sparsity = SparsityKind::KL;
    s.sparsity_weight = 10;
    c.setup.models = {{"AE", model(AE, {256}, 16)}, {"sparse", s}};
    c.setup.epochs = 10;
    c.claims = {{"active_fraction_ratio", "share of code values above 0.1, sparse AE over plain AE",
                 ClaimDirection::Below, 0.5}};
    t.push_back(c);
  }
  {
    LessonCheck c{"denoising",
                  "from masking 0.3 up, the denoising AE's output is cleaner than its noisy input, and cleaner than the "
                  "plain AE's",
                  {}, {}, measure_denoising,
                  "at masking 0.1 the noisy input is cleaner than either model's output (details): denoising pays off "
                  "once the noise exceeds the model's own reconstruction error"};
    c.setup.data = builtin("digits", 3000, 2500);
    ModelConfig dn = model(ModelKind::Denoising, {128}, 16);
    dn.noise = NoiseKind::Mask;
    dn.noise_level = 0.3f;
    c.setup.models = {{"AE", model(AE, {128}, 16)}, {"denoising", dn}};
    c.setup.epochs = 10;
    c.claims = {{"psnr_gain_over_input", "PSNR of the denoised output minus the noisy input's, dB, worst of masking 0.3-0.7",
                 ClaimDirection::Above, 1.0},
                {"psnr_over_plain", "PSNR of the denoising AE minus the plain AE's at masking 0.5, dB",
                 ClaimDirection::Above, 0.3}};
    t.push_back(c);
  }
  {
    LessonCheck c{"contractive", "a contractive AE's encoder is less sensitive to its input than the plain AE's", {}, {},
                  measure_contractive, "needs a contractive weight near 0.1: the default 1e-3 moves ||J|| by a tenth"};
    c.setup.data = builtin("digits", 3000, 2500);
    ModelConfig ct = model(ModelKind::Contractive, {128}, 16);
    ct.contractive_weight = 0.1f;
    c.setup.models = {{"AE", model(AE, {128}, 16)}, {"contractive", ct}};
    c.setup.epochs = 10;
    c.claims = {{"jacobian_ratio", "mean ||J||_F of the encoder on held-out digits, contractive over plain",
                 ClaimDirection::Below, 0.75}};
    t.push_back(c);
  }
  {
    LessonCheck c{"disentangle", "on sprites, raising beta from 1 to 4 raises the MIG", {}, {}, measure_disentangle,
                  "holds at batch 32 (at batch 128 it did not: README, Inside the VAE) with 30 epochs (at 20 the gain of "
                  "seed 3 was 0.008); every MIG stays small. The lesson's two bundled sessions hold these models "
                  "(784-48-10; at 784-32-10 the gain of seed 1 was -0.006)"};
    c.setup.data = builtin("sprites", 12000, 10000);
    c.setup.models = {{"beta 1", model(VAE, {48}, 10)}, {"beta 4", with_beta(model(VAE, {48}, 10), 4)}};
    c.setup.batch = 32;
    c.setup.epochs = 30;
    c.claims = {{"mig_gain", "MIG of the held-out mean codes, beta 4 minus beta 1", ClaimDirection::Above, 0.01}};
    t.push_back(c);
  }
  {
    LessonCheck c{"arithmetic", "on faces, adding the smile vector to neutral faces makes their decodings smile", {}, {},
                  measure_arithmetic,
                  "the lesson's bundled session holds these models (784-28-8, 200 epochs at lr 0.001; at 784-24-8 one model "
                  "failed for seeds 1 and 3); at 784-32-8 and lr 0.003, the app's usual rate, one model of the pair "
                  "lost the effect for seeds 1 and 3 (AE 0.08, VAE 0.04)"};
    c.setup.data = builtin("faces", 6000, 5000);
    c.setup.models = {{"AE", model(AE, {28}, 8)}, {"VAE", model(VAE, {28}, 8)}};
    c.setup.epochs = 200;
    c.claims = {{"ae_smile_gain", "smile of the AE's decodings (ridge meter, 0-1), strength 1 minus 0",
                 ClaimDirection::Above, 0.25},
                {"vae_smile_gain", "the same for the VAE", ClaimDirection::Above, 0.25}};
    t.push_back(c);
  }
  {
    LessonCheck c{"anomaly",
                  "trained without the 1s, a VAE's -ELBO ranks the new 1s as less anomalous than the digits it saw, "
                  "while the distance to the nearest training code finds them; trained without the 0s, -ELBO finds "
                  "the 0s",
                  {}, {}, measure_anomaly,
                  "the lesson's bundled session holds these models (AE vs VAE 784-28-8 without the 1s, about 3,000 "
                  "steps); at 784-400-20 the 1s' -ELBO AUC was 0.08 and the nearest code's 0.59 (README)"};
    c.setup.data = builtin("digits", 12000, 10000);
    c.setup.models = {{"VAE without 1", model(VAE, {28}, 8), 1},
                      {"AE without 1", model(AE, {28}, 8), 1},
                      {"VAE without 0", model(VAE, {28}, 8), 0}};
    c.setup.epochs = 43;
    c.claims = {{"auc_held_out_1", "ROC AUC of the VAE's -ELBO at finding the held-out 1s (below 0.5: ranked least anomalous)",
                 ClaimDirection::Below, 0.5},
                {"auc_nearest_held_out_1", "ROC AUC of the same VAE's distance to the nearest training code at finding them",
                 ClaimDirection::Above, 0.75},
                {"auc_held_out_0", "ROC AUC of -ELBO at finding the held-out 0s (a VAE trained without them)",
                 ClaimDirection::Above, 0.75}};
    t.push_back(c);
  }
  {
    LessonCheck c{"lines", "on the lines set, ACAI's interpolants are closer to real lines than the plain AE's", {}, {},
                  measure_lines,
                  "ACAI's Smoothness is not better than the AE's (details; README, the lines table); the VAE's "
                  "interpolants were closer still there"};
    c.setup.data = builtin("lines", 12000, 10000);
    c.setup.models = {{"AE", model(AE, {256}, 8)}, {"ACAI", model(ModelKind::Acai, {256}, 8)}};
    c.setup.epochs = 10;
    c.claims = {{"mean_distance_ratio",
                 "Mean Distance of the interpolants to the closest true line (exact lines metric), ACAI over AE",
                 ClaimDirection::Below, 0.7}};
    t.push_back(c);
  }
  return t;
}

}  // namespace

//---- run --------------------------------------------------------------------------------------

const std::vector<LessonCheck>& lesson_checks() {
  static const std::vector<LessonCheck> table = build_table();
  return table;
}

const LessonCheck* lesson_check_find(const std::string& name) {
  for (const LessonCheck& c : lesson_checks())
    if (name == c.name) return &c;
  return nullptr;
}

std::string lesson_check_names(const char* separator) {
  std::string out;
  for (const LessonCheck& c : lesson_checks()) out += (out.empty() ? "" : separator) + std::string(c.name);
  return out;
}

bool lesson_claim_holds(const LessonClaim& claim, double figure) {
  if (!std::isfinite(figure)) return false;
  return claim.direction == ClaimDirection::Above ? figure > claim.threshold : figure < claim.threshold;
}

namespace {

LessonSetup effective_setup(const LessonCheck& check, const LessonCheckOptions& o) {
  LessonSetup s = check.setup;
  if (o.seed != 0) {
    s.data.seed = o.seed;
    for (LessonModel& m : s.models) m.config.seed = o.seed;
  }
  if (o.epochs >= 0) s.epochs = o.epochs;
  if (o.lr > 0) s.lr = o.lr;
  for (LessonModel& m : s.models) {
    if (o.replace_hidden) m.config.hidden = o.hidden;
    if (o.latent > 0) m.config.latent = o.latent;
  }
  return s;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// One model as the flags of `latentlab train` would give it.
std::string model_flags(const ModelConfig& c) {
  const ModelConfig defaults;
  std::string s = std::string("--model ") + model_kind_name(c.kind) + " --hidden ";
  if (c.hidden.empty()) s += "none";
  for (size_t i = 0; i < c.hidden.size(); ++i) s += (i ? "," : "") + std::to_string(c.hidden[i]);
  s += " --latent " + std::to_string(c.latent);
  if (c.loss != defaults.loss) s += std::string(" --loss ") + choice_name(c.loss);
  if (c.init != defaults.init) s += std::string(" --init ") + choice_name(c.init);
  for (Hyperparam h : model_kind_info(c.kind).hyperparams)
    if (hyperparam_applies(c, h)) s += std::string(" --") + hyperparam_info(h).flag + " " + hyperparam_format(h, hyperparam_get(c, h));
  s += " --seed " + std::to_string(c.seed);
  return s;
}

}  // namespace

std::string lesson_settings_text(const LessonCheck& check, const LessonCheckOptions& options) {
  const LessonSetup s = effective_setup(check, options);
  std::string out = "data " + s.data.source + ", " + std::to_string(s.data.count) + " samples (" +
                    std::to_string(s.data.train_count) + " train), data seed " + std::to_string(s.data.seed) + "; ";
  for (const LessonModel& m : s.models) {
    out += std::string(m.role) + ": " + model_flags(m.config);
    if (m.without_label >= 0) out += " (trained without label " + std::to_string(m.without_label) + ")";
    out += "; ";
  }
  out += "batch " + std::to_string(s.batch) + ", " + std::to_string(s.epochs) + " epochs, Adam lr " + number_text(s.lr);
  for (const LessonPhase& p : s.then)
    out += "; then " + std::to_string(p.epochs) + " epochs at beta " + number_text(p.beta);
  return out;
}

namespace {

// The row's models trained on `data`: compare mode's batches, one shuffle per epoch from the first
// model's seed, every full batch (the remainder dropped: the thresholds were measured so; the app's trainer and `latentlab train` now train it, core/train/epoch_batches.h); a model without a
// label takes the same order of its own samples.
std::vector<Network> train_setup(const LessonCheck& check, const LessonSetup& s, const Dataset& data) {
  OptimizerConfig opt;
  opt.lr = s.lr;
  std::vector<Network> nets;
  std::vector<Model> models;
  std::vector<Rng> order_rngs;
  std::vector<std::vector<int>> samples;  // each model's training samples
  Mat x(data.features(), s.batch);
  std::vector<int> order, idx(size_t(s.batch));
  for (const LessonModel& m : s.models) {
    const ModelConfig c = fit_to_data(m.config, data);
    const std::string problem = training_config_problem(c, opt, s.batch, data.train_count);
    if (!problem.empty()) throw InputError(std::string("lesson ") + check.name + ": " + problem);
    models.emplace_back(c, opt);
    std::vector<int> keep;  // the hold-out policy of `latentlab anomaly` (measure/anomaly.h)
    if (m.without_label >= 0) {
      keep = holdout_training_samples(data, m.without_label);
    } else {
      for (int i = 0; i < data.train_count; ++i) keep.push_back(i);
    }
    order_rngs.emplace_back(shuffle_seed(s.models[0].config.seed));
    samples.push_back(std::move(keep));
  }
  auto train = [&](size_t m, int epochs) {
    const int n = int(samples[m].size());
    for (int epoch = 0; epoch < epochs; ++epoch) {
      epoch_order(order_rngs[m], n, order);
      for (int first = 0; first + s.batch <= n; first += s.batch) {
        for (int j = 0; j < s.batch; ++j) idx[size_t(j)] = samples[m][size_t(order[size_t(first + j)])];
        data.gather(idx.data(), s.batch, x);
        models[m].train_step(x);
      }
    }
  };
  for (size_t m = 0; m < models.size(); ++m) {
    train(m, s.epochs);
    nets.push_back(models[m].network());
  }
  for (const LessonPhase& phase : s.then)
    for (size_t m = 0; m < models.size(); ++m) {
      models[m].config().beta = phase.beta;
      train(m, s.epochs == 0 ? 0 : phase.epochs);
      nets.push_back(models[m].network());
    }
  return nets;
}

// A session's models in place of training: the row's kinds, in its order, and none trained without a label.
std::vector<Network> session_networks(const LessonCheck& check, const Session& session, const std::string& file) {
  const std::string path = printable_path(file);
  const std::vector<LessonModel>& want = check.setup.models;
  for (const LessonModel& m : want)
    if (m.without_label >= 0)
      throw InputError(path + ": the " + check.name + " check trains its models without a label; a session cannot stand in");
  if (!check.setup.then.empty())
    throw InputError(path + ": the " + check.name + " check trains on with beta changed; a session cannot stand in");
  if (session.models.size() != want.size())
    throw InputError(path + ": " + std::to_string(session.models.size()) + " models; the " + check.name + " check needs " +
                     std::to_string(want.size()));
  std::vector<Network> nets;
  for (size_t i = 0; i < want.size(); ++i) {
    const ModelKind k = session.models[i].network.config.kind;
    if (k != want[i].config.kind)
      throw InputError(path + ": model " + std::to_string(i + 1) + " is a " + model_kind_name(k) + "; the " + check.name +
                       " check needs a " + model_kind_name(want[i].config.kind) + " there");
    nets.push_back(session.models[i].network);
  }
  return nets;
}

}  // namespace

LessonResult lesson_check_run(const LessonCheck& check, const LessonCheckOptions& options) {
  const double cpu0 = process_cpu_seconds();
  const LessonSetup s = effective_setup(check, options);
  Session session;
  if (!options.session.empty()) session = session_load(options.session);
  const Dataset data = load_dataset(options.session.empty() ? s.data : session.data);
  if (!options.session.empty() && session_data_hash(data) != session.data_hash)
    throw InputError(printable_path(options.session) + ": the data it names no longer loads as it was trained on (hash differs)");
  LessonRun run;
  run.check = &check;
  run.data = &data;
  run.nets = options.session.empty() ? train_setup(check, s, data) : session_networks(check, session, options.session);
  for (const Network& n : run.nets)
    if (n.config.input_size != data.features())
      throw InputError(printable_path(options.session) + ": a model takes " + std::to_string(n.config.input_size) + " inputs, the data has " +
                       std::to_string(data.features()));
  run.seed = run.nets.empty() ? 1 : run.nets[0].config.seed;
  LessonResult r;
  check.measure(run, r);
  if (r.figures.size() != check.claims.size())
    throw std::logic_error(std::string("lesson ") + check.name + ": the measure gave the wrong number of figures");
  r.shows = true;
  for (size_t i = 0; i < check.claims.size(); ++i) {
    r.holds.push_back(lesson_claim_holds(check.claims[i], r.figures[i]));
    r.shows = r.shows && r.holds.back();
  }
  r.cpu_seconds = process_cpu_seconds() - cpu0;
  return r;
}

std::string lesson_result_line(const LessonCheck& check, const LessonResult& r) {
  std::string out = std::string(check.name) + (r.shows ? ": shows" : ": DOES NOT SHOW (not shipped at these settings)");
  for (size_t i = 0; i < check.claims.size(); ++i) {
    const LessonClaim& c = check.claims[i];
    char buf[96];
    std::snprintf(buf, sizeof buf, " %.3f (claim %s %g%s)", r.figures[i],
                  c.direction == ClaimDirection::Above ? ">" : "<", c.threshold, r.holds[i] ? "" : ", fails");
    out += std::string(i ? ";" : ":") + " " + c.what + buf;
  }
  return out;
}
