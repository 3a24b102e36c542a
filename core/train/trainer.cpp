// The trainer: one background thread owns every Model; the UI (or the CLI) fills a command queue
// and reads immutable snapshots. Nothing the training thread mutates is ever visible elsewhere.
//
// Index (grep for the banners):
//   [SECTION] Divergence policy
//   [SECTION] Free functions: twin configs, held-out loss (the batch order: train/epoch_batches.h)
//   [SECTION] Commands and per-model state
//   [SECTION] ComputeThread: a thread with a stack sized for Eigen's products
//   [SECTION] ModelPool: options.threads > 1 trains the models side by side
//   [SECTION] Impl: shared slots, and the state the training thread owns
//   [SECTION] Training thread: loop and commands
//   [SECTION] Training thread: steps, epochs, checkpoints, rollback
//   [SECTION] Publishing snapshots
//   [SECTION] Trainer: the public API (enqueue and return)
//
// Threads and locks. Two mutexes, never held together:
//   queue_mutex    guards `queue` (commands) and is what the idle thread sleeps on (queue_cv);
//   snapshot_mutex guards `published`, a shared_ptr<const Snapshot>: snapshot() copies it, the
//                  training thread swaps in a new one. Both critical sections are a few instructions.
// `stop_requested` is atomic so a long held-out evaluation can notice it between chunks.
// Everything else in Impl belongs to the training thread once it has started; with threads > 1 the
// ModelPool's helpers touch only their own models, between a start and a done under the pool's mutex.
#include "train/trainer.h"
#include "train/trainer_faults.h"
#include "train/thread_priority.h"
#include "train/session.h"

#include "train/collapse.h"
#include "train/early_stopping.h"
#include "train/divergence.h"
#include "io/errors.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <new>
#include <numeric>
#include <system_error>
#include <thread>
#include <utility>

#include <pthread.h>
#include <sys/resource.h>

//-----------------------------------------------------------------------------
// [SECTION] Divergence policy
//-----------------------------------------------------------------------------
// The policy is core/train/divergence.h's, shared with `latentlab train`: each model has a
// DivergenceGuard, and after every step (on the worker that took it) divergence_after_step checks
// the loss parts and every weight. A model found non-finite
//   1. is restored from its last known-good copy, taken every options.checkpoint_every steps of a
//      network that had just passed the check;
//   2. has its learning rate HALVED;
//   3. is reported in Snapshot::events: step, model, the step it went back to, the new learning
//      rate, and the offending sample when the batch itself holds a NaN or Inf.
// The shared step counter is not rewound: every model keeps taking the same steps on the same
// batches (twin mode stays fair); the rolled-back model just lost its progress since the copy.
// When one model rolls back options.max_consecutive_rollbacks times without a clean stretch of
// checkpoint_every steps in between, halving is not helping (bad data, a hopeless architecture):
// the guard rolls back once more and gives up, and the trainer PAUSES and says so.
// set_learning_rate, reset and rebuild clear the streak.
// A non-finite network is never published: networks are copied into a snapshot only after they
// passed the check, and publish() checks again, falling back to the known-good copy.

namespace {
using Clock = std::chrono::steady_clock;

constexpr int kHeldOutChunk = 256;  // columns per Model::evaluate call; stop is checked between chunks
constexpr size_t kMaxTrainerEvents = 256;  // oldest events are dropped beyond this

std::atomic<int> g_failing_builds{0};  // trainer_fail_next_builds
std::atomic<double> g_command_delay{0};  // trainer_delay_next_commands, seconds

bool take_build_failure() {
  int n = g_failing_builds.load();
  while (n > 0 && !g_failing_builds.compare_exchange_weak(n, n - 1)) {
  }
  return n > 0;
}

// What an event says of a failure: std::bad_alloc's own what() ("std::bad_alloc") tells a user
// nothing. Models and data within every size budget (models/model.h) can still be more than this
// machine's memory holds.
std::string failure_text(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "not enough memory on this machine";
  return e.what();
}

void add_parts(LossParts& sum, const LossParts& l, double weight) {
  sum.total += weight * l.total;
  sum.recon += weight * l.recon;
  sum.penalty += weight * l.penalty;
  sum.critic += weight * l.critic;
}

std::string format_lr(float lr) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(lr));
  return buf;
}

constexpr int kSpreadSamples = 512;  // codes measured for the collapse watch (core/train/collapse.h)

// The first kSpreadSamples held-out samples (training samples when nothing is held out): the ones
// the collapse watch measures epoch after epoch. Allocates.
static Mat watched_samples(const Dataset& data) {
  const bool held_out = data.test_count() > 0;
  const int n = std::min(kSpreadSamples, held_out ? data.test_count() : data.train_count);
  Mat x(data.features(), n);  // (features, n)
  data.copy_range(held_out ? data.train_count : 0, n, x);
  return x;
}

// Their codes' spread: what the collapse watch compares epoch after epoch. Called once per epoch.
double model_code_spread(const Model& model, const Dataset& data) {
  const Mat x = watched_samples(data);
  if (x.cols() < 2) return 0;
  Mat codes;
  InferenceWorkspace ws;
  return code_spread(model.network(), x, ws, codes);
}

