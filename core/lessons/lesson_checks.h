// Each guided lesson's claim, measured (issue 20): one table from a lesson's name to its set-up (data,
// models, training, fixed seeds) and the figures that show its phenomenon, each against a threshold
// in a stated direction. `latentlab lesson NAME --check` runs one row, tests/test_lesson_checks.cpp
// every row; a lesson whose claim does not show at its settings is not shipped (the check exits 1).
//
//   const LessonCheck* row = lesson_check_find("holes");
//   LessonResult r = lesson_check_run(*row, LessonCheckOptions{});   // trains, measures
//   r.shows; r.figures[i] against row->claims[i]; lesson_result_line(*row, r)
//
// The lessons' texts and GUI set-ups live in core/lessons/lessons.h (another file): this table keeps
// only the names, and every measure comes from core/measure/, called, never copied.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

enum class ClaimDirection { Above, Below };

// One figure of a lesson against its threshold: the claim holds when the figure lies beyond the
// threshold in `direction`. The threshold keeps a margin from where the figure lands at the row's
// settings, and sits where the phenomenon would be absent, so the check can fail.
struct LessonClaim {
  const char* key;   // JSON key: "knn_accuracy"
  const char* what;  // what it measures, one phrase: "5-NN accuracy of the held-out 2-D codes"
  ClaimDirection direction;
  double threshold;
};

// One model of a lesson's set-up. `without_label` >= 0 trains it without the samples of that label
// (the anomaly lesson's held-out digit).
struct LessonModel {
  const char* role;  // how the line names it: "AE", "VAE", "beta 4"
  ModelConfig config;  // input_size is taken from the data
  int without_label = -1;
};

// Training that goes on after `epochs` with beta changed, as the GUI's live slider does: every model
// trains `epochs` more at `beta`, and its network then is measured as one more model (after the
// row's own models, one per model and phase, in order).
struct LessonPhase {
  int epochs;
  float beta;
};

struct LessonSetup {
  DataSpec data;       // a built-in set, with its count and split
  std::vector<LessonModel> models;
  int batch = 128;
  int epochs = 10;
  float lr = 1e-3f;
  std::vector<LessonPhase> then;
};

struct LessonResult;
struct LessonRun;  // the trained models and their data, what a measure reads (lesson_checks.cpp)

struct LessonCheck {
  const char* name;      // the lesson's name, shared with core/lessons/lessons.h
  const char* phenomenon;  // the claim in one sentence
  LessonSetup setup;
  std::vector<LessonClaim> claims;
  // Fills result.figures (one per claim, in order) and result.details from the trained models.
  void (*measure)(const LessonRun& run, LessonResult& result);
  const char* note;      // where the claim holds and where not, or a TODO; "" when there is nothing to say
};

// Every lesson's check, in the lessons' order.
const std::vector<LessonCheck>& lesson_checks();
const LessonCheck* lesson_check_find(const std::string& name);  // nullptr if no such lesson
std::string lesson_check_names(const char* separator = ", ");   // for --list and error messages

struct LessonCheckOptions {
  uint64_t seed = 0;  // 0: the table's seeds; otherwise every model's seed (and the data's) replaced
  int epochs = -1;    // -1: the table's; 0 leaves the models untrained (the tests' "can it fail" case)
  // To explore other set-ups (the GUI's): every model's hidden widths and code size replaced.
  bool replace_hidden = false;
  std::vector<int> hidden;
  int latent = 0;     // 0: the table's
  float lr = 0;       // 0: the table's (the lessons' baseline sets it in the app, whose own default is 3e-3)
  // A saved session (.llsession, e.g. a lesson's bundled one) whose models and data replace the row's
  // training: the check measures them as they are. Its models must be the row's kinds, in order.
  std::string session;
};

struct LessonResult {
  std::vector<double> figures;  // one per claim
  std::vector<bool> holds;      // one per claim
  bool shows = false;           // every claim holds
  std::vector<std::pair<std::string, double>> details;  // further figures, for the reader
  double cpu_seconds = 0;       // this process's CPU time for the whole check
};

// Loads the data, trains the models (each on its own training samples, in the same shuffled order
// from the first model's seed: compare mode's batches) or takes them from options.session, runs the
// row's measure, and decides. A session that does not fit the row is an InputError naming the file.
LessonResult lesson_check_run(const LessonCheck& check, const LessonCheckOptions& options);
// Whether a figure holds against its claim (NaN never does).
bool lesson_claim_holds(const LessonClaim& claim, double figure);
// The set-up as command-line flags and words: "digits 3000 (2500 train); AE: ae --hidden 256 --latent 2
// ...; batch 64, 8 epochs, lr 0.001". What /work/LESSON_SETTINGS.md and the README write down.
std::string lesson_settings_text(const LessonCheck& check, const LessonCheckOptions& options = {});
// One line a person reads: "holes: shows: AE/VAE prior-sample distance 1.63 (claim > 1.20) ...".
std::string lesson_result_line(const LessonCheck& check, const LessonResult& result);
