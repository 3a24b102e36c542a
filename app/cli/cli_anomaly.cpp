// `latentlab anomaly`: anomaly detection by holding out a class, the protocol of issue 17:
//   1. train one model on the training split with every sample of label K removed;
//   2. score every held-out sample (core/measure/anomaly.h: --score recon|elbo|nearest|kl);
//   3. the ROC AUC of the score at telling the K's from the rest.
//   latentlab anomaly --data t10k-images-idx3-ubyte.gz --train 8000 --holdout-label 0 --json
// The default model is the pytorch/examples VAE (784-400-20, 10 epochs, Adam 1e-3, batch 128),
// as bench/anomaly_torch.py trains it. --json prints auc, the curve's points (thinned to steps of
// about 0.01), and the AUC of every other score that applies to the same trained model.
// --save FILE / --load FILE as `latentlab train` has them (cli.h add_save_load_flags): a .llsession
// resumes the run exactly (--epochs N more; --epochs 0 only scores the loaded model), on the same
// data and --holdout-label it was trained with.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "io/file_write.h"
#include "models/network_safetensors.h"
#include "measure/anomaly.h"
#include "measure/reduction.h"
#include "models/model.h"
#include "train/divergence.h"
#include "train/session.h"
#include "train/trainer.h"

namespace {

// The curve's points, each at least `step` along fpr or tpr past the last one kept, ends included.
void thin_curve(const RocCurve& r, double step, std::vector<double>& fpr, std::vector<double>& tpr) {
  for (size_t i = 0; i < r.fpr.size(); ++i) {
    const bool last = i + 1 == r.fpr.size();
    if (!fpr.empty() && !last && r.fpr[i] - fpr.back() < step && r.tpr[i] - tpr.back() < step) continue;
    fpr.push_back(r.fpr[i]);
    tpr.push_back(r.tpr[i]);
  }
}

}  // namespace