// Held-out loss in chunks; returns false if `cancel` was raised before it finished.
bool held_out_loss_chunked(Model& model, const Dataset& data, const std::atomic<bool>* cancel,
                           LossParts* out) {
  *out = LossParts{};
  const int n = data.test_count();
  if (n <= 0) return true;
  Mat chunk(data.features(), std::min(n, kHeldOutChunk));  // (features, chunk)
  LossParts sum;
  for (int first = 0; first < n; first += kHeldOutChunk) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
    const int c = std::min(kHeldOutChunk, n - first);
    if (chunk.cols() != c) chunk.resize(data.features(), c);
    data.copy_range(data.train_count + first, c, chunk);
    add_parts(sum, model.evaluate(chunk), c);
  }
  add_parts(*out, sum, 1.0 / n);
  return true;
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Free functions: twin configs, batch order, held-out loss
//-----------------------------------------------------------------------------

std::vector<ModelConfig> compare_configs(const ModelConfig& base, ComparePair pair) {
  const ComparePairInfo& info = compare_pair_info(pair);
  std::vector<ModelConfig> out(2, base);
  for (size_t i = 0; i < 2; ++i) {
    out[i].kind = info.kinds[i];
    if (info.shapes[i] != CompareShape::Same) {
      out[i].hidden.clear();
      out[i].latent = compare_shape_latent(info.shapes[i], base.latent);
    }
  }
  return out;
}

std::vector<ModelConfig> twin_configs(const ModelConfig& base) { return compare_configs(base, ComparePair::AeVae); }

LossParts held_out_loss(Model& model, const Dataset& data) {
  LossParts out;
  held_out_loss_chunked(model, data, nullptr, &out);
  return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Commands and per-model state
//-----------------------------------------------------------------------------

namespace {
enum class CommandKind { Start, Pause, Resume, Step, Reset, LearningRate, BatchSize, Hyperparameter, Rebuild, SetData,
                         CaptureSession, LoadSession, EarlyStop };

struct Command {
  CommandKind kind = CommandKind::Pause;
  double value = 0;  // the new learning rate or hyperparameter
  Hyperparam hyperparam = Hyperparam::Beta;  // Hyperparameter: which
  int count = 0;     // Step: how many, BatchSize: the size
  std::vector<ModelConfig> models;     // Rebuild
  std::vector<Network> weights;        // Rebuild: start from these (empty = from the seeds)
  std::shared_ptr<const Dataset> data;  // SetData
  std::shared_ptr<const Session> session;  // LoadSession
};

struct ModelSlot {
  std::unique_ptr<Model> model;
  DivergenceGuard guard;        // its last known-good copy and rollback streak
  CollapseWatch collapse;       // the codes' spread and the held-out loss, epoch after epoch
  LossParts loss_sum;           // training losses since the last history point
  int loss_count = 0;
  int record_every = 1;         // steps per train history point; doubles every time history is thinned
  ModelHistory history;
  double step_seconds = 0;      // its train_step's wall time since the last publish, and how many steps
  int step_count = 0;
  double step_ms = 0;           // the mean of the last publish interval that had steps
  EarlyStopping early;          // its best held-out epoch, step and weights (patience: Impl::early_patience)
};

}  // namespace

ModelConfig fit_to_data(ModelConfig config, const Dataset& data, std::string* note) {
  config.input_size = data.features();
  // Every model knows its input's channels (drop-colour noise needs them); an MLP's config keeps no
  // other geometry.
  config.channels = data.is_image ? data.channels : 1;
  if (architecture_takes_images(config.arch)) {
    const bool images = data.is_image;
    config.height = images ? data.height : 0;
    config.width = images ? data.width : 0;
  }
  if (config.loss == OutputLoss::BCE && !data.in_unit_range) {
    config.loss = OutputLoss::MSE;
    if (note) *note = std::string(model_kind_name(config.kind)) + ": data not in [0,1], so MSE instead of BCE";
  }
  return config;
}

std::string fitted_training_problem(const ModelConfig& fitted, const Dataset& data, const OptimizerConfig& opt,
                                    int batch) {
  const int clamped = std::max(1, std::min(batch, data.train_count));
  return training_config_problem(fitted, opt, clamped, std::max(clamped, data.train_count));
}

//-----------------------------------------------------------------------------
// [SECTION] ComputeThread: a thread with a stack sized for Eigen's products
//-----------------------------------------------------------------------------
// A matrix product keeps its two GEMM packing buffers on the stack, each up to
// EIGEN_STACK_ALLOCATION_LIMIT bytes (raised in CMakeLists.txt so that a training step allocates
// nothing). std::thread cannot choose its stack, and the platform default is not a promise: glibc
// takes RLIMIT_STACK (8 MiB usually, but 2 MiB under `ulimit -s unlimited`), musl gives 128 KiB.
// So every thread that trains gets at least two such buffers plus 4 MiB for everything else.

namespace {
constexpr size_t kComputeStackBytes = 2 * size_t(EIGEN_STACK_ALLOCATION_LIMIT) + (size_t(4) << 20);

class ComputeThread {
 public:
  // Starts body() on a new thread; throws std::system_error if the thread cannot be created.
  explicit ComputeThread(std::function<void()> body) : body_(std::move(body)) {
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
      size_t stack = 0;  // the default, when not set
      rc = pthread_attr_getstacksize(&attr, &stack);
      if (rc == 0 && stack < kComputeStackBytes) rc = pthread_attr_setstacksize(&attr, kComputeStackBytes);
      if (rc == 0) rc = pthread_create(&id_, &attr, &ComputeThread::enter, this);
      pthread_attr_destroy(&attr);
    }
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "trainer: cannot start a thread");
  }
  ~ComputeThread() { pthread_join(id_, nullptr); }  // joins: body() must be about to return
  ComputeThread(const ComputeThread&) = delete;
  ComputeThread& operator=(const ComputeThread&) = delete;

 private:
  static void* enter(void* self) noexcept {  // an escaping exception ends the program, as with std::thread
    // The name tells the GUI's frame statistics (and top -H) which threads train.
    (void)pthread_setname_np(pthread_self(), "ll-train");
    static_cast<ComputeThread*>(self)->body_();
    return nullptr;
  }
  std::function<void()> body_;
  pthread_t id_{};
};
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] ModelPool: options.threads > 1 trains the models side by side
//-----------------------------------------------------------------------------
// Eigen is built with EIGEN_DONT_PARALLELIZE, so the only split is by model: with W workers,
// model i is always handled by worker i % W, and the training thread itself is worker 0. Each
// model's arithmetic is the same whatever W is, so results are bit-identical to threads = 1. One
// model uses one core however many threads are asked for. A worker steps its models and runs their
// divergence guards (each touches its own model only); the bookkeeping shared between models
// (history, events, pausing) stays on the training thread, after every worker is done.

