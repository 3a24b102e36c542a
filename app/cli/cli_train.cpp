// `latentlab train`: trains one model headless and prints, per epoch, the training loss, the
// held-out loss with its parts and the speed; with --json, a final one-line JSON summary on stdout
// (the epoch lines then go to stderr). The recipe of pytorch/examples is the default:
//   latentlab train --data mnist.idx.gz --train 8000 --model vae --hidden 400 --latent 20
// Every batch of an epoch is used, the last one possibly smaller (as a PyTorch DataLoader does).
// One model trains on one thread: --threads is accepted, and values above 1 change nothing here
// (Eigen runs single-threaded by design; see CMakeLists.txt).
// Divergence is handled as in the app's trainer (core/train/divergence.h): a step that leaves a NaN or
// Inf is rolled back to the last known-good copy and the learning rate halved, each time with a
// line on stderr; after too many rollbacks in a row the run stops with exit status 1 and saves
// nothing. The epoch's train loss averages the steps that were kept.
// Collapse is watched as in the app's trainer (core/train/collapse.h): after every epoch, the codes' spread
// of up to 512 held-out samples and the held-out loss; a collapse is one warning line on stderr
// ("train: warning: ..."), and training goes on.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "train/collapse.h"
#include "train/divergence.h"
#include "train/early_stopping.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "measure/kind_figures.h"
#include "models/model.h"
#include "train/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int cli_train(int argc, char** argv) {
  CliArgs args("latentlab train", "Train one model headless; print per-epoch losses (nats per sample for BCE).\n\n" +
                                      model_kinds_help());
  add_data_flags(args);
  const ModelFlagSpec model_spec;  // every kind, the pytorch/examples recipe's shape and training
  add_model_flags(args, model_spec);
  args.add("threads", "N", "1", "compute threads; one model trains on one thread, so 1 is what is used");
  args.add("save", "FILE", "", "write the trained network (.llnet) to FILE");
  args.add("early-stop", "N", "0", "stop after N epochs without a better held-out loss and keep the best\n"
           "                             epoch's weights (0 = off; the best epoch is reported either way)");
  args.add_switch("json", "end with a one-line JSON summary on stdout (epoch lines go to stderr)");
  // The figures of kind_figures.h (--json): how held-out inputs are corrupted for psnr_noisy.
  const KindFigureSettings figure_defaults;
  args.add("eval-noise", "KIND", choice_name(figure_defaults.eval_noise),
           "--json's psnr_noisy: " + choice_list<NoiseKind>().names() + ", corrupting held-out inputs");
  args.add("eval-noise-level", "L", hyperparam_format(Hyperparam::NoiseLevel, figure_defaults.eval_noise_level),
           "--json's psnr_noisy: Gaussian sigma, or the masking / salt-and-pepper probability");
  if (!args.parse(argc, argv)) return 0;

  ModelConfig config = model_config_from_flags(args, model_spec);
  const OptimizerConfig opt = optimizer_from_flags(args, model_spec);
  const int epochs = epochs_from_flags(args, model_spec);
  const int batch = batch_from_flags(args);
  args.integer("threads", 1, 256);
  const bool json = args.flag("json");
  EarlyStopping early;
  early.patience = args.integer("early-stop", 0, 100000);
  KindFigureSettings figure_settings;
  figure_settings.eval_noise = args.choice_of<NoiseKind>("eval-noise");
  figure_settings.eval_noise_level =
      args.real("eval-noise-level", 0, figure_settings.eval_noise == NoiseKind::Gaussian ? 1e3 : 1);

  // The data's seed stays fixed, so runs with different --seed train on the same samples.
  const DataSpec spec = data_spec_from_flags(args, 1);
  const Dataset data = load_dataset(spec);
  print_data_warnings(data);
  const std::string shown_name = printable_path(data.name);
  if (data.train_count < 1) throw InputError(shown_name + ": no training samples (see --train)");
  if (config.loss == OutputLoss::BCE && !data.in_unit_range)
    throw InputError(shown_name + ": values outside [0, 1] cannot be a BCE target; use --loss mse");
  config.input_size = data.features();
  arch_from_flags(args, data, config);
  // The one validation of the hyperparameters (core/models/model.h), before the model is allocated.
  const std::string problem = training_config_problem(config, opt, batch, data.train_count);
  if (!problem.empty()) throw InputError("train: " + problem);

  Model model(config, opt);
  std::FILE* log = json ? stderr : stdout;
  std::fprintf(log, "%s: %d train, %d held out, %d features; %s %s %d-", shown_name.c_str(), data.train_count,
               data.test_count(), data.features(), choice_name(config.arch), model_kind_name(config.kind),
               config.input_size);
  for (int h : config.hidden) std::fprintf(log, "%d-", h);
  std::fprintf(log, "%d, %zu parameters\n", config.latent, model.network().parameter_count());

  Rng order_rng(shuffle_seed(config.seed));
  std::vector<int> order;
  Mat x(data.features(), std::min(batch, data.train_count));  // (features, batch)
  const Eigen::Index test_n = data.test_count();
  Mat test(data.features(), test_n);  // (features, held out)
  if (test_n > 0) data.copy_range(data.train_count, int(test_n), test);

  const char* pname = model_kind_info(config.kind).penalty_key;
  DivergenceGuard guard;
  divergence_init(guard, model.network(), 0, DivergencePolicy{});
  // The collapse watch's sample: the first held-out samples (training samples when none are held out).
  const int spread_n = std::min(512, test_n > 0 ? int(test_n) : data.train_count);
  Mat spread_x(data.features(), spread_n), spread_codes;  // (features, spread_n), (latent, spread_n)
  data.copy_range(test_n > 0 ? data.train_count : 0, spread_n, spread_x);
  InferenceWorkspace spread_ws;
  CollapseWatch collapse;
  collapse_start(collapse, code_spread(model.network(), spread_x, spread_ws, spread_codes),
                 average_image_loss(config.loss, spread_x));
  int64_t step = 0;
  double train_seconds = 0, train_loss = 0;
  LossParts held_out;
  const Clock::time_point start = Clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const Clock::time_point t0 = Clock::now();
    epoch_order(order_rng, data.train_count, order);
    double sum = 0;
    int kept = 0;  // samples in the steps the guard kept
    for (int first = 0; first < data.train_count; first += batch) {
      const int n = std::min(batch, data.train_count - first);
      if (x.cols() != n) x.resize(Eigen::NoChange, n);
      data.gather(order.data() + first, n, x);
      const LossParts loss = model.train_step(x);
      const DivergenceAction action = divergence_after_step(guard, model, loss, ++step, x);
      if (action == DivergenceAction::None) {
        sum += loss.total * n;
        kept += n;
        continue;
      }
      const DivergenceEvent& e = guard.last;
      const int bad_sample = e.bad_column >= 0 ? order[first + e.bad_column] : -1;
      std::fprintf(stderr, "train: divergence: %s\n",
                   divergence_message(e, model_kind_name(config.kind), "stopped", bad_sample).c_str());
      if (action == DivergenceAction::GaveUp) {
        std::fprintf(stderr, "train: stopped in epoch %d after %lld rollbacks; try a lower --lr or --clip%s\n", epoch,
                     static_cast<long long>(guard.rollbacks), args.given("save") ? "; nothing saved" : "");
        return 1;
      }
    }
    const double epoch_seconds = seconds_since(t0);
    train_seconds += epoch_seconds;
    train_loss = kept > 0 ? sum / kept : std::nan("");
    if (test_n > 0) held_out = model.evaluate(test);
    std::fprintf(log, "epoch %d/%d: train %.2f", epoch, epochs, train_loss);
    if (test_n > 0) {
      std::fprintf(log, "  test %.2f (recon %.2f", held_out.total, held_out.recon);
      if (pname) std::fprintf(log, ", %s %.4g", pname, held_out.penalty);
      std::fprintf(log, ")");
    }
    std::fprintf(log, "  %.0f samples/s  %.1f s\n", data.train_count / epoch_seconds, epoch_seconds);
    std::fflush(log);
    const double spread = code_spread(model.network(), spread_x, spread_ws, spread_codes);
    if (collapse_check(collapse, test_n > 0 ? held_out.total : train_loss, spread, step) == CollapseSignal::Collapsed)
      std::fprintf(stderr, "train: warning: %s\n",
                   collapse_message(collapse.last, model_kind_name(config.kind), model.optimizer().lr).c_str());
    // Early stopping watches the held-out loss (the training loss when nothing is held out).
    if (early_stopping_after_epoch(early, model.network(), test_n > 0 ? held_out.total : train_loss, epoch)) {
      std::fprintf(log, "early stop after epoch %d: no better held-out loss for %d epochs\n", epoch, early.patience);
      break;
    }
  }
  const int epochs_run = early.last_epoch;
  if (early.patience > 0 && early.best_epoch > 0 && early.best_epoch != early.last_epoch) {
    model.restore(early.best);
    if (test_n > 0) held_out = model.evaluate(test);
    std::fprintf(log, "kept the weights of epoch %d (held-out %.2f; epoch %d: %.2f)\n", early.best_epoch,
                 early.best_loss, early.last_epoch, early.last_loss);
  }
  const double seconds = seconds_since(start);
  const double samples_per_sec = double(data.train_count) * epochs_run / train_seconds;

  if (args.given("save")) {
    if (!model.network().all_finite()) {  // the guard restores a finite copy after every step; belt and braces
      std::fprintf(stderr, "train: the network is not finite; not saved\n");
      return 1;
    }
    std::string error;
    // Atomic (core/io/file_write.h): on failure the previous file is untouched and the message says so.
    if (!network_save(model.network(), args.str("save"), &error)) throw InputError("train: " + error);
    std::fprintf(log, "saved %s\n", args.str("save").c_str());
  }
  if (json) {
    const bool vae = model_kind_info(config.kind).variational;  // test_kl: the unweighted KL
    std::vector<double> hidden(config.hidden.begin(), config.hidden.end());
    JsonObject out;
    out.add_string("model", model_kind_name(config.kind))
        .add_string("arch", choice_name(config.arch))
        .add_string("data", data.name)
        .add("hidden", json_number_list(hidden))
        .add("latent", config.latent)
        .add_string("activation", activation_name(config.activation))
        .add("epochs", epochs)
        .add("batch", batch)
        .add("seed", std::to_string(config.seed))
        .add("train_count", data.train_count)
        .add("test_count", data.test_count())
        .add("train_loss", train_loss)
        .add("test_loss", held_out.total)
        .add("test_recon", held_out.recon)
        .add("test_kl", vae ? held_out.penalty : 0.0)
        .add("test_penalty", held_out.penalty)
        .add("samples_per_sec", samples_per_sec)
        .add("seconds", seconds)
        .add("divergence_events", static_cast<long long>(guard.rollbacks))
        .add("learning_rate", double(model.optimizer().lr))
        // Overfitting: the epoch of the lowest held-out loss, that loss, the last epoch's, and how
        // many epochs ran (fewer than --epochs when --early-stop stopped them).
        .add("early_stop", early.patience)
        .add("epochs_run", epochs_run)
        .add("best_epoch", early.best_epoch)
        .add("best_test_loss", early.best_loss)
        .add("last_test_loss", early.last_loss);
    // The figures of the trained model on held-out data go here, one add() each.
    // What each kind is for, measured on every kind (core/measure/kind_figures.h); on the
    // training samples when none are held out.
    const KindFigures kf = kind_figures(model.network(), test_n > 0 ? test : spread_x,
                                        figure_settings);
    out.add("mean_activation", kf.mean_activation)
        .add("active_fraction", kf.active_fraction)
        .add("psnr_noisy", kf.psnr_noisy)
        .add("jacobian_norm", kf.jacobian_norm)
        .add("noise_recon_error", kf.noise_recon_error)
        .add("clean_recon_error", kf.clean_recon_error);
    std::printf("%s\n", out.text().c_str());
  }
  return 0;
}
