// A training session: everything needed to carry a run on exactly, in one file (.llsession,
// docs/session_format.md). Every model's layer list and weights, its optimizer settings, Adam's
// moments and step, its three RNG streams, its divergence guard and collapse watch, its loss history;
// the batch order (the shuffler's state, this epoch's order and the position in it), step and epoch;
// the early-stop record (best held-out epoch, its weights, patience); the dataset spec and a hash of
// the loaded data; the trainer's events and the GUI's view state.
// A run saved after N steps and resumed takes the same steps, bit for bit, as one never interrupted.
//
//   Session s = ...;                          // filled by `latentlab train` (app/cli/cli_train.cpp)
//   session_save(s, "run.llsession", &error); // atomic (io/file_write.h); false + error, old file kept
//   Session back = session_load("run.llsession");  // InputError naming the file: truncated, damaged, ...
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"
#include "train/collapse.h"
#include "train/divergence.h"
#include "train/early_stopping.h"
#include "train/trainer.h"

struct SessionModel {
  Network network;
  OptimizerConfig optimizer;  // lr as it is now (the divergence guard may have halved it)
  ModelTrainingState state;
  DivergenceGuard guard;      // its known-good copy, streak and count (the policy is the caller's)
  CollapseWatch collapse;     // its peak spread and loss record (the policy is the caller's)
  ModelHistory history;       // training loss per step (or thinned), held-out loss per epoch
  EarlyStopping early;        // its patience, best held-out epoch (step, loss, weights) and where patience counts from
  // The GUI trainer's running mean between two history points (trainer.cpp "record"); the CLI's are 1, 0, 0.
  int record_every = 1;
  int loss_count = 0;
  LossParts loss_sum;
};

struct Session {
  std::vector<SessionModel> models;
  // The batch order (trainer.h epoch_order): the shuffler's state, this epoch's order, the next position.
  uint64_t order_rng = 0;
  std::vector<int> order;
  int cursor = 0;          // samples of this epoch already used; 0 = the next epoch's order is not drawn yet
  int64_t step = 0;        // optimizer steps taken
  int epoch = 0;           // epochs completed
  int batch = 128;
  bool early_stopped = false;  // training stopped early: every model holds its best epoch's weights;
                               // going on counts patience afresh (early_stopping_resume)
  double epoch_loss_sum = 0;  // the current epoch's training loss so far (sum over kept samples) and
  int64_t epoch_kept = 0;     // the samples it counts, so the epoch's line comes out as uninterrupted
  DataSpec data;
  uint64_t data_hash = 0;  // session_data_hash of the data trained on
  std::vector<TrainerEvent> events;
  std::vector<std::pair<std::string, std::string>> view;  // the GUI's view state, key = value; opaque here
};

// A 64-bit FNV-1a hash of what training reads: geometry, split, every value and label.
uint64_t session_data_hash(const Dataset& d);

std::vector<uint8_t> session_serialize(const Session& s);
// Refuses a non-finite network (weights, moments or the guard's copy) with *error, writes nothing.
bool session_save(const Session& s, const std::string& path, std::string* error);
// Throws InputError naming the file: not a session, another version, a checksum mismatch (a flipped
// bit, truncation, appended bytes), sizes over the budgets, a network that fails network_parse.
Session session_parse(const uint8_t* bytes, size_t n, const std::string& name);
Session session_load(const std::string& path);

// Does the path end in ".llsession" (any case)?
bool is_session_path(const std::string& path);

// The loss history as CSV, one row per point, every number with 17 significant digits (exact):
//   model,set,step,epoch,total,recon,penalty      (set: train | test)
std::string loss_history_csv(const std::vector<ModelHistory>& histories, const std::vector<std::string>& model_names);