namespace {
class ModelPool {
 public:
  explicit ModelPool(int workers) {
    for (int k = 1; k < workers; ++k) helpers_.push_back(std::make_unique<ComputeThread>([this, k] { helper(k); }));
  }
  ~ModelPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    start_cv_.notify_all();
    helpers_.clear();  // joins them
  }
  int workers() const { return static_cast<int>(helpers_.size()) + 1; }

  // Calls job(i) for every i in [0, n), model i on worker i % workers(); returns when all are done.
  // An exception from any job is rethrown here.
  void for_each_model(int n, const std::function<void(int)>& job) {
    if (helpers_.empty() || n <= 1) {
      for (int i = 0; i < n; ++i) job(i);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      n_ = n;
      outstanding_ = static_cast<int>(helpers_.size());
      error_ = nullptr;
      ++generation_;
    }
    start_cv_.notify_all();
    std::exception_ptr mine = run_share(0, job, n);
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [&] { return outstanding_ == 0; });
    job_ = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr run_share(int k, const std::function<void(int)>& job, int n) {
    try {
      for (int i = k; i < n; i += workers()) job(i);
    } catch (...) {
      return std::current_exception();
    }
    return nullptr;
  }

  void helper(int k) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* job;
      int n;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_cv_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        job = job_;
        n = n_;
      }
      std::exception_ptr e = run_share(k, *job, n);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (e && !error_) error_ = e;
        if (--outstanding_ == 0) done_cv_.notify_one();
      }
    }
  }

  std::vector<std::unique_ptr<ComputeThread>> helpers_;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int)>* job_ = nullptr;  // guarded by mutex_
  int n_ = 0;
  int outstanding_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::exception_ptr error_;
};
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Impl: shared slots, and the state the training thread owns
//-----------------------------------------------------------------------------

struct Trainer::Impl {
  // ---- shared with the calling threads -------------------------------------
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::vector<Command> queue;                   // guarded by queue_mutex
  std::atomic<bool> stop_requested{false};

  mutable std::mutex snapshot_mutex;
  std::shared_ptr<const Snapshot> published;    // guarded by snapshot_mutex; never null
  std::shared_ptr<const Session> captured;      // guarded by snapshot_mutex; the last capture_session()
  uint64_t captured_serial = 0;                 // guarded by snapshot_mutex
  uint64_t captured_command = 0;                // guarded by snapshot_mutex: the command number of that capture
  uint64_t commands_answered = 0;               // guarded by snapshot_mutex: commands carried out so far
  bool thread_ended = false;                    // guarded by snapshot_mutex
  std::condition_variable answered_cv;          // with snapshot_mutex: commands carried out, or the thread's end

  // ---- owned by the training thread (set up by the constructor before it starts) ----
  std::shared_ptr<const Dataset> data;
  std::vector<ModelConfig> configs;  // as trained: fitted to the data, hyperparameters applied
  OptimizerConfig optimizer;         // optimizer.lr is the user's learning rate (before any halving)
  TrainerOptions options;
  int early_patience = 0;            // set_early_stop; 0 = off
  bool early_stopped = false;        // paused by early stopping, the best weights restored
  std::vector<ModelSlot> slots;
  std::vector<TrainerEvent> events;

  Rng order_rng;
  std::vector<int> order;  // (train_count) this epoch's sample order
  int cursor = 0;          // next position in `order`
  int64_t step = 0;
  int epoch = 0;
  bool running = false;
  int pending_steps = 0;   // step(n) while paused
  Mat batch;               // (features, batch)

  uint64_t version = 0;
  uint64_t commands_sent = 0;     // under queue_mutex
  uint64_t commands_applied = 0;  // the training thread's
  Clock::time_point last_publish;
  int64_t samples_since_publish = 0;  // per model
  double train_seconds_since_publish = 0;
  double samples_per_sec = 0;
  bool snapshot_skipped = false;  // a publish's allocation failed; the next publish says so

  std::unique_ptr<ModelPool> pool;     // created on the training thread; helpers when threads > 1
  std::vector<LossParts> step_losses;  // (models) this step's losses, filled by the pool
  std::vector<DivergenceAction> step_actions;  // (models) the guard's verdict on this step

  std::unique_ptr<ComputeThread> thread;  // runs run(); joined by ~Trainer

  // Any thread
  uint64_t enqueue(Command c);  // returns its command number (1 = the first sent)

