// Anomaly detection (core/measure/anomaly.h, `latentlab anomaly`): the ROC curve and its AUC by hand
// (perfect, inverted, tied, a worked case); the scores' own algebra (a VAE's -ELBO is its
// reconstruction loss plus its KL; the distance to the nearest training code is 0 on a training
// sample); a plain AE refuses the variational scores; and the end-to-end claim on real MNIST: a VAE
// trained without the 0s detects the held-out 0s with an AUC above 0.9 (PyTorch's is .935 here).
#include <doctest/doctest.h>
#include "test_quick.h"

#include "test_files.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "io/errors.h"
#include "measure/anomaly.h"
#include "measure/reduction.h"
#include "models/model.h"

namespace {

double json_value(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos || json.compare(at + key.size() + 3, 4, "null") == 0) return std::nan("");
  return std::stod(json.substr(at + key.size() + 3));
}

}  // namespace

TEST_CASE("roc: perfect, inverted, tied and a worked case") {
  const std::vector<bool> pos = {true, true, false, false, false};
  CHECK(roc_curve({5, 4, 3, 2, 1}, pos).auc == doctest::Approx(1.0));
  CHECK(roc_curve({1, 2, 3, 4, 5}, pos).auc == doctest::Approx(0.0));
  CHECK(roc_curve({1, 1, 1, 1, 1}, pos).auc == doctest::Approx(0.5));
  // Positives at 4 and 2, negatives at 5, 3, 1: of the 6 (positive, negative) pairs the positive
  // is higher in 3 (4>3, 4>1, 2>1).
  const RocCurve r = roc_curve({4, 2, 5, 3, 1}, pos);
  CHECK(r.auc == doctest::Approx(0.5));
  REQUIRE(r.fpr.size() == 6);
  CHECK(r.fpr.front() == 0);
  CHECK(r.tpr.back() == doctest::Approx(1.0));
  CHECK(r.fpr[1] == doctest::Approx(1.0 / 3));  // the 5 (a negative) is first
  CHECK(r.tpr[2] == doctest::Approx(0.5));      // then the 4
  CHECK(std::isnan(roc_curve({1, 2}, {true, true}).auc));
}

TEST_CASE("scores: -ELBO = recon + KL, nearest = 0 on a training sample, a plain AE refuses elbo and kl") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 600;
  const Dataset data = load_dataset(spec);
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.hidden = {32};
  c.latent = 3;
  c.input_size = data.features();
  const Network net = Network::create(c);
  const Mat train = dataset_train_matrix(data), held = dataset_held_matrix(data);
  std::vector<float> recon, elbo, kl, nearest;
  AnomalyScorer s;
  anomaly_scorer_init(s, net, AnomalyScore::Recon, train);
  anomaly_scores(s, held, recon);
  anomaly_scorer_init(s, net, AnomalyScore::Elbo, train);
  anomaly_scores(s, held, elbo);
  anomaly_scorer_init(s, net, AnomalyScore::Kl, train);
  anomaly_scores(s, held, kl);
  REQUIRE(recon.size() == size_t(held.cols()));
  for (size_t j = 0; j < recon.size(); ++j) {
    CHECK(recon[j] > 0);
    CHECK(kl[j] >= 0);
    CHECK(elbo[j] == doctest::Approx(recon[j] + kl[j]).epsilon(1e-4));
  }
  anomaly_scorer_init(s, net, AnomalyScore::Nearest, train);
  anomaly_scores(s, train.leftCols(10), nearest);
  for (float d : nearest) CHECK(d < 1e-2f);
  anomaly_scores(s, held.leftCols(10), nearest);
  CHECK(*std::max_element(nearest.begin(), nearest.end()) > 1e-2f);

  c.kind = ModelKind::Plain;
  const Network plain = Network::create(c);
  CHECK(!anomaly_score_problem(plain, AnomalyScore::Elbo).empty());
  CHECK(!anomaly_score_problem(plain, AnomalyScore::Kl).empty());
  CHECK(anomaly_score_problem(plain, AnomalyScore::Nearest).empty());
  CHECK_THROWS_AS(anomaly_scorer_init(s, plain, AnomalyScore::Elbo, train), InputError);
}

