// `latentlab interpolate`: trains models of the same shape on the same batches (a plain AE and a
// VAE by default; --models takes any kinds of the table), or loads a saved session, interpolates
// between pairs of held-out samples, and measures how far each model's interpolants stray from the
// data. The headless twin of the GUI's interpolation panel, and the evidence behind the app's
// AE-versus-VAE lesson. On the lines set (data/data_generated.h) the data manifold is known, and the
// paper's exact metrics replace the nearest-neighbour proxy (measure/lines.h).
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "measure/critic_realism.h"
#include "measure/interpolate.h"
#include "measure/lines.h"
#include "train/trainer.h"

namespace {

struct ModelSummary {
  std::string name;
  double mean_distance = 0, midpoint_distance = 0, max_distance = 0, smoothness = 0;
  double endpoint_distance = 0;  // its reconstructions of the endpoints: the model's own blur
  double prior_distance = 0;     // decodes of z ~ N(0, I)
  LinesScore lines;              // on the lines set: the exact metrics
  double critic_score = 0;       // with an ACAI among the models: its critic's mean guess on these interpolants
};

// Trains both models side by side: same seed, same batches, same number of steps.
void train_side_by_side(std::vector<Model>& models, const Dataset& data, int epochs, int batch, bool quiet) {
  Rng order_rng(shuffle_seed(models[0].config().seed));
  std::vector<int> order;
  Mat x(data.features(), batch);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    epoch_order(order_rng, data.train_count, order);
    for (int first = 0; first + batch <= data.train_count; first += batch) {
      data.gather(order.data() + first, batch, x);
      for (Model& m : models) m.train_step(x);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (quiet) continue;
    std::printf("epoch %d (%.1f s):", epoch, seconds);
    for (Model& m : models) {
      LossParts l = held_out_loss(m, data);
      std::printf("  %s held-out %.2f", model_kind_name(m.config().kind), l.total);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
}

// One picture: for each pair, a row per model: original A, the interpolants, original B.
void write_strips_png(const std::string& path, const Dataset& data, const std::vector<std::pair<int, int>>& pairs,
                      const std::vector<std::vector<Mat>>& frames_per_model) {
  const int w = data.width, h = data.height, c = data.channels, scale = 2, gap = 6;
  const int models = static_cast<int>(frames_per_model.size());
  const int shown = static_cast<int>(frames_per_model[0].size());
  const int tiles = static_cast<int>(frames_per_model[0][0].cols());  // A, interpolants, B
  // The output's size in 64 bits, checked against the budget before anything is allocated.
  const uint64_t wide_w = uint64_t(tiles) * (uint64_t(w) * scale + 2);
  const uint64_t wide_h = uint64_t(shown) * (uint64_t(models) * (uint64_t(h) * scale + 2) + gap);
  if (wide_w * wide_h * 3 > kCliPngMaxBytes)
    throw UsageError("interpolate: --png: the strips would be " + std::to_string(wide_w) + "x" +
                     std::to_string(wide_h) + " pixels, over the limit of " + std::to_string(kCliPngMaxBytes >> 20) +
                     " MB; use fewer --png-pairs or --steps");
  const int img_w = static_cast<int>(wide_w), row_h = h * scale + 2;
  const int img_h = static_cast<int>(wide_h);
  std::vector<unsigned char> rgb(static_cast<size_t>(img_w) * img_h * 3, 40);
  Mat originals(data.features(), 2);
  for (int p = 0; p < shown; ++p) {
    int ends[2] = {pairs[p].first, pairs[p].second};
    data.gather(ends, 2, originals);
    for (int m = 0; m < models; ++m) {
      for (int t = 0; t < tiles; ++t) {
        // The first and last tiles show the real images, the rest the decoded path.
        const float* src = t == 0 ? originals.col(0).data()
                           : t == tiles - 1 ? originals.col(1).data()
                                            : frames_per_model[m][p].col(t).data();
        int x0 = t * (w * scale + 2) + 1, y0 = p * (models * row_h + gap) + m * row_h + 1;
        for (int y = 0; y < h * scale; ++y)
          for (int x = 0; x < w * scale; ++x)
            for (int ch = 0; ch < 3; ++ch) {
              int src_ch = c == 3 ? ch : 0;
              float v = src[((y / scale) * w + (x / scale)) * c + src_ch];
              rgb[(static_cast<size_t>(y0 + y) * img_w + x0 + x) * 3 + ch] =
                  static_cast<unsigned char>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
            }
      }
    }
  }
  if (!stbi_write_png(path.c_str(), img_w, img_h, 3, rgb.data(), img_w * 3))
    throw InputError("'" + printable_path(path) + "': cannot write the PNG");
}

// --load: the saved file's architecture wins (check_loaded_flags, cli.h); here each file must also
// hold the model of its place in the twin.
void check_loaded_network(const CliArgs& args, const std::string& file, const ModelConfig& saved,
                          const ModelConfig& given, const Dataset& data) {
  const std::string name = "'" + printable_path(file) + "'";
  if (saved.kind != given.kind)
    throw InputError(name + ": holds the " + std::string(model_kind_name(saved.kind)) + " model, expected the " +
                     model_kind_name(given.kind) + " model (a session saved by interpolate --save)");
  check_loaded_flags(args, file, saved, given, data);
}

}  // namespace

int cli_interpolate(int argc, char** argv) {
  CliArgs args("latentlab interpolate",
               "Train a plain AE and a VAE of the same shape side by side (or --load a session), then measure\n"
               "how far their interpolants stray from the data: the pixel distance of each decoded interpolant\n"
               "to its nearest training image, divided by the typical nearest-neighbour distance between real\n"
               "images (1.0 = as close to the data as a real held-out image).");
  add_data_flags(args);
  ModelFlagSpec spec;  // models of one shape: a plain AE and a VAE unless --models says otherwise
  spec.pick_kind = false;
  for (const ModelKindInfo& k : model_kinds()) spec.kinds.push_back(k.kind);
  spec.latent_help = "latent size (the claim about midpoints holds at 20, not at 2: see README)";
  spec.max_latent = 64;
  spec.seed_help = "seed for the models, the batches and the pairs";
  spec.optimizer = false;
  spec.min_epochs = 0;
  spec.lr_help = "Adam learning rate";
  add_model_flags(args, spec);
  args.add("models", "LIST", "ae,vae",
           "the kinds trained side by side on the same batches, comma-separated (" + choice_list<ModelKind>().names(",") +
           "); the verdict compares the first two");
  args.add("load", "SESSION", "", "skip training: load the networks saved by --save");
  args.add("save", "SESSION", "", "save the trained networks into this folder");
  add_manifold_flags(args);
  args.add("pairs", "N", "100",
           "number of endpoint pairs (held-out samples); on lines, given, also the exact metrics' (else the paper's " +
               std::to_string(kLinesPairs) + ")");
  args.add("steps", "K", "9", "interpolants between the two endpoints");
  args.add_switch("same-label", "pairs share a label");
  args.add_switch("different-labels", "pairs have different labels");
  args.add("path", "KIND", "linear", choice_list<PathKind>().names() + " (slerp applies to variational kinds; the AE stays linear)");
  args.add("reference", "N", std::to_string(kDistanceReference),
           "training images used as 'the data' for nearest neighbours (the GUI's are the default)");
  args.add("png", "FILE", "", "write the strips of the first few pairs as one PNG");
  args.add("png-pairs", "N", "6", "pairs shown in the PNG");
  args.add_switch("json", "print one JSON line at the end");
  args.add_switch("quiet", "no per-epoch lines");
  if (!args.parse(argc, argv)) return 0;

  ModelConfig base = model_config_from_flags(args, spec);
  const std::vector<ModelKind> kinds = args.choices_of<ModelKind>("models");
  const OptimizerConfig opt = optimizer_from_flags(args, spec);
  const int epochs = epochs_from_flags(args, spec);
  const int batch = batch_from_flags(args);
  const DataSpec data_spec = data_spec_from_flags(args, base.seed);
  const int pairs_wanted = args.integer("pairs", 1, 100000);
  const int lines_pairs = args.given("pairs") ? pairs_wanted : kLinesPairs;  // the paper's protocol unless asked
  const int steps = args.integer("steps", 1, 99);
  const bool json = args.flag("json");
  if (args.flag("same-label") && args.flag("different-labels"))
    throw UsageError("latentlab interpolate: --same-label and --different-labels exclude each other");
  const PathKind vae_path = args.choice_of<PathKind>("path");


  Dataset data = load_dataset(data_spec);
  print_data_warnings(data);
  const std::string shown_name = printable_path(data.name);
  if (!data.in_unit_range)
    throw InputError(shown_name + ": values are not in [0,1]; interpolate trains with BCE, use --csv-scaling minmax");
  // Endpoints are held-out samples: say so before any training if there are too few.
  if (data.test_count() < 2)
    throw InputError(shown_name + ": " + std::to_string(data.test_count()) + " held-out sample" +
                     (data.test_count() == 1 ? "" : "s") + "; interpolation needs at least 2 to make the " +
                     std::to_string(pairs_wanted) + " endpoint pair" + (pairs_wanted == 1 ? "" : "s") +
                     " asked for (see --train)");
  base.input_size = data.features();
  arch_from_flags(args, data, base);
  std::vector<ModelConfig> configs;  // one shape, one seed, the kinds asked for
  for (ModelKind k : kinds) {
    configs.push_back(base);
    configs.back().kind = k;
  }
  auto t0 = std::chrono::steady_clock::now();

  std::vector<Model> models;
  if (args.given("load")) {
    const std::string dir = args.str("load");
    const std::vector<ModelConfig>& expected = configs;
    for (size_t m = 0; m < expected.size(); ++m) {
      const std::string file = dir + "/model" + std::to_string(m) + ".llnet";
      const Network net = network_load(file);
      check_loaded_network(args, file, net.config, expected[m], data);
      models.emplace_back(net.config, opt);  // the file's architecture, then its weights
      models.back().restore(net);
    }
  } else {
    for (const ModelConfig& c : configs) {
      const std::string problem = training_config_problem(c, opt, batch, data.train_count);
      if (!problem.empty()) throw InputError("latentlab interpolate: " + problem);
    }
    for (const ModelConfig& c : configs) models.emplace_back(c, opt);
    train_side_by_side(models, data, epochs, batch, json || args.flag("quiet"));
  }
  if (args.given("save")) {
    const std::string dir = args.str("save");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (size_t m = 0; m < models.size(); ++m) {
      std::string error;
      // Atomic (core/io/file_write.h): on failure the previous file is untouched and the message says so.
      if (!network_save(models[m].network(), dir + "/model" + std::to_string(m) + ".llnet", &error))
        throw InputError("latentlab interpolate: " + error);
    }
  }

  for (const Model& m : models) export_manifold_from_flags(args, m.network(), data, model_kind_name(m.network().config.kind));

  const int rule = args.flag("same-label") ? kPairsSameLabel
                   : args.flag("different-labels") ? kPairsDifferentLabels
                                                   : kPairsAny;
  std::vector<std::pair<int, int>> pairs =
      verdict_pairs(data, data_spec.seed, pairs_wanted, rule);  // the GUI's verdict picks the same
  if (pairs.empty()) {
    // With 2 or more held-out samples only a label rule can leave no pair.
    const std::string rule_text = rule == kPairsSameLabel ? "share a label (--same-label)"
                                  : rule == kPairsDifferentLabels ? "have different labels (--different-labels)"
                                                                  : "differ";
    throw InputError(shown_name + ": no two of the " + std::to_string(data.test_count()) +
                     " held-out samples " + rule_text + (data.labels.empty() ? "; the data has no labels" : ""));
  }

  const bool lines = is_lines_dataset(data);
  DataDistance distance = DataDistance::build(data, args.integer("reference", 1, 1000000), kDistanceCalibration);
  PairWorkspace ws;
  std::vector<ModelSummary> summaries;
  const int png_pairs = std::min<int>(args.integer("png-pairs", 1, 100), static_cast<int>(pairs.size()));
  std::vector<std::vector<Mat>> strips(models.size());
  std::vector<std::vector<double>> pair_means(models.size());  // per model, per pair: the verdict's input
  PathMeasure pm;
  // With an ACAI among the models, its critic scores every model's interpolants too (0 = looks
  // real): a second realism measure beside the nearest-neighbour distance (measure/critic_realism.h).
  int critic_model = -1;
  for (size_t m = 0; m < models.size(); ++m)
    if (critic_model < 0 && !models[m].network().critic.empty()) critic_model = int(m);
  std::vector<double> pooled_critic, pooled_distance;  // per (model, pair)
  for (size_t m = 0; m < models.size(); ++m) {
    const Network& net = models[m].network();
    const PathKind kind = model_kind_info(net.config.kind).variational ? vae_path : PathKind::Linear;
    ModelSummary s;
    s.name = model_kind_name(net.config.kind);
    for (size_t p = 0; p < pairs.size(); ++p) {
      measure_pair(net, data, pairs[p], steps, kind, distance, ws, pm);
      pair_means[m].push_back(pm.mean_distance);
      s.mean_distance += pm.mean_distance / pairs.size();
      s.midpoint_distance += pm.midpoint_distance / pairs.size();
      s.smoothness += pm.smoothness / pairs.size();
      s.endpoint_distance += pm.endpoint_distance / pairs.size();
      s.max_distance = std::max(s.max_distance, pm.max_distance);
      if (static_cast<int>(p) < png_pairs) strips[m].push_back(ws.path.decoded.leftCols(steps + 2));
      if (critic_model >= 0) {
        const std::vector<double> g =
            critic_guesses(models[size_t(critic_model)].network(), ws.path.decoded.middleCols(1, steps));
        double mean = 0;
        for (double v : g) mean += v / std::max<size_t>(1, g.size());
        s.critic_score += mean / pairs.size();
        pooled_critic.push_back(mean);
        pooled_distance.push_back(pm.mean_distance);
      }
    }
    Rng prior_rng(data_spec.seed * 104729 + 3);
    s.prior_distance = prior_sample_distance(net, 500, prior_rng, distance, ws.path.inference);
    if (lines) s.lines = lines_score(net, data, lines_pairs, kLinesSteps, base.seed);
    summaries.push_back(s);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The verdict and the ratios compare the first two models (the AE and the VAE by default).
  const size_t second = summaries.size() >= 2 ? 1 : 0;
  const double ratio = summaries[0].midpoint_distance / std::max(1e-12, summaries[second].midpoint_distance);
  const PairVerdict verdict = pair_verdict(pair_means[0], pair_means[second]);

  if (args.given("png")) write_strips_png(args.str("png"), data, pairs, strips);
  if (json) {
    JsonObject out;
    out.add_string("data", data.name)
        .add("pairs", static_cast<int>(pairs.size()))
        .add("steps", steps)
        .add("latent", models[0].network().config.latent)
        .add("reference", static_cast<int>(distance.reference.cols()))
        .add("typical_nn_distance", distance.typical_nn_distance)
        // On lines, mean_distance and smoothness are the paper's exact metrics (lines_pairs pairs x 16
        // steps, linear mixing); the nearest-neighbour proxy's are then nn_mean_distance and nn_smoothness.
        .add_string("metric", lines ? "lines" : "nearest-neighbour");
    if (lines) out.add("lines_pairs", lines_pairs);
    std::string list;
    for (const ModelSummary& s : summaries) {
      JsonObject m;
      m.add_string("model", s.name);
      if (lines)
        m.add("mean_distance", s.lines.mean_distance)
            .add("smoothness", s.lines.smoothness)
            .add("smoothness_pairs", s.lines.pairs)
            .add("smoothness_skipped", s.lines.skipped)
            .add("paper_mean_distance", s.lines.paper_mean_distance)
            .add("paper_smoothness", s.lines.paper_smoothness);
      const char* nn = lines ? "nn_" : "";
      m.add(std::string(nn) + "mean_distance", s.mean_distance)
          .add("midpoint_distance", s.midpoint_distance)
          .add("max_distance", s.max_distance)
          .add(std::string(nn) + "smoothness", s.smoothness)
          .add("endpoint_distance", s.endpoint_distance)
          .add("prior_sample_distance", s.prior_distance);
      if (critic_model >= 0) m.add("critic_score", s.critic_score);
      list += (list.empty() ? "" : ",") + m.text();
    }
    out.add("models", "[" + list + "]");
    if (critic_model >= 0 && pooled_critic.size() >= 2) {
      // Do the critic and the nearest-neighbour distance agree? Over every (model, pair), and on the
      // order of the models' means.
      bool same_order = true;
      for (size_t a = 0; a < summaries.size(); ++a)
        for (size_t b = 0; b < summaries.size(); ++b)
          if (summaries[a].critic_score < summaries[b].critic_score &&
              summaries[a].mean_distance > summaries[b].mean_distance)
            same_order = false;
      out.add("critic_distance_spearman", spearman_correlation(pooled_critic, pooled_distance))
          .add("critic_same_order", same_order);
    }
    if (summaries.size() >= 2)
      out.add("midpoint_ratio_ae_over_vae", ratio)
          .add("prior_ratio_ae_over_vae", summaries[0].prior_distance / std::max(1e-12, summaries[1].prior_distance))
          .add("vae_closer_pairs", verdict.second_closer)
          .add("ae_closer_pairs", verdict.first_closer)
          .add("sign_test_p", verdict.sign_test_p)
          .add_string("verdict", verdict.favoured == 1   ? summaries[1].name
                                 : verdict.favoured == 0 ? summaries[0].name
                                                         : std::string("tie"));
    out.add("seconds", seconds);
    std::printf("%s\n", out.text().c_str());
    return 0;
  }
  if (lines) {
    std::printf("\nLines, the exact metrics (%d pairs of held-out lines, %d steps each, codes mixed linearly;\n"
                "Mean Distance x 1e-3, 0 = every interpolant is a real line; Smoothness, 0 = the angle moves evenly):\n",
                lines_pairs, kLinesSteps);
    std::printf("  %-12s %14s %11s   %s\n", "model", "mean distance", "smoothness",
                "on the authors' [-1, 1] scale (measure/lines.h)");
    for (const ModelSummary& s : summaries)
      std::printf("  %-12s %14.2f %11.3f   %14.2f %11.3f%s\n", s.name.c_str(), 1e3 * s.lines.mean_distance,
                  s.lines.smoothness, 1e3 * s.lines.paper_mean_distance, s.lines.paper_smoothness,
                  s.lines.skipped ? (" (" + std::to_string(s.lines.skipped) + " pairs skipped)").c_str() : "");
  }
  std::printf("\n%zu pairs, %d interpolants each; distance to the data in units of the typical nearest-neighbour\n"
              "distance between real images (%.3f in pixels), 1.0 = as close as a real held-out image:\n",
              pairs.size(), steps, distance.typical_nn_distance);
  std::printf("  %-12s %13s %10s %8s %11s %16s %15s\n", "model", "interpolants", "midpoints", "worst",
              "smoothness", "reconstructions", "prior samples");
  for (const ModelSummary& s : summaries)
    std::printf("  %-12s %13.3f %10.3f %8.3f %11.3f %16.3f %15.3f\n", s.name.c_str(), s.mean_distance,
                s.midpoint_distance, s.max_distance, s.smoothness, s.endpoint_distance, s.prior_distance);
  std::printf("  (reconstructions: the decoded endpoints, i.e. each model's own blur; prior samples: decodes of\n"
              "   z ~ N(0, I), which only the VAE was trained to make sense of)\n");
  if (summaries.size() >= 2) {
    const char* first = model_kind_short_name(models[0].config().kind);
    const char* other = model_kind_short_name(models[1].config().kind);
    std::printf("%s\n", pair_verdict_text(verdict, first, other).c_str());
    if (ratio >= 1.0)
      std::printf("The %s's midpoints are %.2fx farther from any real sample than the %s's.\n", first, ratio, other);
    else
      std::printf("The %s's midpoints are %.2fx farther from any real sample than the %s's.\n", other, 1.0 / ratio, first);
    const double prior_ratio = summaries[0].prior_distance / std::max(1e-12, summaries[1].prior_distance);
    std::printf("Decodes of random codes z ~ N(0, I): the %s's are %.2fx %s from any real sample than the %s's.\n", first,
                prior_ratio >= 1.0 ? prior_ratio : 1.0 / prior_ratio, prior_ratio >= 1.0 ? "farther" : "closer", other);
  }
  if (args.given("png")) std::printf("strips written to %s\n", printable_path(args.str("png")).c_str());
  return 0;
}