  // Training thread
  void run();
  bool apply(Command& c);  // true when the visible state changed
  bool wants_to_train() const { return (running || pending_steps > 0) && can_train(); }
  bool can_train() const { return !slots.empty() && data && data->train_count > 0; }
  int batch_size() const { return std::max(1, std::min(options.batch, data->train_count)); }
  // The core's one validation (training_config_problem) of what a live setter would make of the
  // models, the optimizer and the batch: "" when every model could train with them. Nothing is
  // applied until this passes; a refusal is reported as an event and the old values stay.
  std::string live_problem(const std::vector<ModelConfig>& models, const OptimizerConfig& opt, int batch) const;
  DivergencePolicy divergence_policy() const {
    return DivergencePolicy{options.checkpoint_every, options.max_consecutive_rollbacks};
  }
  std::vector<ModelSlot> build_slots(const std::vector<ModelConfig>& models, const Dataset& d,
                                     std::vector<ModelConfig>* fitted, const std::vector<Network>& weights = {});
  void restart(std::vector<ModelSlot> new_slots, std::vector<ModelConfig> fitted);
  void train_one_step();
  void end_epoch_if_done();
  void report_divergence(size_t i, DivergenceAction action);
  void record(ModelSlot& s, const LossParts& l, int b);  // b: the step's batch size
  void report(int model, std::string message);
  void publish();
  void capture();
  void load(const Session& s);
  void resume_after_early_stop();
};

//-----------------------------------------------------------------------------
// [SECTION] Training thread: loop and commands
//-----------------------------------------------------------------------------

void Trainer::Impl::run() {
  if (options.yield_to_ui) lower_this_thread_priority();
  pool = std::make_unique<ModelPool>(std::max(1, options.threads));
  for (;;) {
    std::vector<Command> commands;
    {
      std::unique_lock<std::mutex> lock(queue_mutex);
      // Idle: sleep until a command or stop arrives (no polling). Training: just drain the queue.
      if (!wants_to_train())
        queue_cv.wait(lock, [&] { return !queue.empty() || stop_requested.load(); });
      commands.swap(queue);
    }
    if (stop_requested.load()) break;
    if (!commands.empty() && g_command_delay.load(std::memory_order_relaxed) > 0) {
      const double delay = g_command_delay.exchange(0);
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    }

    // Every batch of commands is published, so that a caller waiting for commands_applied sees it.
    bool changed = !commands.empty();
    for (Command& c : commands) {
      try {
        changed |= apply(c);
      } catch (const std::exception& e) {  // e.g. out of memory building models; keep the thread alive
        report(-1, std::string("command failed: ") + failure_text(e));
        changed = true;
      }
      ++commands_applied;
    }
    if (!commands.empty()) {  // wakes capture_session_wait
      {
        std::lock_guard<std::mutex> lock(snapshot_mutex);
        commands_answered = commands_applied;
      }
      answered_cv.notify_all();
    }

    const bool was_training = wants_to_train();
    if (was_training) {
      Clock::time_point t0 = Clock::now();
      try {
        train_one_step();
      } catch (const std::exception& e) {
        report(-1, std::string("training paused: ") + failure_text(e));
        running = false;
        pending_steps = 0;
        changed = true;
      }
      train_seconds_since_publish += std::chrono::duration<double>(Clock::now() - t0).count();
      if (pending_steps > 0) --pending_steps;
      if (!wants_to_train()) changed = true;  // step(n) done, or the divergence guard paused
    }
    if (stop_requested.load()) break;

    const bool due = Clock::now() - last_publish >= std::chrono::milliseconds(options.publish_interval_ms);
    if (changed || (wants_to_train() && due)) {
      try {
        publish();
      } catch (const std::bad_alloc&) {  // the last snapshot stays; nothing allocated here (no memory)
        snapshot_skipped = true;
      }
    }
  }
  pool.reset();  // joins the helpers
  running = false;
  pending_steps = 0;
  publish();  // the last snapshot stays readable, with running = false
  {
    std::lock_guard<std::mutex> lock(snapshot_mutex);  // a capture_session_wait still waiting gets null
    thread_ended = true;
  }
  answered_cv.notify_all();
}

// Train or Step after an early stop: the restored best weights train on, and patience counts afresh
// from this epoch (else the next epoch's end would stop the run again at once).
void Trainer::Impl::resume_after_early_stop() {
  if (!early_stopped) return;
  for (ModelSlot& slot : slots) early_stopping_resume(slot.early, epoch);
  early_stopped = false;
}

