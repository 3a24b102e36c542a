// Anomaly detection with a trained autoencoder: a score per sample (how hard it is to reconstruct,
// its -ELBO, how far its code is from every training code, or its KL to the prior; the choices are
// AnomalyScore in models/kinds.h) and the ROC curve of a score at telling one class from the rest.
// The protocol of `latentlab anomaly`: train without label K, score every held-out sample, and ask
// how well the score ranks the K's above the others (AUC 1 = perfectly, 0.5 = chance, below 0.5 =
// the K's look MORE familiar than the rest, as a held-out 1 does: it is simple to reconstruct).
//
//   AnomalyScorer s;  anomaly_scorer_init(s, net, AnomalyScore::Elbo, train_x);
//   anomaly_scores(s, held_x, scores);                // (m) larger = more anomalous
//   RocCurve roc = roc_curve(scores, is_anomaly);     // roc.auc, roc.fpr, roc.tpr
//   Dataset without = dataset_holding_out(d, 1);      // the hold-out policy (CLI, GUI, lesson checks)
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "measure/code_density.h"
#include "models/model.h"

struct AnomalyScorer {
  Network net;
  AnomalyScore score = AnomalyScore::Recon;
  CodeDensity nearest;  // Nearest: the training codes, k = 1
  // Scratch kept between calls, so that scoring a chunk at a time (the GUI, every frame) allocates nothing.
  InferenceWorkspace ws;
  Mat code, logvar, recon;  // (latent, chunk), (latent, chunk), (features, chunk)
};

// "" if `score` applies to net, else why not (elbo and kl need a variational model).
std::string anomaly_score_problem(const Network& net, AnomalyScore score);
// Keeps a copy of net; for Nearest, encodes train_x (features, n) once. Throws InputError when
// anomaly_score_problem says no.
void anomaly_scorer_init(AnomalyScorer& s, const Network& net, AnomalyScore score, ConstMatRef train_x);
// x (features, m) -> out (m), larger = more anomalous. The reconstruction is of the mean code
// (deterministic), its loss the model's own (BCE summed over features, or squared error).
void anomaly_scores(AnomalyScorer& s, ConstMatRef x, std::vector<float>& out);

struct RocCurve {
  std::vector<double> fpr, tpr;  // from (0, 0) to (1, 1), one point per distinct score, thresholds descending
  double auc = 0;                // area under it; ties between a positive and a negative count one half
};
// NaN auc (and no points) when either class is empty.
RocCurve roc_curve(const std::vector<float>& scores, const std::vector<bool>& positive);

// Holding label K out of training, the one policy of `latentlab anomaly --holdout-label K`, the GUI's
// Data panel and the anomaly lesson's check: the training samples of label K are dropped, the held-out
// split keeps every sample (its K's are the anomalies to find). "" if K can be held out of d, else why
// not, naming the data (no labels, no K among the held-out samples or nothing but K's, no training
// sample left).
std::string holdout_label_problem(const Dataset& d, int label);
// The training samples [0, train_count) whose label is not `label`, in order.
std::vector<int> holdout_training_samples(const Dataset& d, int label);
// d with the training split reduced to holdout_training_samples (held-out samples unchanged, after
// them); its name says what was held out. Throws InputError when holdout_label_problem says no.
Dataset dataset_holding_out(const Dataset& d, int label);
// Whether held-out sample i (0 = the first held-out sample) has the held-out label: the ROC's positives.
std::vector<bool> holdout_positives(const Dataset& d, int label);
