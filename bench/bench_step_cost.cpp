// What a training step of each model in a compare pair costs, as the Model panel shows it (ms per
// step and the ratio to the first model's): by default the AE-vs-contractive pair at the app's MLP
// (784-256-2) and batch, where the contractive AE's exact Jacobian penalty should make its step the
// costlier. The ordering is a speed claim, so it is checked here (exit 1 when the second model's step
// is not at least `ratio` times the first's) and not in gui_compare, which asserts only that the
// figure is measured. This thread's CPU time, median of the repeats.
//   ./build/bench/bench_step_cost [pair] [repeats] [ratio]      (pair: ae-contractive, ae-vae, ...)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"
#include "train/trainer.h"

namespace {

double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
  const char* pair_name = argc > 1 ? argv[1] : "ae-contractive";
  const int repeats = argc > 2 ? std::max(3, std::atoi(argv[2])) : 21;
  const double ratio = argc > 3 ? std::atof(argv[3]) : 1.2;
  const int row = choice_list<ComparePair>().find(pair_name);
  if (row < 0) {
    std::fprintf(stderr, "bench_step_cost: unknown pair '%s' (one of %s)\n", pair_name,
                 choice_list<ComparePair>().names().c_str());
    return 2;
  }
  DataSpec spec;  // the built-in digits, as the app opens
  const Dataset data = load_dataset(spec);
  ModelConfig base;
  base.hidden = {256};  // the app's MLP (gui_state.h, kGuiMlpHidden)
  const std::vector<ModelConfig> configs = compare_configs(base, static_cast<ComparePair>(row));
  const int batch = TrainerOptions{}.batch;
  Mat x(data.features(), batch);
  std::vector<int> order(static_cast<size_t>(batch));
  for (int i = 0; i < batch; ++i) order[size_t(i)] = i;
  data.gather(order.data(), batch, x);

  std::vector<double> ms;
  for (const ModelConfig& c : configs) {
    Model model(fit_to_data(c, data), OptimizerConfig{});
    model.train_step(x);  // warm-up: workspaces sized
    std::vector<double> t(static_cast<size_t>(repeats));
    for (double& m : t) {
      const double t0 = thread_cpu_ms();
      model.train_step(x);
      m = thread_cpu_ms() - t0;
    }
    std::sort(t.begin(), t.end());
    ms.push_back(t[t.size() / 2]);
    std::printf("%-24s %8.3f ms per step (batch %d, median of %d)\n", model_kind_name(c.kind), ms.back(), batch, repeats);
  }
  const double measured = ms[1] / ms[0];
  std::printf("second / first: %.2fx (claimed: at least %.2fx)\n", measured, ratio);
  return measured >= ratio ? 0 : 1;
}