bool Trainer::Impl::apply(Command& c) {
  switch (c.kind) {
    case CommandKind::Start:
    case CommandKind::Resume:
      running = true;
      resume_after_early_stop();
      pending_steps = 0;
      if (!can_train()) report(-1, "nothing to train on: the dataset has no training samples");
      return true;
    case CommandKind::Pause:
      running = false;
      pending_steps = 0;
      return true;
    case CommandKind::Step:
      running = false;
      resume_after_early_stop();
      pending_steps += std::max(0, c.count);
      return c.count <= 0;  // otherwise published when the steps are done
    case CommandKind::Reset: {
      std::vector<ModelConfig> fitted;
      std::vector<ModelSlot> new_slots = build_slots(configs, *data, &fitted);  // fills `fitted` first
      restart(std::move(new_slots), std::move(fitted));
      return true;
    }
    case CommandKind::LearningRate: {
      OptimizerConfig candidate = optimizer;
      candidate.lr = static_cast<float>(c.value);
      const std::string problem = live_problem(configs, candidate, batch_size());
      if (!problem.empty()) {
        report(-1, "learning rate refused, kept " + format_lr(optimizer.lr) + ": " + problem);
        return true;
      }
      optimizer.lr = candidate.lr;
      for (ModelSlot& s : slots) {
        s.model->optimizer().lr = candidate.lr;
        divergence_clear_streak(s.guard);
      }
      return true;
    }
    case CommandKind::EarlyStop:
      early_patience = std::max(0, c.count);
      return true;
    case CommandKind::BatchSize: {
      const std::string problem = live_problem(configs, optimizer, c.count);
      if (!problem.empty()) {
        report(-1, "batch size refused, kept " + std::to_string(options.batch) + ": " + problem);
        return true;
      }
      options.batch = c.count;
      return true;
    }
    case CommandKind::Hyperparameter: {
      // Every model gets the value; only the kinds that have it read it.
      std::vector<ModelConfig> candidate = configs;
      for (ModelConfig& cfg : candidate) hyperparam_set(cfg, c.hyperparam, c.value);
      const std::string problem = live_problem(candidate, optimizer, batch_size());
      if (!problem.empty()) {
        report(-1, std::string(hyperparam_info(c.hyperparam).key) + " refused, kept " +
                       hyperparam_format(c.hyperparam, hyperparam_get(configs.empty() ? ModelConfig{} : configs[0], c.hyperparam)) + ": " + problem);
        return true;
      }
      for (size_t i = 0; i < slots.size(); ++i) {
        configs[i] = candidate[i];
        hyperparam_set(slots[i].model->config(), c.hyperparam, c.value);
      }
      return true;
    }
    case CommandKind::CaptureSession:
      capture();
      return false;
    case CommandKind::LoadSession:
      load(*c.session);
      return true;
    case CommandKind::Rebuild:
    case CommandKind::SetData: {
      const Dataset& d = c.kind == CommandKind::SetData ? *c.data : *data;
      const std::vector<ModelConfig>& models = c.kind == CommandKind::Rebuild ? c.models : configs;
      if (models.empty()) {
        report(-1, "rebuild ignored: no models given");
        return true;
      }
      // The budget the command line and the live setters apply, before anything is allocated: a
      // deep network (--arch pool) with a critic can need more than it allows at a batch that
      // suits a small one.
      for (const ModelConfig& m : models) {
        const std::string problem = fitted_training_problem(fit_to_data(m, d), d, optimizer, options.batch);
        if (!problem.empty()) {
          report(-1, std::string(c.kind == CommandKind::Rebuild ? "rebuild" : "new dataset") +
                         " refused, kept the current models: " + problem);
          return true;
        }
      }
      std::vector<ModelConfig> fitted;
      std::vector<ModelSlot> new_slots;
      try {
        new_slots = build_slots(models, d, &fitted, c.weights);
      } catch (const std::exception& e) {
        report(-1, std::string(c.kind == CommandKind::Rebuild ? "rebuild" : "new dataset") +
                       " failed, kept the current models: " + failure_text(e));
        return true;
      }
      if (c.kind == CommandKind::SetData) data = std::move(c.data);
      restart(std::move(new_slots), std::move(fitted));
      if (!can_train()) report(-1, "nothing to train on: the dataset has no training samples");
      return true;
    }
  }
  return false;
}

std::string Trainer::Impl::live_problem(const std::vector<ModelConfig>& models, const OptimizerConfig& opt,
                                        int batch) const {
  // With no training samples nothing trains, so there is no batch to compare with the data;
  // the remaining checks still apply.
  const int train_count = data->train_count > 0 ? data->train_count : std::max(1, batch);
  for (const ModelConfig& m : models) {
    const std::string problem = training_config_problem(m, opt, batch, train_count);
    if (!problem.empty()) return problem;
  }
  return "";
}

// New models from `models` fitted to `d`, each with its learning rate and a first known-good copy.
std::vector<ModelSlot> Trainer::Impl::build_slots(const std::vector<ModelConfig>& models, const Dataset& d,
                                                  std::vector<ModelConfig>* fitted, const std::vector<Network>& weights) {
  if (!weights.empty() && weights.size() != models.size())
    throw InputError("trainer: " + std::to_string(weights.size()) + " networks given for " +
                     std::to_string(models.size()) + " models");
  std::vector<ModelSlot> out(models.size());
  fitted->clear();
  for (size_t i = 0; i < models.size(); ++i) {
    std::string note;
    fitted->push_back(fit_to_data(models[i], d, &note));
    if (!note.empty()) report(static_cast<int>(i), note);
    out[i].model = std::make_unique<Model>(fitted->back(), optimizer);
    if (take_build_failure()) throw std::bad_alloc();  // the test hook, once this model's memory is taken
    if (!weights.empty()) out[i].model->restore(weights[i]);  // throws on another architecture
    divergence_init(out[i].guard, out[i].model->network(), 0, divergence_policy());
    collapse_start(out[i].collapse, model_code_spread(*out[i].model, d),
                   average_image_loss(fitted->back().loss, watched_samples(d)));
  }
  return out;
}

// Step 0 with the given models: history and events cleared, batch order from the first model's
// seed. Running, paused and pending step(n) carry over: reset while running keeps running.
void Trainer::Impl::restart(std::vector<ModelSlot> new_slots, std::vector<ModelConfig> fitted) {
  slots = std::move(new_slots);
  configs = std::move(fitted);
  step = 0;
  epoch = 0;
  cursor = 0;
  events.clear();
  early_stopped = false;
  order_rng = Rng(shuffle_seed(configs.empty() ? 1 : configs[0].seed));
  epoch_order(order_rng, data ? data->train_count : 0, order);
  samples_since_publish = 0;
  train_seconds_since_publish = 0;
  samples_per_sec = 0;
}

//-----------------------------------------------------------------------------
// [SECTION] Training thread: steps, epochs, checkpoints, rollback
//-----------------------------------------------------------------------------

