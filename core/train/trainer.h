// The trainer owns a background thread that trains N models side by side (twin mode: a plain
// AE and a VAE of the same shape, same data, same seed, same steps) and publishes immutable
// snapshots at a steady rate. The UI sends commands and reads snapshots; it never touches live
// parameters and never waits for a training step.
//
//   Trainer t(data, twin_configs(base), OptimizerConfig{}, TrainerOptions{});
//   t.start();
//   std::shared_ptr<const Snapshot> s = t.snapshot();   // cheap: a shared_ptr copy under a lock
//   network_decode(s->networks[1], z, image, ws);
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"
#include "train/epoch_batches.h"

struct TrainerOptions {
  int batch = 128;
  int threads = 1;                // compute threads for training (the GUI keeps a core free). The split
                                  // is by model (twin mode: 2 threads, one per model), never inside one:
                                  // Eigen is built with EIGEN_DONT_PARALLELIZE. Results do not depend on it.
  int publish_interval_ms = 100;  // snapshot rate while running
  int max_history_points = 2000;  // per model; train and held-out histories are thinned 2:1 past this
  // On a non-finite loss or weight the model rolls back to its last good state and the learning
  // rate is halved (see trainer.cpp for the policy); the event is reported in the snapshot.
  int checkpoint_every = 50;           // steps between known-good copies of every network
  int max_consecutive_rollbacks = 5;   // then the trainer pauses instead of halving again
  // The GUI sets this: the training threads run at the lowest CPU priority (nice 19, per thread on
  // Linux), so that on a machine with few cores the window's frames, the X server and the GL
  // driver are served first and training takes what they leave. Results do not depend on it.
  bool yield_to_ui = false;
};

struct LossPoint {
  int64_t step = 0;
  double epoch = 0;  // fractional epochs completed
  LossParts parts;
};

struct ModelHistory {
  std::vector<LossPoint> train;  // running training loss, a point every few steps
  std::vector<LossPoint> test;   // held-out loss after every epoch
};

struct TrainerEvent {
  int64_t step = 0;
  int model = -1;  // index into the model list; -1 = all
  std::string message;
};

struct Snapshot {
  uint64_t version = 0;  // increases with every publish
  uint64_t commands_applied = 0;  // commands carried out so far (Trainer::commands_sent counts those sent):
                                  // a snapshot with commands_applied >= n reflects the first n commands
  int64_t step = 0;      // optimizer steps taken (the same for every model)
  int epoch = 0;         // completed epochs
  double samples_per_sec = 0;  // per model, over the last publish interval
  bool running = false;
  std::vector<Network> networks;      // one per model: a copy of its weights, finite by construction
  std::vector<ModelHistory> history;  // one per model
  std::vector<TrainerEvent> events;   // divergence and other reports, oldest first
  std::vector<float> learning_rates;  // one per model (the divergence guard may have lowered them)
  std::vector<double> step_ms;        // one per model: the mean wall time of its training step over the
                                      // last publish interval that had steps (0 before the first): the
                                      // cost of its kind (the contractive penalty's Jacobian) on this machine
  std::vector<int64_t> best_step;     // one per model: the step after the epoch of its best held-out loss
                                      // so far (0 = none yet): early stopping's weights (train/early_stopping.h)
  int early_stop = 0;                 // the patience in epochs (set_early_stop); 0 = off
  bool early_stopped = false;         // training paused because no model improved for `early_stop` epochs,
                                      // and every model holds its best_step's weights
  std::vector<CriticReadout> critic;  // one per model: ACAI's critic on its last training step (alpha
                                      // and the critic's guess per mix); empty for the other kinds
  float learning_rate = 0;            // the rate last set (set_learning_rate or the constructor's), before
                                      // any halving: what learning_rates are compared with, from one snapshot
};

struct Session;  // train/session.h