TEST_CASE("cli: bad requests are status 2 with the flag named") {
  Run r = run_latentlab("anomaly --data digits --count 600 --epochs 1", "test_anomaly.stderr");
  CHECK(r.status == 2);
  CHECK(r.err.find("--holdout-label") != std::string::npos);
  r = run_latentlab("anomaly --data digits --count 600 --epochs 1 --model ae --holdout-label 3 --score elbo",
                    "test_anomaly.stderr");
  CHECK(r.status == 2);
  CHECK(r.err.find("variational") != std::string::npos);
  r = run_latentlab("anomaly --data digits --count 600 --epochs 1 --holdout-label 42", "test_anomaly.stderr");
  CHECK(r.status == 2);
  CHECK(r.err.find("label 42") != std::string::npos);
  std::remove("test_anomaly.stderr");
}

// The JSON's "auc_by_score" object as printed (every score's AUC, each to the printed digits).
static std::string auc_by_score(const std::string& json) {
  const size_t at = json.find("\"auc_by_score\":");
  return at == std::string::npos ? "" : json.substr(at, json.find('}', at) - at);
}

TEST_CASE("cli: --save then --load: --epochs 0 scores the same model, --epochs 1 goes on as the uninterrupted run") {
  const std::string run = "anomaly --data digits --count 1500 --hidden 64 --latent 4 --holdout-label 1 --json";
  const std::string err = "test_anomaly_save.stderr", session = "test_anomaly_save.llsession", net = "test_anomaly_save.llnet";
  const Run two = run_latentlab(run + " --epochs 2 --save " + session, err);
  REQUIRE(two.status == 0);
  const Run again = run_latentlab("anomaly --load " + session + " --holdout-label 1 --epochs 0 --json", err);
  REQUIRE(again.status == 0);
  CHECK(json_value(again.out, "auc") == json_value(two.out, "auc"));
  CHECK(auc_by_score(again.out) == auc_by_score(two.out));
  // Resumed for one more epoch: the three-epoch run's model, every score's AUC alike, and not the two-epoch one's.
  const Run three = run_latentlab(run + " --epochs 3", err);
  const Run resumed = run_latentlab("anomaly --load " + session + " --holdout-label 1 --epochs 1 --json", err);
  REQUIRE(three.status == 0);
  REQUIRE(resumed.status == 0);
  CHECK(!auc_by_score(three.out).empty());
  CHECK(auc_by_score(resumed.out) == auc_by_score(three.out));
  CHECK(auc_by_score(resumed.out) != auc_by_score(two.out));
  // The weights alone (.llnet) score the same too; a session on other data is refused, naming the file.
  REQUIRE(run_latentlab(run + " --epochs 2 --save " + net, err).status == 0);
  const Run weights = run_latentlab(run + " --load " + net + " --epochs 0", err);
  REQUIRE(weights.status == 0);
  CHECK(json_value(weights.out, "auc") == json_value(two.out, "auc"));
  const Run other = run_latentlab("anomaly --data digits --count 1400 --load " + session + " --holdout-label 1 --epochs 0", err);
  CHECK(other.status == 2);
  CHECK(other.err.find(session + "': was trained on data of hash") != std::string::npos);
  for (const std::string& f : {err, session, net}) std::remove(f.c_str());
}

TEST_CASE("mnist: a VAE trained without the 0s detects the held-out 0s, AUC above 0.9") {
  const std::string images = std::string(LATENTLAB_SHARED_DIR) + "/data/mnist/t10k-images-idx3-ubyte.gz";
  if (!fs::exists(images)) {
    MESSAGE("skipped: " << images << " not found");
    return;
  }
  // The pytorch/examples recipe (VAE 784-400-20, Adam 1e-3, batch 128), first 8000 train.
  const std::string epochs = quick_run() ? "1" : "10";  // test_quick.h
  const Run r = run_latentlab("anomaly --data " + images + " --train 8000 --holdout-label 0 --epochs " + epochs + " --json",
                              "test_anomaly.stderr");
  std::remove("test_anomaly.stderr");
  REQUIRE(r.status == 0);
  MESSAGE(r.out.substr(0, 400));
  CHECK(json_value(r.out, "auc") >= 0);
  CHECK(json_value(r.out, "auc") <= 1);
  CLAIM(json_value(r.out, "auc") > 0.9);
  CHECK(json_value(r.out, "test_positives") > 100);
  CHECK(r.out.find("\"roc_fpr\":[0,") != std::string::npos);
}