// One step for every model on the same batch, then the finiteness check, history, checkpoints.
void Trainer::Impl::train_one_step() {
  end_epoch_if_done();
  const int b = epoch_batch(cursor, batch_size(), data->train_count);  // the epoch's last step may be smaller
  if (batch.rows() != data->features() || batch.cols() != b) batch.resize(data->features(), b);
  data->gather(order.data() + cursor, b, batch);

  ++step;
  const int n_models = static_cast<int>(slots.size());
  step_losses.assign(n_models, LossParts{});
  step_actions.assign(n_models, DivergenceAction::None);
  pool->for_each_model(n_models, [&](int i) {  // touches model i, its guard and entry i only
    const Clock::time_point t0 = Clock::now();
    step_losses[i] = slots[i].model->train_step(batch);
    slots[i].step_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++slots[i].step_count;
    step_actions[i] = divergence_after_step(slots[i].guard, *slots[i].model, step_losses[i], step, batch);
  });
  for (size_t i = 0; i < slots.size(); ++i) {
    if (step_actions[i] == DivergenceAction::None)
      record(slots[i], step_losses[i], b);
    else
      report_divergence(i, step_actions[i]);
  }
  cursor += b;
  samples_since_publish += b;
  end_epoch_if_done();
}

// At the end of an epoch (every sample used: train/epoch_batches.h): the held-out loss for every
// model, then a fresh order.
void Trainer::Impl::end_epoch_if_done() {
  const int n = data->train_count;
  if (!epoch_ended(cursor, n)) return;
  ++epoch;
  const int n_models = static_cast<int>(slots.size());
  std::vector<LossParts> held_out(n_models);
  std::vector<char> completed(n_models, 0);
  std::vector<double> spread(n_models, 0);
  int out_of_patience = 0;  // models that have not bettered their best for early_patience epochs
  pool->for_each_model(n_models, [&](int i) {  // touches model i and entries i only
    completed[i] = held_out_loss_chunked(*slots[i].model, *data, &stop_requested, &held_out[i]);
    if (completed[i]) spread[i] = model_code_spread(*slots[i].model, *data);
  });
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!completed[i]) return;  // stopping
    // The collapse watch, on the held-out loss (the running training loss when nothing is held out).
    const std::vector<LossPoint>& train = slots[i].history.train;
    const double watched = data->test_count() > 0 ? held_out[i].total
                           : train.empty()        ? std::nan("")
                                                  : train.back().parts.total;
    if (collapse_check(slots[i].collapse, watched, spread[i], step) == CollapseSignal::Collapsed) {
      Model& m = *slots[i].model;
      report(static_cast<int>(i), collapse_message(slots[i].collapse.last, model_kind_name(m.config().kind),
                                                   m.optimizer().lr));
    }
    if (data->test_count() <= 0) continue;
    if (divergence_loss_finite(held_out[i])) {
      std::vector<LossPoint>& test = slots[i].history.test;
      test.push_back(LossPoint{step, static_cast<double>(epoch), held_out[i]});
      // A tiny dataset ends an epoch every few steps: past max_history_points, keep every other
      // epoch's point (and always the newest), so the history and each snapshot stay bounded.
      if (options.max_history_points > 1 && static_cast<int>(test.size()) > options.max_history_points) {
        size_t kept = 0;
        for (size_t r = 0; r + 1 < test.size(); r += 2) test[kept++] = test[r];
        test[kept++] = test.back();
        test.resize(kept);
      }
      ModelSlot& slot = slots[i];
      slot.early.patience = early_patience;
      if (early_stopping_after_epoch(slot.early, slot.model->network(), held_out[i].total, epoch, step)) ++out_of_patience;
    } else {
      report(static_cast<int>(i), std::string(model_kind_name(slots[i].model->config().kind)) +
                                      ": held-out loss is not finite (check the held-out data)");
    }
  }
  // Early stopping, when every model has run out of patience: pause, each on its best epoch's weights.
  if (early_patience > 0 && out_of_patience == n_models && n_models > 0) {
    std::string kept;
    for (ModelSlot& slot : slots) {
      slot.model->restore(slot.early.best);
      slot.guard.good = slot.early.best;
      slot.guard.good_step = slot.early.best_step;
      kept += (kept.empty() ? "" : ", ") + std::string(model_kind_name(slot.model->config().kind)) + " step " +
               std::to_string(slot.early.best_step) + " (epoch " + std::to_string(slot.early.best_epoch) + ")";
    }
    running = false;
    pending_steps = 0;
    early_stopped = true;
    report(-1, "early stopping: no better held-out loss for " + std::to_string(early_patience) +
                   " epochs; kept the best weights: " + kept);
  }
  epoch_order(order_rng, n, order);
  cursor = 0;
}

// The guard has rolled model i back (and halved its learning rate, or given up: then pause).
void Trainer::Impl::report_divergence(size_t i, DivergenceAction action) {
  const DivergenceEvent& e = slots[i].guard.last;
  if (action == DivergenceAction::GaveUp) {
    running = false;
    pending_steps = 0;
  }
  const int bad_sample = e.bad_column >= 0 ? order[cursor + e.bad_column] : -1;
  report(static_cast<int>(i),
         divergence_message(e, model_kind_name(slots[i].model->config().kind), "paused", bad_sample));
}

