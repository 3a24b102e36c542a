// `latentlab train`: trains one model headless and prints, per epoch, the training loss, the
// held-out loss with its parts and the speed; with --json, a final one-line JSON summary on stdout
// (the epoch lines then go to stderr). The recipe of pytorch/examples is the default:
//   latentlab train --data mnist.idx.gz --train 8000 --model vae --hidden 400 --latent 20
// An epoch is train/epoch_batches.h's, as in the app's trainer: every sample once, the last batch
// possibly smaller (as a PyTorch DataLoader does).
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
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "measure/codes_csv.h"
#include "measure/colourise.h"
#include "measure/kl_per_dim.h"
#include "measure/mig.h"
#include "train/collapse.h"
#include "train/divergence.h"
#include "train/early_stopping.h"
#include "train/epoch_batches.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "measure/reduction.h"
#include "measure/kind_figures.h"
#include "models/model.h"
#include "models/network_safetensors.h"
#include "train/session.h"
#include "train/trainer.h"
#include "io/file_write.h"

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
  ModelFlagSpec model_spec;  // every kind, the pytorch/examples recipe's shape and training
  model_spec.min_epochs = 0;  // --epochs 0: evaluate only (a loaded model)
  add_model_flags(args, model_spec);
  args.add("threads", "N", "1", "compute threads; one model trains on one thread, so 1 is what is used");
  add_save_load_flags(args);
  args.add("steps", "N", "", "stop after optimizer step N (counting a resumed session's steps), even mid-epoch");
  args.add("loss-csv", "FILE", "", "write the loss history (every step, every epoch's held-out loss) as CSV");
  args.add("export-codes", "FILE", "", "write every sample's code as CSV at the end: index, split, label, the data's\n"
           "                             factors, then z (a VAE: mu and sigma) per dimension (measure/codes_csv.h)");
  args.add("early-stop", "N", "0", "stop after N epochs without a better held-out loss and keep the best\n"
           "                             epoch's weights (0 = off; the best epoch is reported either way)");
  add_manifold_flags(args);
  args.add_switch("json", "end with a one-line JSON summary on stdout (epoch lines go to stderr)");
  // The figures of kind_figures.h (--json): how held-out inputs are corrupted for psnr_noisy.
  const KindFigureSettings figure_defaults;
  args.add("eval-noise", "KIND", choice_name(figure_defaults.eval_noise),
           "--json's psnr_noisy: " + choice_list<NoiseKind>().names() + ", corrupting held-out inputs");
  args.add("eval-noise-level", "L", hyperparam_format(Hyperparam::NoiseLevel, figure_defaults.eval_noise_level),
           "--json's psnr_noisy: Gaussian sigma, or the masking / salt-and-pepper probability");
  if (!args.parse(argc, argv)) return 0;

  ModelConfig config = model_config_from_flags(args, model_spec);
  OptimizerConfig opt = optimizer_from_flags(args, model_spec);
  const int epochs = epochs_from_flags(args, model_spec);
  int batch = batch_from_flags(args);
  args.integer("threads", 1, 256);
  const long long max_steps = args.given("steps") ? args.integer("steps", 1, 2000000000) : -1;
  const bool json = args.flag("json");
  const LoadedRun run = loaded_run_from_flags(args, "train");
  const bool resuming = run.resuming;
  const Session& session = run.session;
  // A session brings its early-stop record (the best epoch, its weights, the patience); --early-stop
  // replaces the patience only.
  EarlyStopping early;
  if (resuming) early = session.models[0].early;
  if (!resuming || args.given("early-stop")) early.patience = args.integer("early-stop", 0, 100000);
  bool stopped_early = resuming && session.early_stopped;
  KindFigureSettings figure_settings;
  figure_settings.eval_noise = args.choice_of<NoiseKind>("eval-noise");
  figure_settings.eval_noise_level =
      args.real("eval-noise-level", 0, figure_settings.eval_noise == NoiseKind::Gaussian ? 1e3 : 1);

  // The data's seed stays fixed, so runs with different --seed train on the same samples. A session
  // brings its own data unless a data flag is given.
  const DataSpec spec = resuming && !data_flags_given(args) ? session.data : data_spec_from_flags(args, 1);
  const Dataset data = load_dataset(spec);
  print_data_warnings(data);
  const std::string shown_name = printable_path(data.name);
  if (data.train_count < 1) throw InputError(shown_name + ": no training samples (see --train)");
  config.input_size = data.features();
  arch_from_flags(args, data, config);

  // --load: a session resumes with everything it saved; a network starts with a fresh optimizer and
  // the flags' seed for the noise and the batches.
  const Network loaded = apply_loaded_run(args, run, data, config, opt, batch);
  if (config.loss == OutputLoss::BCE && !data.in_unit_range)
    throw InputError(shown_name + ": values outside [0, 1] cannot be a BCE target; use --loss mse");
  // The one validation of the hyperparameters (core/models/model.h), before the model is allocated.
  const std::string problem = training_config_problem(config, opt, batch, data.train_count);
  if (!problem.empty()) throw InputError("train: " + problem);

  Model model(config, opt);
  if (resuming) model.resume(loaded, opt, session.models[0].state);
  else if (args.given("load")) model.restore(loaded);
  std::FILE* log = json ? stderr : stdout;
  std::fprintf(log, "%s: %d train, %d held out, %d features; %s %s %d-", shown_name.c_str(), data.train_count,
               data.test_count(), data.features(), choice_name(config.arch), model_kind_name(config.kind),
               config.input_size);
  for (int h : config.hidden) std::fprintf(log, "%d-", h);
  std::fprintf(log, "%d, %zu parameters\n", config.latent, model.network().parameter_count());

  // The run's position: where the session left it, or the start.
  Rng order_rng(shuffle_seed(config.seed));
  std::vector<int> order;
  int cursor = 0;       // samples of this epoch used; 0 = the next epoch's order is still to draw
  int epochs_done = 0;
  int64_t step = 0;
  double sum = 0;       // this epoch's training loss over the samples of the steps the guard kept
  int64_t kept = 0;
  ModelHistory history;
  std::vector<TrainerEvent> events;
  if (resuming) {
    order_rng.state = session.order_rng;
    order = session.order;
    epochs_done = session.epoch;
    step = session.step;
    history = session.models[0].history;
    events = session.events;
    cursor = session.cursor;
    sum = session.epoch_loss_sum;
    kept = session.epoch_kept;
    if (cursor > 0 && order.size() != size_t(data.train_count)) {  // --other-data of another size: a fresh epoch
      std::fprintf(stderr, "train: the data has %d training samples, the session's epoch %zu; starting a new epoch\n",
                   data.train_count, order.size());
      cursor = 0, sum = 0, kept = 0;
    }
  }
  const int last_epoch = epochs_done + epochs;  // an epoch cut mid-way counts as the first of the N
  if (stopped_early && epochs > 0) {  // going on after an early stop: on the kept weights, patience afresh
    early_stopping_resume(early, epochs_done);
    stopped_early = false;
  }
  Mat x(data.features(), std::min(batch, data.train_count));  // (features, batch)
  const Eigen::Index test_n = data.test_count();
  Mat test(data.features(), test_n);  // (features, held out)
  if (test_n > 0) data.copy_range(data.train_count, int(test_n), test);

  const char* pname = model_kind_info(config.kind).penalty_key;
  DivergenceGuard guard;
  divergence_init(guard, model.network(), step, DivergencePolicy{});
  // The collapse watch's sample: the first held-out samples (training samples when none are held out).
  const int spread_n = std::min(512, test_n > 0 ? int(test_n) : data.train_count);
  Mat spread_x(data.features(), spread_n), spread_codes;  // (features, spread_n), (latent, spread_n)
  data.copy_range(test_n > 0 ? data.train_count : 0, spread_n, spread_x);
  InferenceWorkspace spread_ws;
  CollapseWatch collapse;
  collapse_start(collapse, code_spread(model.network(), spread_x, spread_ws, spread_codes),
                 average_image_loss(config.loss, spread_x));
  if (resuming) {
    const SessionModel& sm = session.models[0];
    guard.good = sm.guard.good;
    guard.good_step = sm.guard.good_step;
    guard.last_rollback_step = sm.guard.last_rollback_step;
    guard.rollback_streak = sm.guard.rollback_streak;
    guard.rollbacks = sm.guard.rollbacks;
    const CollapsePolicy policy = collapse.policy;
    collapse = sm.collapse;
    collapse.policy = policy;
  }
  double train_seconds = 0, train_loss = kept > 0 ? sum / kept : std::nan("");
  int64_t samples_trained = 0;
  LossParts held_out;
  const Clock::time_point start = Clock::now();
  while (epochs_done < last_epoch && (max_steps < 0 || step < max_steps)) {
    const Clock::time_point t0 = Clock::now();
    if (cursor == 0) {
      epoch_order(order_rng, data.train_count, order);
      sum = 0;
      kept = 0;
    }
    for (; !epoch_ended(cursor, data.train_count) && (max_steps < 0 || step < max_steps); cursor += static_cast<int>(x.cols())) {
      const int n = epoch_batch(cursor, batch, data.train_count);
      if (x.cols() != n) x.resize(Eigen::NoChange, n);
      data.gather(order.data() + cursor, n, x);
      const LossParts loss = model.train_step(x);
      samples_trained += n;
      const DivergenceAction action = divergence_after_step(guard, model, loss, ++step, x);
      if (action == DivergenceAction::None) {
        sum += loss.total * n;
        kept += n;
        history.train.push_back(LossPoint{step, epochs_done + double(cursor + n) / data.train_count, loss});
        continue;
      }
      const DivergenceEvent& e = guard.last;
      const int bad_sample = e.bad_column >= 0 ? order[cursor + e.bad_column] : -1;
      const std::string message = divergence_message(e, model_kind_name(config.kind), "stopped", bad_sample);
      std::fprintf(stderr, "train: divergence: %s\n", message.c_str());
      events.push_back(TrainerEvent{step, 0, message});
      if (action == DivergenceAction::GaveUp) {
        std::fprintf(stderr, "train: stopped in epoch %d after %lld rollbacks; try a lower --lr or --clip%s\n",
                     epochs_done + 1, static_cast<long long>(guard.rollbacks), args.given("save") ? "; nothing saved" : "");
        return 1;
      }
    }
    train_seconds += seconds_since(t0);
    if (!epoch_ended(cursor, data.train_count)) break;  // --steps reached mid-epoch
    const double epoch_seconds = seconds_since(t0);
    cursor = 0;
    ++epochs_done;
    train_loss = kept > 0 ? sum / kept : std::nan("");
    if (test_n > 0) {
      held_out = model.evaluate(test);
      history.test.push_back(LossPoint{step, double(epochs_done), held_out});
    }
    std::fprintf(log, "epoch %d/%d: train %.2f", epochs_done, last_epoch, train_loss);
    if (test_n > 0) {
      std::fprintf(log, "  test %.2f (recon %.2f", held_out.total, held_out.recon);
      if (pname) std::fprintf(log, ", %s %.4g", pname, held_out.penalty);
      if (model_kind_info(config.kind).critic) std::fprintf(log, "; the critic's own loss %.4g", held_out.critic);
      std::fprintf(log, ")");
    }
    std::fprintf(log, "  %.0f samples/s  %.1f s\n", data.train_count / epoch_seconds, epoch_seconds);
    std::fflush(log);
    const double spread = code_spread(model.network(), spread_x, spread_ws, spread_codes);
    if (collapse_check(collapse, test_n > 0 ? held_out.total : train_loss, spread, step) == CollapseSignal::Collapsed) {
      const std::string message = collapse_message(collapse.last, model_kind_name(config.kind), model.optimizer().lr);
      std::fprintf(stderr, "train: warning: %s\n", message.c_str());
      events.push_back(TrainerEvent{step, 0, message});
    }
    // Early stopping watches the held-out loss (the training loss when nothing is held out).
    if (early_stopping_after_epoch(early, model.network(), test_n > 0 ? held_out.total : train_loss, epochs_done, step)) {
      std::fprintf(log, "early stop after epoch %d: no better held-out loss for %d epochs\n", epochs_done, early.patience);
      stopped_early = true;
      break;
    }
  }
  const int epochs_run = early.last_epoch;
  // The best epoch's weights are what the run reports and exports. A session saved after an early
  // stop holds them too (as the app's trainer does, its guard's copy with them); one saved when
  // --epochs ran out holds the run's own state, so that going on is the uninterrupted run.
  std::unique_ptr<Model> live;
  if (early.patience > 0 && early.best_epoch > 0 && early.best_epoch != early.last_epoch) {
    if (stopped_early) {
      guard.good = early.best;
      guard.good_step = early.best_step;
    } else {
      live = std::make_unique<Model>(model);
    }
    model.restore(early.best);
    if (test_n > 0) held_out = model.evaluate(test);
    std::fprintf(log, "kept the weights of epoch %d (held-out %.2f; epoch %d: %.2f)\n", early.best_epoch,
                 early.best_loss, early.last_epoch, early.last_loss);
  }
  // --epochs 0 only evaluates (a copy of the model, so that a saved session's streams are untouched).
  if (epochs == 0 && test_n > 0) {
    held_out = Model(model).evaluate(test);
    std::fprintf(log, "evaluated: test %.2f (recon %.2f", held_out.total, held_out.recon);
    if (pname) std::fprintf(log, ", %s %.4g", pname, held_out.penalty);
    std::fprintf(log, ")\n");
  }
  const double seconds = seconds_since(start);
  const double samples_per_sec = double(samples_trained) / train_seconds;

  if (args.given("loss-csv")) {
    const std::string csv = loss_history_csv({history}, {model_kind_name(config.kind)});
    std::string error;
    if (!write_file_atomically(args.str("loss-csv"), csv.data(), csv.size(), &error)) throw InputError("train: " + error);
  }
  export_manifold_from_flags(args, model.network(), data);
  if (args.given("export-codes")) {
    std::string error;
    if (!codes_csv_write(model.network(), data, args.str("export-codes"), &error)) throw InputError("train: " + error);
  }
  if (args.given("save")) {
    const std::string save_path = args.str("save");
    if (!model.network().all_finite()) {  // the guard restores a finite copy after every step; belt and braces
      std::fprintf(stderr, "train: the network is not finite; not saved\n");
      return 1;
    }
    std::string error;
    // Atomic (core/io/file_write.h): on failure the previous file is untouched and the message says so.
    bool saved = false;
    if (is_session_path(save_path)) {
      Session out;
      SessionModel sm;
      Model& run = live ? *live : model;
      sm.network = run.network();
      sm.optimizer = run.optimizer();
      sm.state = run.training_state();
      sm.guard = guard;
      sm.collapse = collapse;
      sm.history = history;
      sm.early = early;
      out.models.push_back(std::move(sm));
      out.order_rng = order_rng.state;
      out.order = order;
      out.cursor = cursor;
      out.step = step;
      out.epoch = epochs_done;
      out.batch = batch;
      out.epoch_loss_sum = cursor > 0 ? sum : 0;
      out.epoch_kept = cursor > 0 ? kept : 0;
      out.early_stopped = stopped_early;
      out.data = spec;
      out.data_hash = session_data_hash(data);
      out.events = events;
      saved = session_save(out, save_path, &error);
    } else {
      saved = network_save_file(model.network(), save_path, &error);
    }
    if (!saved) throw InputError("train: " + error);
    std::fprintf(log, "saved %s\n", save_path.c_str());
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
        .add("test_critic_loss", held_out.critic)  // ACAI's critic's L_d; 0 for the other kinds
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
    if (test_n > 0) json_add_reduction(out, reduction_figures_network(model.network(), data));  // issue 17
    // Inside the VAE (measure/kl_per_dim.h, measure/mig.h): KL per latent dimension for a variational
    // kind; the MIG of the mean codes against the true factors for data that carry them.
    if (test_n > 0) {
      InferenceWorkspace ws;
      if (vae) {
        const KlPerDim k = kl_per_dim(model.network(), test, ws);
        out.add("kl_per_dim", json_number_list(k.kl)).add("active_units", k.active_units).add("collapsed", k.collapsed);
      }
      if (data.factors.rows() > 0) {
        Mat codes(config.latent, test_n);  // (latent, held out), mu for a VAE
        network_encode(model.network(), test, codes, ws);
        out.add("mig", mig_compute(codes, data.factors.middleCols(data.train_count, test_n)).mig);
      }
    }
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
    // Colourisation on colour data (measure/colourise.h): the grey input rebuilt, against the grey input itself.
    if (data.channels == 3) {
      const ColouriseFigures cf = colourise_figures(model.network(), test_n > 0 ? test : spread_x, data.channels);
      out.add("psnr_colourised", cf.psnr_colourised).add("psnr_grey_baseline", cf.psnr_grey_baseline);
    }
    std::printf("%s\n", out.text().c_str());
  }
  return 0;
}
