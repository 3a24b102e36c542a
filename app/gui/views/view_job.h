// Work a view hands to a worker thread of its own so that no frame pays for it: the worker reads
// only the copies it was handed and writes its results beside them; the UI collects them on the
// main thread once the worker is done. Two layers:
//   Worker<Work>     the machinery: one thread of lower priority over a Work struct, its done and
//                    cancel flags, joined when collected, cancelled or destroyed. The lines set's
//                    exact figures (gui_interpolation.cpp) hand it decoded images or every model.
//   ViewJob<Result>  a measurement a view runs when asked (its button or a script command): the
//                    data, shared and immutable, and a copy of one model's newest weights from the
//                    published snapshot. Linear probe and rate-distortion.
//
//   ViewJob<LinearProbeResult> job;                 // a member of the view's struct
//   job.start(app.data, app.snap.get(), p, v.generation, preset, probe_run);  // false while one runs
//   if (job.collect(&shown)) ...                    // once per frame: the finished worker's result
//   job.cancel();                                   // the app is closing: stop at its next check, join
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>

#include "data/dataset.h"
#include "models/model.h"
#include "train/thread_priority.h"
#include "train/trainer.h"

template <class Work>
struct Worker {
  // On the heap so that the owner stays movable. The destructor asks the worker to stop and joins.
  struct Running {
    Work work;                           // the copies handed over, and what the worker writes
    std::atomic<bool> done{false}, cancel{false};
    std::thread thread;
    ~Running() {
      cancel = true;
      if (thread.joinable()) thread.join();
    }
  };
  std::unique_ptr<Running> running;  // running or finished, not yet collected; null = none

  bool busy() const { return running && !running->done.load(std::memory_order_acquire); }  // running
  bool pending() const { return running != nullptr; }  // running, or finished and not yet collected (a script's sync waits)

  // Runs `run(work, cancel)` on a thread of lower priority, `run` checking `cancel` between its
  // stages (a cancel then waits for one stage at most). False (nothing started) while one runs; a
  // finished one not yet collected is superseded.
  template <class Run>
  bool start(Work work, Run run) {
    if (busy()) return false;
    running.reset();
    auto r = std::make_unique<Running>();
    r->work = std::move(work);
    Running* raw = r.get();
    r->thread = std::thread([raw, run] {
      lower_this_thread_priority();
      run(raw->work, static_cast<const std::atomic<bool>&>(raw->cancel));
      raw->done.store(true, std::memory_order_release);
    });
    running = std::move(r);
    return true;
  }

  // A finished worker's Work into *out, its thread joined; false while running or with none.
  bool collect(Work* out) {
    if (!running || !running->done.load(std::memory_order_acquire)) return false;
    *out = std::move(running->work);
    running.reset();  // joins a thread that has finished
    return true;
  }

  void cancel() { running.reset(); }  // asks the worker to stop at its next check and joins it
};

template <class Result>
struct ViewJob {
  // What the worker sees.
  struct Work {
    std::shared_ptr<const Dataset> data;
    Network net;                         // a copy of the weights: never the trainer's live parameters
    Result result;                       // preset by the asker; written by the worker
  };
  // The worker's body: reads data, net and the preset, writes the result, checks `cancel` between
  // its stages.
  using Run = void (*)(const Dataset& data, const Network& net, Result& result, const std::atomic<bool>& cancel);

  Worker<Work> worker;

  bool busy() const { return worker.busy(); }
  bool pending() const { return worker.pending(); }

  // Starts `run` on copies of the data and of model `model`'s weights in `snap`, the preset stamped
  // with the snapshot's step and version and the asker's `generation` (Result has those three
  // fields). False (nothing started) while a measurement is running, or with no data or no such model.
  bool start(const std::shared_ptr<const Dataset>& data, const Snapshot* snap, int model, uint64_t generation,
             Result preset, Run run) {
    if (busy() || !data || !snap || model < 0 || model >= static_cast<int>(snap->networks.size())) return false;
    Work w;
    w.data = data;
    w.net = snap->networks[static_cast<size_t>(model)];
    w.result = std::move(preset);
    w.result.step = snap->step;
    w.result.version = snap->version;
    w.result.generation = generation;
    return worker.start(std::move(w), [run](Work& work, const std::atomic<bool>& cancel) {
      run(*work.data, work.net, work.result, cancel);
    });
  }

  // A finished worker's result into *out (and the data it was measured on into *data, when asked),
  // its thread joined; false while running or with none.
  bool collect(Result* out, std::shared_ptr<const Dataset>* data = nullptr) {
    Work w;
    if (!worker.collect(&w)) return false;
    *out = std::move(w.result);
    if (data) *data = std::move(w.data);
    return true;
  }

  void cancel() { worker.cancel(); }  // asks the worker to stop at its next check and joins it
};