// The running training loss: one point per record_every steps; thinned 2:1 past max_history_points.
void Trainer::Impl::record(ModelSlot& s, const LossParts& l, int b) {
  add_parts(s.loss_sum, l, 1.0);
  ++s.loss_count;
  if (step % s.record_every != 0) return;
  LossPoint p;
  p.step = step;
  p.epoch = epoch + static_cast<double>(cursor + b) / data->train_count;
  add_parts(p.parts, s.loss_sum, 1.0 / s.loss_count);
  s.history.train.push_back(p);
  s.loss_sum = LossParts{};
  s.loss_count = 0;

  std::vector<LossPoint>& h = s.history.train;
  if (options.max_history_points > 1 && static_cast<int>(h.size()) > options.max_history_points) {
    size_t kept = 0;
    for (size_t k = 0; k + 1 < h.size(); k += 2) {  // each pair becomes its mean, at the later step
      LossPoint merged = h[k + 1];
      merged.parts = LossParts{};
      add_parts(merged.parts, h[k].parts, 0.5);
      add_parts(merged.parts, h[k + 1].parts, 0.5);
      h[kept++] = merged;
    }
    if (h.size() % 2 == 1) h[kept++] = h.back();
    h.resize(kept);
    s.record_every *= 2;
  }
}

void Trainer::Impl::report(int model, std::string message) {
  events.push_back(TrainerEvent{step, model, std::move(message)});
  if (events.size() > kMaxTrainerEvents) events.erase(events.begin(), events.begin() + (events.size() - kMaxTrainerEvents));
}

//-----------------------------------------------------------------------------
// [SECTION] Sessions: the whole state out, and back in
//-----------------------------------------------------------------------------

void Trainer::Impl::capture() {
  auto s = std::make_shared<Session>();
  for (const ModelSlot& slot : slots) {
    SessionModel m;
    m.network = slot.model->network().all_finite() ? slot.model->network() : slot.guard.good;
    m.optimizer = slot.model->optimizer();
    m.state = slot.model->training_state();
    m.guard = slot.guard;
    m.collapse = slot.collapse;
    m.history = slot.history;
    m.record_every = slot.record_every;
    m.loss_count = slot.loss_count;
    m.loss_sum = slot.loss_sum;
    m.early = slot.early;
    m.early.patience = early_patience;
    s->models.push_back(std::move(m));
  }
  s->early_stopped = early_stopped;
  s->order_rng = order_rng.state;
  s->order = order;
  s->cursor = cursor;
  s->step = step;
  s->epoch = epoch;
  s->batch = options.batch;
  s->data_hash = session_data_hash(*data);
  s->events = events;
  std::shared_ptr<const Session> out(std::move(s));
  std::lock_guard<std::mutex> lock(snapshot_mutex);
  captured = std::move(out);
  ++captured_serial;
  captured_command = commands_applied + 1;  // apply() counts the command once it returns
}