int cli_anomaly(int argc, char** argv) {
  CliArgs args("latentlab anomaly",
               "Hold out a class: train without label K, score every held-out sample, and print the ROC AUC of\n"
               "the score at detecting K among them (1 = perfect, 0.5 = chance, below 0.5 = the K's look more\n"
               "familiar than the rest: the score measures how hard an image is to reconstruct, not how new).\n\n" +
                   model_kinds_help());
  add_data_flags(args);
  ModelFlagSpec model_spec;  // the pytorch/examples recipe: VAE 400-20, 10 epochs
  model_spec.min_epochs = 0;  // --epochs 0: score a loaded model
  add_model_flags(args, model_spec);
  add_save_load_flags(args);
  args.add("holdout-label", "K", "", "the label left out of training and detected among the held-out samples");
  args.add("score", "S", "", choice_list<AnomalyScore>().names() +
                                 " (default: elbo for a variational model, recon otherwise)");
  add_manifold_flags(args);
  args.add_switch("json", "end with a one-line JSON summary on stdout (epoch lines go to stderr)");
  if (!args.parse(argc, argv)) return 0;

  ModelConfig config = model_config_from_flags(args, model_spec);
  OptimizerConfig opt = optimizer_from_flags(args, model_spec);
  const int epochs = epochs_from_flags(args, model_spec);
  int batch = batch_from_flags(args);
  const bool json = args.flag("json");
  if (!args.given("holdout-label")) throw UsageError("latentlab anomaly: --holdout-label K is required");
  const int holdout = args.integer("holdout-label", 0, 1 << 30);

  // --load: a session brings its data (unless a data flag is given), its model and its training state.
  const LoadedRun run = loaded_run_from_flags(args, "anomaly");
  const bool resuming = run.resuming;
  const Session& session = run.session;
  const DataSpec spec = resuming && !data_flags_given(args) ? session.data : data_spec_from_flags(args, 1);
  const Dataset data = load_dataset(spec);
  print_data_warnings(data);
  const std::string shown_name = printable_path(data.name);
  // The hold-out policy (core/measure/anomaly.h), shared with the GUI's Data panel and the lessons.
  const std::string holdout_problem = holdout_label_problem(data, holdout);
  if (!holdout_problem.empty()) throw InputError(holdout_problem);
  const std::vector<int> keep = holdout_training_samples(data, holdout);  // the training samples without label K
  const std::vector<bool> positive = holdout_positives(data, holdout);
  const int held_k = int(std::count(positive.begin(), positive.end(), true));
  config.input_size = data.features();
  arch_from_flags(args, data, config);
  const Network loaded = apply_loaded_run(args, run, data, config, opt, batch);
  // The loaded model's loss, if one is loaded.
  if (config.loss == OutputLoss::BCE && !data.in_unit_range)
    throw InputError(shown_name + ": values outside [0, 1] cannot be a BCE target; use --loss mse");
  const bool variational = model_kind_info(config.kind).variational;  // the loaded model's kind, if one is loaded
  const AnomalyScore score = args.given("score") ? args.choice_of<AnomalyScore>("score")
                                                 : variational ? AnomalyScore::Elbo : AnomalyScore::Recon;
  const std::string problem = training_config_problem(config, opt, batch, int(keep.size()));
  if (!problem.empty()) throw InputError("anomaly: " + problem);
  Model model(config, opt);
  if (resuming) model.resume(loaded, opt, session.models[0].state);
  else if (args.given("load")) model.restore(loaded);
  const std::string score_problem = anomaly_score_problem(model.network(), score);
  if (!score_problem.empty()) throw UsageError("latentlab anomaly: --score: " + score_problem);

  // Training, as `latentlab train` does it (every batch of an epoch; the divergence guard), on `keep`.
  std::FILE* log = json ? stderr : stdout;
  std::fprintf(log, "%s: %zu train without label %d, %d held out (%d of them %d); %s, %d epochs\n", shown_name.c_str(),
               keep.size(), holdout, data.test_count(), held_k, holdout, model_kind_name(config.kind), epochs);
  Rng order_rng(shuffle_seed(config.seed));
  std::vector<int> order, idx(batch);
  Mat x(data.features(), batch);  // (features, batch)
  DivergenceGuard guard;
  int64_t step = 0;
  int epochs_done = 0;
  divergence_init(guard, model.network(), 0, DivergencePolicy{});
  if (resuming) {  // where the saved run stopped (always at the end of an epoch here)
    order_rng.state = session.order_rng;
    step = session.step;
    epochs_done = session.epoch;
    const DivergencePolicy policy = guard.policy;
    guard = session.models[0].guard;
    guard.policy = policy;
  }
  const int last_epoch = epochs_done + epochs;
  for (int epoch = epochs_done + 1; epoch <= last_epoch; ++epoch) {
    epoch_order(order_rng, int(keep.size()), order);
    double sum = 0;
    int kept = 0;
    for (int first = 0; !epoch_ended(first, int(keep.size())); first += batch) {
      const int n = epoch_batch(first, batch, int(keep.size()));  // train/epoch_batches.h
      for (int j = 0; j < n; ++j) idx[j] = keep[order[first + j]];
      if (x.cols() != n) x.resize(Eigen::NoChange, n);
      data.gather(idx.data(), n, x);
      const LossParts loss = model.train_step(x);
      const DivergenceAction action = divergence_after_step(guard, model, loss, ++step, x);
      if (action == DivergenceAction::None) {
        sum += loss.total * n;
        kept += n;
      } else if (action == DivergenceAction::GaveUp) {
        std::fprintf(stderr, "anomaly: stopped in epoch %d after %lld rollbacks; try a lower --lr or --clip\n", epoch,
                     static_cast<long long>(guard.rollbacks));
        return 1;
      }
    }
    std::fprintf(log, "epoch %d/%d: train %.2f\n", epoch, last_epoch, kept > 0 ? sum / kept : 0.0);
    std::fflush(log);
  }
  if (args.given("save")) {
    const std::string save_path = args.str("save");
    std::string error;
    bool saved = false;
    if (is_session_path(save_path)) {  // atomic (io/file_write.h); a non-finite network is refused
      Session out;
      SessionModel sm;
      sm.network = model.network();
      sm.optimizer = model.optimizer();
      sm.state = model.training_state();
      sm.guard = guard;
      out.models.push_back(std::move(sm));
      out.order_rng = order_rng.state;
      out.order = order;
      out.step = step;
      out.epoch = last_epoch;
      out.batch = batch;
      out.data = spec;
      out.data_hash = session_data_hash(data);
      saved = session_save(out, save_path, &error);
    } else {
      saved = network_save_file(model.network(), save_path, &error);
    }
    if (!saved) throw InputError("anomaly: " + error);
    std::fprintf(log, "saved %s\n", save_path.c_str());
  }

  export_manifold_from_flags(args, model.network(), data);

  // Score the held-out split with every score that applies; the chosen one is the headline.
  Mat train_x(data.features(), int(keep.size()));
  data.gather(keep.data(), int(keep.size()), train_x);
  const Mat held = dataset_held_matrix(data);
  JsonObject by_score;
  RocCurve chosen;
  std::vector<float> scores;
  for (int s = 0; s < choice_list<AnomalyScore>().count(); ++s) {
    const AnomalyScore which = static_cast<AnomalyScore>(s);
    if (!anomaly_score_problem(model.network(), which).empty()) continue;
    AnomalyScorer scorer;
    anomaly_scorer_init(scorer, model.network(), which, train_x);
    anomaly_scores(scorer, held, scores);
    const RocCurve roc = roc_curve(scores, positive);
    by_score.add(choice_name(which), roc.auc);
    if (which == score) chosen = roc;
    std::fprintf(log, "AUC of %-8s at detecting label %d: %.4f%s\n", choice_name(which), holdout, roc.auc,
                 which == score ? "  (--score)" : "");
  }
  if (json) {
    std::vector<double> fpr, tpr;
    thin_curve(chosen, 0.01, fpr, tpr);
    JsonObject out;
    out.add_string("model", model_kind_name(config.kind))
        .add_string("data", data.name)
        .add("latent", config.latent)
        .add("epochs", epochs)
        .add("seed", std::to_string(config.seed))
        .add("holdout_label", holdout)
        .add("train_count", int(keep.size()))
        .add("test_count", data.test_count())
        .add("test_positives", held_k)
        .add_string("score", choice_name(score))
        .add("auc", chosen.auc)
        .add("auc_by_score", by_score.text())
        .add("roc_fpr", json_number_list(fpr))
        .add("roc_tpr", json_number_list(tpr));
    std::printf("%s\n", out.text().c_str());
  }
  return 0;
}