class Trainer {
 public:
  // `weights` (one per model, or none): start from these networks (a loaded file) instead of the seeds;
  // each must have its model's architecture (InputError otherwise).
  Trainer(std::shared_ptr<const Dataset> data, std::vector<ModelConfig> models, OptimizerConfig optimizer,
          TrainerOptions options, std::vector<Network> weights = {});
  ~Trainer();  // stops and joins the thread (within 1 s even mid-epoch)
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Commands: all return at once; the training thread carries them out between steps.
  void start();       // begin or continue training
  void pause();
  void resume();
  void step(int n);   // take exactly n more steps, then pause (pauses first if running)
  void reset();       // re-initialise every model from its seed, clear history and events; a running
                      // trainer keeps running
  void stop();        // end the thread; the last snapshot stays readable; later commands are ignored
  // Settings, applied between steps once the core's one check (training_config_problem) passes
  // for every model; a bad value is reported in Snapshot::events and the old one kept.
  void set_learning_rate(float lr);
  void set_batch_size(int batch);
  // Any hyperparameter of the table (models/kinds.h), a choice as its row index. Every model gets
  // the value; only the kinds that have it read it.
  void set_hyperparameter(Hyperparam h, double value);
  // Early stopping (train/early_stopping.h): after `patience` epochs in which no model has bettered
  // its best held-out loss, training pauses and every model goes back to its best epoch's weights.
  // 0 = off (the best is still recorded: Snapshot::best_step). Reset and rebuild keep the setting.
  void set_early_stop(int patience);
  // New architectures, history cleared. input_size is taken from the data, and BCE becomes MSE
  // for data outside [0,1] (reported as an event). A config that fails keeps the old models.
  // `weights` as in the constructor.
  void rebuild(std::vector<ModelConfig> models, std::vector<Network> weights = {});
  void set_data(std::shared_ptr<const Dataset> data);      // new dataset; models rebuilt

  std::shared_ptr<const Snapshot> snapshot() const;  // newest published snapshot; never null
  uint64_t commands_sent() const;  // commands sent so far: wait for a snapshot whose commands_applied reaches it

  // Sessions (train/session.h). capture_session() asks the training thread for the whole state
  // between two steps; the result appears in captured_session() (null until then) with a larger
  // serial. The caller fills the data spec and the view. load_session() replaces the models and the
  // run's position with a session's (same data: the caller compares the hash); a running trainer
  // keeps running. A session that does not fit the data is reported as an event and the old models kept.
  void capture_session();
  std::shared_ptr<const Session> captured_session(uint64_t* serial = nullptr) const;
  // The same, blocking: returns once the training thread has carried out every command sent before
  // and captured the state (after the step in progress, and at an epoch's end its held-out loss:
  // bounded work, so there is no deadline). Null when the thread has stopped first or the capture
  // failed (an event says why). For the save on close, where nothing may be lost.
  std::shared_ptr<const Session> capture_session_wait();
  void load_session(std::shared_ptr<const Session> session);

 private:
  struct Impl;  // thread, command queue, models, snapshot slot (trainer.cpp)
  std::unique_ptr<Impl> impl_;
};

// Compare mode: the pair's two models with base's shape, activation, loss, seed and
// hyperparameters (a reshaped member: no hidden layer, a code of compare_shape_latent).
std::vector<ModelConfig> compare_configs(const ModelConfig& base, ComparePair pair);
// Twin mode, compare mode's default pair: a plain AE and a VAE.
std::vector<ModelConfig> twin_configs(const ModelConfig& base);
// `config` made to take `data`: its input size, a conv network's image geometry (zero for data
// that is not images, so that model_config_problem says so), and MSE instead of BCE
// for data outside [0,1] (then *note says so). The trainer, the CLI and the GUI's checks all use it.
ModelConfig fit_to_data(ModelConfig config, const Dataset& data, std::string* note = nullptr);
// Whether a model fitted to `data` may train at `batch` (clamped to the training set, as the trainer
// clamps it): training_config_problem, the budget included. "" if so. The Model panel's Rebuild and
// the trainer's rebuild both ask it, so that a refused size is refused the same way by each.
std::string fitted_training_problem(const ModelConfig& fitted, const Dataset& data, const OptimizerConfig& opt,
                                    int batch);

// The batch order is train/epoch_batches.h's, as in `latentlab train`: one Rng, seeded with
// shuffle_seed(models[0].seed), deals the training samples [0, n): epoch_order() shuffles them at
// the start of every epoch, each step takes the next `batch` of them, and the last step of an epoch
// takes what is left (every sample once per epoch, as PyTorch's DataLoader does).
// Held-out loss over samples [train_count, count), in chunks, averaged per sample: what the
// trainer records after every epoch. Zero parts when nothing is held out.
LossParts held_out_loss(Model& model, const Dataset& data);