void Trainer::Impl::load(const Session& s) {
  std::vector<ModelConfig> models;
  std::vector<Network> weights;
  for (const SessionModel& m : s.models) {
    models.push_back(m.network.config);
    weights.push_back(m.network);
  }
  std::vector<ModelConfig> fitted;
  std::vector<ModelSlot> new_slots;
  try {
    new_slots = build_slots(models, *data, &fitted, weights);
    for (size_t i = 0; i < new_slots.size(); ++i) {
      const SessionModel& m = s.models[i];
      ModelSlot& slot = new_slots[i];
      slot.model->resume(m.network, m.optimizer, m.state);
      const DivergencePolicy policy = slot.guard.policy;
      slot.guard = m.guard;
      slot.guard.policy = policy;
      const CollapsePolicy watch = slot.collapse.policy;
      slot.collapse = m.collapse;
      slot.collapse.policy = watch;
      slot.history = m.history;
      slot.record_every = m.record_every;
      slot.loss_count = m.loss_count;
      slot.loss_sum = m.loss_sum;
      slot.early = m.early;
    }
  } catch (const std::exception& e) {
    report(-1, std::string("session not loaded, kept the current models: ") + failure_text(e));
    return;
  }
  restart(std::move(new_slots), std::move(fitted));
  optimizer = s.models[0].optimizer;  // the rate shown; each model keeps its own (possibly halved) one
  options.batch = std::max(1, s.batch);
  step = s.step;
  epoch = s.epoch;
  events = s.events;
  early_patience = s.models[0].early.patience;
  early_stopped = s.early_stopped;  // after restart(), which clears it
  order_rng.state = s.order_rng;
  if (s.order.size() == static_cast<size_t>(data->train_count)) {
    order = s.order;
    cursor = s.cursor;
  } else {  // other data: a fresh epoch (the caller has said so)
    epoch_order(order_rng, data->train_count, order);
    cursor = 0;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Publishing snapshots
//-----------------------------------------------------------------------------

void Trainer::Impl::publish() {
  if (snapshot_skipped) {
    report(-1, "a snapshot was skipped: not enough memory on this machine");
    snapshot_skipped = false;
  }
  const Clock::time_point now = Clock::now();
  if (samples_since_publish > 0 && train_seconds_since_publish > 0)
    samples_per_sec = samples_since_publish / train_seconds_since_publish;
  samples_since_publish = 0;
  train_seconds_since_publish = 0;
  last_publish = now;

  auto s = std::make_shared<Snapshot>();
  s->version = ++version;
  s->commands_applied = commands_applied;
  s->step = step;
  s->epoch = epoch;
  s->samples_per_sec = samples_per_sec;
  s->running = running || pending_steps > 0;
  s->networks.reserve(slots.size());
  s->history.reserve(slots.size());
  s->learning_rates.reserve(slots.size());
  s->learning_rate = optimizer.lr;
  s->early_stop = early_patience;
  s->early_stopped = early_stopped;
  for (ModelSlot& slot : slots) {
    s->best_step.push_back(slot.early.best_step);
    if (slot.step_count > 0) slot.step_ms = 1e3 * slot.step_seconds / slot.step_count;
    slot.step_seconds = 0;
    slot.step_count = 0;
    s->step_ms.push_back(slot.step_ms);
    const Network& live = slot.model->network();
    s->networks.push_back(live.all_finite() ? live : slot.guard.good);  // checked every step; belt and braces
    s->history.push_back(slot.history);
    s->learning_rates.push_back(slot.model->optimizer().lr);
    s->critic.push_back(slot.model->critic_readout());  // empty unless the kind has a critic (ACAI)
  }
  s->events = events;

  std::shared_ptr<const Snapshot> old(std::move(s));
  {
    std::lock_guard<std::mutex> lock(snapshot_mutex);
    published.swap(old);
  }
  // `old` (the previous snapshot) is released here, outside the lock, unless a reader still holds it.
}

//-----------------------------------------------------------------------------
// [SECTION] Trainer: the public API (enqueue and return)
//-----------------------------------------------------------------------------

void trainer_fail_next_builds(int count) { g_failing_builds.store(std::max(0, count)); }
void trainer_delay_next_commands(double seconds) { g_command_delay.store(std::max(0.0, seconds)); }

Trainer::Trainer(std::shared_ptr<const Dataset> data, std::vector<ModelConfig> models, OptimizerConfig optimizer,
                 TrainerOptions options, std::vector<Network> weights)
    : impl_(std::make_unique<Impl>()) {
  if (!data) throw InputError("trainer: no dataset");
  if (models.empty()) throw InputError("trainer: no models to train");
  Impl& m = *impl_;
  m.data = std::move(data);
  m.optimizer = optimizer;
  m.options = options;
  m.options.batch = std::max(1, m.options.batch);
  m.options.publish_interval_ms = std::max(1, m.options.publish_interval_ms);
  // Built here, on the caller's thread, so a bad configuration throws to the caller.
  std::vector<ModelConfig> fitted;
  std::vector<ModelSlot> slots = m.build_slots(models, *m.data, &fitted, weights);
  std::vector<TrainerEvent> notes = std::move(m.events);  // restart() clears events; keep the notes
  m.restart(std::move(slots), std::move(fitted));
  m.events = std::move(notes);
  m.publish();
  m.thread = std::make_unique<ComputeThread>([&m] { m.run(); });
}

Trainer::~Trainer() {
  stop();
  impl_->thread.reset();  // joins
}

uint64_t Trainer::Impl::enqueue(Command c) {
  uint64_t number = 0;
  {
    std::lock_guard<std::mutex> lock(queue_mutex);
    queue.push_back(std::move(c));
    number = ++commands_sent;
  }
  queue_cv.notify_one();
  return number;
}

uint64_t Trainer::commands_sent() const {
  std::lock_guard<std::mutex> lock(impl_->queue_mutex);
  return impl_->commands_sent;
}

namespace {
Command make(CommandKind kind, double value = 0, int count = 0) {
  Command c;
  c.kind = kind;
  c.value = value;
  c.count = count;
  return c;
}
}  // namespace

void Trainer::start() { impl_->enqueue(make(CommandKind::Start)); }
void Trainer::pause() { impl_->enqueue(make(CommandKind::Pause)); }
void Trainer::resume() { impl_->enqueue(make(CommandKind::Resume)); }
void Trainer::step(int n) { impl_->enqueue(make(CommandKind::Step, 0, n)); }
void Trainer::reset() { impl_->enqueue(make(CommandKind::Reset)); }
void Trainer::set_learning_rate(float lr) { impl_->enqueue(make(CommandKind::LearningRate, lr)); }
void Trainer::set_batch_size(int batch) { impl_->enqueue(make(CommandKind::BatchSize, 0, batch)); }
void Trainer::set_early_stop(int patience) { impl_->enqueue(make(CommandKind::EarlyStop, 0, patience)); }
void Trainer::set_hyperparameter(Hyperparam h, double value) {
  Command c = make(CommandKind::Hyperparameter, value);
  c.hyperparam = h;
  impl_->enqueue(std::move(c));
}

void Trainer::rebuild(std::vector<ModelConfig> models, std::vector<Network> weights) {
  Command c = make(CommandKind::Rebuild);
  c.models = std::move(models);
  c.weights = std::move(weights);
  impl_->enqueue(std::move(c));
}

void Trainer::set_data(std::shared_ptr<const Dataset> data) {
  if (!data) return;
  Command c = make(CommandKind::SetData);
  c.data = std::move(data);
  impl_->enqueue(std::move(c));
}

void Trainer::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);  // so the sleeping thread cannot miss it
    impl_->stop_requested.store(true);
  }
  impl_->queue_cv.notify_one();
}

void Trainer::capture_session() { impl_->enqueue(make(CommandKind::CaptureSession)); }

std::shared_ptr<const Session> Trainer::capture_session_wait() {
  Impl& m = *impl_;
  const uint64_t number = m.enqueue(make(CommandKind::CaptureSession));
  std::unique_lock<std::mutex> lock(m.snapshot_mutex);
  m.answered_cv.wait(lock, [&] { return m.commands_answered >= number || m.thread_ended; });
  return m.captured_command == number ? m.captured : nullptr;
}

std::shared_ptr<const Session> Trainer::captured_session(uint64_t* serial) const {
  std::lock_guard<std::mutex> lock(impl_->snapshot_mutex);
  if (serial) *serial = impl_->captured_serial;
  return impl_->captured;
}

void Trainer::load_session(std::shared_ptr<const Session> session) {
  if (!session || session->models.empty()) return;
  Command c = make(CommandKind::LoadSession);
  c.session = std::move(session);
  impl_->enqueue(std::move(c));
}

std::shared_ptr<const Snapshot> Trainer::snapshot() const {
  std::lock_guard<std::mutex> lock(impl_->snapshot_mutex);
  return impl_->published;
}
