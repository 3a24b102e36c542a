// `latentlab train` run as a user runs it (popen on the real executable): the divergence guard
// reports every rollback on stderr, counts them in the --json line, stops with a non-zero status
// when halving does not help, and never saves a non-finite network. Small models on the built-in
// digits keep each run well under a second.
#include <doctest/doctest.h>

#include "test_files.h"
#include "test_quick.h"

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "io/errors.h"
#include "models/model.h"

namespace {

Run run_train(const std::string& flags) {
  const std::string err_path = "test_cli_train.stderr";
  Run r = run_latentlab("train --data digits --hidden 64 --latent 4 " + flags, err_path);
  std::remove(err_path.c_str());
  return r;
}

int count(const std::string& text, const std::string& needle) {
  int k = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++k;
  return k;
}

// The number after "key": in a one-line JSON object; -1 if absent.
double json_number(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::stod(json.substr(at + key.size() + 3));
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

TEST_CASE("train: no divergence, no events") {
  const Run r = run_train("--epochs 1 --json");
  CHECK(r.status == 0);
  CHECK(json_number(r.out, "divergence_events") == 0);
  CHECK(count(r.err, "divergence") == 0);
}

TEST_CASE("train: lr = 1e3 with Adam rolls back, halves, reports each event, saves a finite network") {
  const std::string path = "test_cli_train_adam.llnet";
  std::remove(path.c_str());
  const Run r = run_train("--epochs 1 --optimizer adam --lr 1e3 --json --save " + path);
  MESSAGE("stderr:\n" << r.err);
  REQUIRE(r.status == 0);
  const int events = count(r.err, "train: divergence: vae: non-finite");
  CHECK(events >= 1);
  CHECK(count(r.err, "rolled back to step") == events);
  CHECK(count(r.err, "learning rate halved to 500") == 1);  // the first rollback halves 1e3
  CHECK(json_number(r.out, "divergence_events") == events);
  // The --json line still holds the fields; the final learning rate shows the halvings.
  for (const char* key : {"\"model\"", "\"latent\"", "\"epochs\"", "\"train_loss\"", "\"test_loss\"",
                          "\"test_recon\"", "\"test_kl\"", "\"samples_per_sec\"", "\"seconds\"", "\"learning_rate\""})
    CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  CHECK(json_number(r.out, "learning_rate") == doctest::Approx(1e3 / std::pow(2.0, events)));

  REQUIRE(file_exists(path));
  const Network net = network_load(path);
  CHECK(net.all_finite());
  CHECK(net.parameter_count() > 0);
  std::remove(path.c_str());
}

TEST_CASE("train: lr = 1e3 with SGD gives up after 5 rollbacks in a row: exit 1, nothing saved") {
  const std::string path = "test_cli_train_sgd.llnet";
  std::remove(path.c_str());
  const Run r = run_train("--epochs 3 --optimizer sgd --lr 1e3 --json --save " + path);
  MESSAGE("stderr:\n" << r.err);
  CHECK(r.status == 1);
  CHECK(count(r.err, "learning rate halved to") == 5);
  CHECK(count(r.err, "learning rate halved to 500") == 1);
  CHECK(count(r.err, "learning rate halved to 31.2") == 1);
  CHECK(count(r.err, "stopped after 5 rollbacks in a row (learning rate 31.2)") == 1);
  CHECK(count(r.err, "try a lower --lr") == 1);
  CHECK(count(r.err, "nothing saved") == 1);
  CHECK(r.out.find('{') == std::string::npos);  // no summary for a run that did not finish
  CHECK_FALSE(file_exists(path));
}

TEST_CASE("train: lr 0.1 collapses the app's AE: one warning on stderr (core/train/collapse.h), and the run goes on") {
  // The app's default shape and seed: at 0.1 every code is the same point within the first epoch.
  // The quick form (test_quick.h): a quarter of the digits; the AE still collapses in its first epoch.
  const std::string shape = "train --data digits --model ae --hidden 256 --latent 2 --epochs 2 --seed 1 " +
                            std::string(quick_run() ? "--count 3000 " : "");
  const std::string err_path = "test_cli_train_collapse.stderr";
  const Run collapsed = run_latentlab(shape + "--lr 0.1", err_path);
  MESSAGE("stderr:\n" << collapsed.err);
  CHECK(collapsed.status == 0);
  CHECK(count(collapsed.err, "train: warning: ae: training has collapsed: the codes' spread fell from") == 1);
  CHECK(count(collapsed.out + collapsed.err, "epoch 2/2") == 1);  // warned in epoch 1, trained on
  const Run healthy = run_latentlab(shape + "--lr 1e-3", err_path);
  CHECK(healthy.status == 0);
  CHECK(count(healthy.err, "collapsed") == 0);
  std::remove(err_path.c_str());
}

TEST_CASE("train: a VAE at lr 0.1 that only trains badly is one warning: no better than the average image") {
  // Seed 2: the codes' spread never falls 100-fold and the loss creeps down, but after 200 steps it is
  // still above the loss of decoding every digit to the average one (core/train/collapse.h, rule 3).
  // The quick form (test_quick.h): a quarter of the digits, under rule 3's 200 steps: no claim.
  const std::string shape = "train --data digits --model vae --hidden 256 --latent 2 --epochs 3 --seed 2 " +
                            std::string(quick_run() ? "--count 3000 " : "");
  const std::string err_path = "test_cli_train_vae_collapse.stderr";
  const Run bad = run_latentlab(shape + "--lr 0.1", err_path);
  MESSAGE("stderr:\n" << bad.err);
  CHECK(bad.status == 0);
  CLAIM(count(bad.err, "train: warning: vae: training has collapsed: after ") == 1);
  CLAIM(count(bad.err, "is no better than the ") == 1);
  CHECK(count(bad.err, "spread fell") == 0);
  CHECK(count(bad.out + bad.err, "epoch 3/3") == 1);
  // The same VAE at the command line's and the app's default rates: silent.
  for (const char* lr : {"1e-3", "3e-3"}) {
    CAPTURE(lr);
    const Run healthy = run_latentlab(shape + "--lr " + lr, err_path);
    CHECK(healthy.status == 0);
    CHECK(count(healthy.err, "collapsed") == 0);
  }
  std::remove(err_path.c_str());
}

TEST_CASE("train --json: KL per dimension for a variational kind, MIG on data with true factors") {
  const std::string err_path = "test_cli_train.stderr";
  const Run vae = run_latentlab("train --data sprites --count 1500 --train 1000 --hidden 64 --latent 3 --epochs 1 --json",
                                err_path);
  const Run ae = run_latentlab("train --data sprites --count 1500 --train 1000 --model ae --hidden 64 --latent 3 --epochs 1 --json",
                               err_path);
  const Run digits = run_latentlab("train --data digits --count 1500 --train 1000 --model ae --hidden 64 --latent 3 --epochs 1 --json",
                                   err_path);
  std::remove(err_path.c_str());
  REQUIRE(vae.status == 0);
  REQUIRE(ae.status == 0);
  REQUIRE(digits.status == 0);
  // The VAE: three KLs that add up to test_kl, the active units among them, and the MIG.
  const size_t list = vae.out.find("\"kl_per_dim\":[");
  REQUIRE(list != std::string::npos);
  double sum = 0;
  int n = 0, above = 0;
  for (size_t at = list + 14; n < 4; ++n) {
    const double k = std::stod(vae.out.substr(at));
    sum += k;
    above += k > 0.01;
    at = vae.out.find_first_of(",]", at);
    if (vae.out[at] == ']') {
      ++n;
      break;
    }
    ++at;
  }
  CHECK(n == 3);
  CHECK(sum == doctest::Approx(json_number(vae.out, "test_kl")).epsilon(1e-3));
  CHECK(json_number(vae.out, "active_units") == above);
  CHECK(count(vae.out, "\"collapsed\":") == 1);
  const double mig = json_number(vae.out, "mig");
  CHECK(mig >= 0);
  CHECK(mig <= 1);
  // The plain AE has no KL but a MIG; digits carry no factors.
  CHECK(count(ae.out, "kl_per_dim") == 0);
  CHECK(json_number(ae.out, "mig") >= 0);
  CHECK(count(digits.out, "\"mig\"") == 0);
}

TEST_CASE("train --json: every kind reports the kinds' figures; --eval-noise changes only psnr_noisy") {
  for (const ModelKindInfo& k : model_kinds()) {
    CAPTURE(k.choice.name);
    const Run r = run_train("--count 600 --train 500 --epochs 1 --json --model " + std::string(k.choice.name));
    REQUIRE(r.status == 0);
    CHECK(json_number(r.out, "mean_activation") > 0);
    CHECK(json_number(r.out, "active_fraction") > 0);
    CHECK(json_number(r.out, "active_fraction") <= 1);
    CHECK(json_number(r.out, "psnr_noisy") > 3);
    CHECK(json_number(r.out, "jacobian_norm") > 0);
    CHECK(json_number(r.out, "noise_recon_error") > 0);
  }
  // No noise at all against masking 0.9: the same model, a cleaner input, a higher PSNR. (A latent of
  // 4 removes most of masking 0.3 by itself: the default's gap is a fraction of a dB here.)
  const Run mask = run_train("--epochs 1 --json --model ae --eval-noise mask --eval-noise-level 0.9");
  const Run clean = run_train("--epochs 1 --json --model ae --eval-noise gaussian --eval-noise-level 0");
  CHECK(json_number(clean.out, "psnr_noisy") > json_number(mask.out, "psnr_noisy") + 1);
  CHECK(json_number(clean.out, "jacobian_norm") == json_number(mask.out, "jacobian_norm"));
  const Run bad = run_train("--epochs 1 --json --model ae --eval-noise mask --eval-noise-level 2");
  CHECK(bad.status == 2);
}

TEST_CASE("train --early-stop: stops after N epochs without a better held-out loss and keeps the best") {
  // 100 training digits and a wide model overfit within a few dozen epochs (test_kind_figures checks
  // the curve itself); here: the flag's plumbing and its JSON keys.
  const Run r = run_latentlab("train --data digits --count 400 --train 100 --model ae --hidden 1024 --latent 64 "
                              "--batch 25 --lr 3e-3 --epochs 60 --early-stop 4 --dropout 0.1 --json",
                              "test_cli_train_early.stderr");
  std::remove("test_cli_train_early.stderr");
  REQUIRE(r.status == 0);
  const double best = json_number(r.out, "best_epoch"), run = json_number(r.out, "epochs_run");
  CHECK(best >= 1);
  CHECK(run == best + 4);
  CHECK(run < 60);
  CHECK(json_number(r.out, "best_test_loss") < json_number(r.out, "last_test_loss"));
  CHECK(json_number(r.out, "test_loss") == doctest::Approx(json_number(r.out, "best_test_loss")).epsilon(1e-3));
  CHECK(count(r.out + r.err, "kept the weights of epoch") == 1);
  const Run contractive = run_train("--epochs 1 --model contractive --dropout 0.2");
  CHECK(contractive.status == 2);
}
