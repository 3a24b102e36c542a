// A measurement a view runs when asked (its button or a script command), never every frame, on a
// worker thread of its own: the worker reads only the copies it was handed (the data, shared and
// immutable, and a copy of the newest network from the published snapshot) and writes its Result;
// the UI collects the Result on the main thread once the worker is done. Linear probe and rate-distortion.
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

#include "data/dataset.h"
#include "models/model.h"
#include "train/thread_priority.h"
#include "train/trainer.h"

template <class Result>
struct ViewJob {
  // What the worker sees, on the heap so that the view's struct stays movable. The destructor joins.
  struct Work {
    std::shared_ptr<const Dataset> data;
    Network net;                         // a copy of the weights: never the trainer's live parameters
    Result result;                       // preset by the asker; written by the worker before `done`
    std::atomic<bool> done{false}, cancel{false};
    std::thread thread;
    ~Work() {
      cancel = true;
      if (thread.joinable()) thread.join();
    }
  };
  // The worker's body: reads data, net and the preset, writes the result, checks `cancel` between
  // its stages (a cancel then waits for one stage at most).
  using Run = void (*)(const Dataset& data, const Network& net, Result& result, const std::atomic<bool>& cancel);

  std::unique_ptr<Work> work;  // running or finished, not yet collected; null = none

  bool busy() const { return work && !work->done.load(std::memory_order_acquire); }  // running
  bool pending() const { return work != nullptr; }  // running, or finished and not yet collected (a script's sync waits)

  // Starts `run` on copies of the data and of model `model`'s weights in `snap`, the preset stamped
  // with the snapshot's step and version and the asker's `generation` (Result has those three
  // fields). False (nothing started) while a measurement is running, or with no data or no such model.
  bool start(const std::shared_ptr<const Dataset>& data, const Snapshot* snap, int model, uint64_t generation,
             Result preset, Run run) {
    if (busy() || !data || !snap || model < 0 || model >= static_cast<int>(snap->networks.size())) return false;
    work.reset();  // a finished one not yet collected: its result is superseded
    auto w = std::make_unique<Work>();
    w->data = data;
    w->net = snap->networks[static_cast<size_t>(model)];
    w->result = std::move(preset);
    w->result.step = snap->step;
    w->result.version = snap->version;
    w->result.generation = generation;
    Work* raw = w.get();
    w->thread = std::thread([raw, run] {
      lower_this_thread_priority();
      run(*raw->data, raw->net, raw->result, raw->cancel);
      raw->done.store(true, std::memory_order_release);
    });
    work = std::move(w);
    return true;
  }

  // A finished worker's result into *out (and the data it was measured on into *data, when asked),
  // its thread joined; false while running or with none.
  bool collect(Result* out, std::shared_ptr<const Dataset>* data = nullptr) {
    if (!work || !work->done.load(std::memory_order_acquire)) return false;
    *out = std::move(work->result);
    if (data) *data = work->data;
    work.reset();  // joins a thread that has finished
    return true;
  }

  void cancel() { work.reset(); }  // asks the worker to stop at its next check and joins it
};
