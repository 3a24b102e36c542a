// Every guided lesson's claim, measured (core/lessons/lesson_checks.h): each row of the table trains
// its set-up with its fixed seeds and its phenomenon must show against its thresholds. A check must
// be able to fail: the same checks with untrained models do not show, and the claim rule is tested
// by hand. The CLI: --list, the exit statuses, --json.
#include <cmath>
#include <cstdio>
#include <string>

#include "lessons/lesson_checks.h"
#include "test_files.h"

TEST_CASE("the claim rule: a direction and a threshold, NaN never holds") {
  const LessonClaim above{"k", "what", ClaimDirection::Above, 0.5}, below{"k", "what", ClaimDirection::Below, 0.5};
  CHECK(lesson_claim_holds(above, 0.6));
  CHECK_FALSE(lesson_claim_holds(above, 0.5));
  CHECK_FALSE(lesson_claim_holds(above, 0.4));
  CHECK(lesson_claim_holds(below, 0.4));
  CHECK_FALSE(lesson_claim_holds(below, 0.5));
  CHECK_FALSE(lesson_claim_holds(above, NAN));
  CHECK_FALSE(lesson_claim_holds(below, NAN));
}

TEST_CASE("the table: eleven lessons, unique names, each with claims, a measure and models") {
  CHECK(lesson_checks().size() == 11);
  for (const LessonCheck& c : lesson_checks()) {
    CAPTURE(c.name);
    CHECK(lesson_check_find(c.name) == &c);
    CHECK(!c.claims.empty());
    CHECK(bool(c.measure));
    CHECK(!c.setup.models.empty());
  }
  CHECK(lesson_check_find("no such lesson") == nullptr);
}

TEST_CASE("every lesson's phenomenon shows at its settings (fixed seeds)") {
  for (const LessonCheck& c : lesson_checks()) {
    CAPTURE(c.name);
    const LessonResult r = lesson_check_run(c, LessonCheckOptions{});
    std::printf("%s  [%.1f s CPU]\n", lesson_result_line(c, r).c_str(), r.cpu_seconds);
    std::fflush(stdout);
    REQUIRE(r.figures.size() == c.claims.size());
    for (size_t i = 0; i < c.claims.size(); ++i) {
      CAPTURE(c.claims[i].key);
      CHECK(r.holds[i]);
    }
    CHECK(r.shows);
  }
}

// The bundled sessions whose models stand in for their row's (the same kinds in the same order):
// measured as the app opens them, the lesson's claim shows. The disentangle lesson's two single-model
// sessions are measured in tests/test_gui_lessons.sh (the app's Factors row), the anomaly one's hold-out
// is the GUI's.
TEST_CASE("the bundled sessions show their lesson's claim: holes, arithmetic") {
  const std::pair<const char*, const char*> bundled[] = {{"holes", "digits_ae_vae_28_8.llsession"},
                                                         {"arithmetic", "faces_ae_vae_28_8.llsession"}};
  for (const auto& b : bundled) {
    CAPTURE(b.first);
    LessonCheckOptions o;
    o.session = std::string(LATENTLAB_SOURCE_DIR) + "/assets/lessons/" + b.second;
    const LessonResult r = lesson_check_run(*lesson_check_find(b.first), o);
    std::printf("%s (--load %s)\n", lesson_result_line(*lesson_check_find(b.first), r).c_str(), b.second);
    CHECK(r.shows);
  }
}

TEST_CASE("a check can fail: with untrained models no phenomenon shows") {
  // Untrained, a 2-D code reconstructs worse than the average image, a beta-50 VAE has not yet
  // collapsed, a sparse code is not yet sparse, a denoising AE's output is noise, two models of
  // one seed differ only by their (unused) penalty, and so on: every claim sits on the side of its
  // threshold where the phenomenon is absent.
  LessonCheckOptions untrained;
  untrained.epochs = 0;
  for (const LessonCheck& c : lesson_checks()) {
    CAPTURE(c.name);
    const LessonResult r = lesson_check_run(c, untrained);
    std::printf("untrained: %s\n", lesson_result_line(c, r).c_str());
    CHECK_FALSE(r.shows);
  }
}

TEST_CASE("cli: --list names every lesson; bad usage is status 2; --check --json exits 0 when it shows") {
  const fs::path err = temp_dir("cli") / "stderr";
  const Run list = run_latentlab("lesson --list", err);
  CHECK(list.status == 0);
  for (const LessonCheck& c : lesson_checks()) CHECK(list.out.find(std::string(c.name) + ":") != std::string::npos);
  CHECK(run_latentlab("lesson", err).status == 2);
  const Run bad = run_latentlab("lesson no-such-lesson --check", err);
  CHECK(bad.status == 2);
  CHECK(bad.err.find("no-such-lesson") != std::string::npos);
  CHECK(run_latentlab("lesson holes --list", err).status == 2);
  CHECK(run_latentlab("lesson holes --seed 3", err).status == 2);
  CHECK(run_latentlab("lesson holes --check --seed 0", err).status == 2);
  const Run about = run_latentlab("lesson sparse", err);
  CHECK(about.status == 0);
  CHECK(about.out.find("--sparsity-weight") != std::string::npos);
  const Run check = run_latentlab("lesson autoencoder --check --json", err);
  CHECK(check.status == 0);
  CHECK(check.out.find("\"shows\":true") != std::string::npos);
  CHECK(check.out.find("\"knn_accuracy\"") != std::string::npos);
}

TEST_CASE("cli: --check --load measures a saved session's models; one that does not fit the row is status 2") {
  const fs::path dir = temp_dir("load");
  const fs::path err = dir / "stderr", session = dir / "ae.llsession";
  const Run train = run_latentlab("train --data digits --count 6000 --train 5000 --model ae --hidden 256 --latent 2 "
                                  "--batch 64 --epochs 10 --save " + session.string(), err);
  REQUIRE(train.status == 0);
  const Run ok = run_latentlab("lesson autoencoder --check --json --load " + session.string(), err);
  CHECK(ok.status == 0);
  CHECK(ok.out.find("\"shows\":true") != std::string::npos);
  const Run wrong = run_latentlab("lesson holes --check --load " + session.string(), err);
  CHECK(wrong.status == 2);
  CHECK(wrong.err.find("ae.llsession") != std::string::npos);
  CHECK(run_latentlab("lesson anomaly --check --load " + session.string(), err).status == 2);
  CHECK(run_latentlab("lesson autoencoder --check --seed 2 --load " + session.string(), err).status == 2);
  CHECK(run_latentlab("lesson autoencoder --check --load " + (dir / "missing.llsession").string(), err).status == 2);
}
