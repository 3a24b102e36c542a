// latentlab: one executable. With no argument (or `gui`) it opens the explorer window; with a
// subcommand it runs headless, for scripts, tests and servers, and never opens a display.
// Bad flags and bad input end with a one-line message on stderr and exit status 2.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include <sys/resource.h>

#include "cli.h"
#include "data/dataset.h"
#include "io/errors.h"
#ifdef LATENTLAB_WITH_GUI
#include "gui.h"
#endif

#ifndef LATENTLAB_VERSION
#define LATENTLAB_VERSION "unknown"
#endif

// The whole reference in brief (the man page, docs/latentlab.1, says the same at more length).
static void print_usage() {
  std::string builtin_names;  // from the built-in table, so a new set is listed without touching this
  for (const std::string& name : builtin_dataset_names()) builtin_names += (builtin_names.empty() ? "" : ", ") + name;
  std::printf(
      "latentlab %s: learn autoencoders by touching them.\n\n"
      "usage:\n"
      "  latentlab                      open the explorer on the built-in digits (AE and VAE side by side)\n"
      "  latentlab gui [flags]          the same, with flags (--data, --load, --frames, --screenshot, --script ...)\n"
      "  latentlab train [flags]        train a model headless and print the losses\n"
      "  latentlab interpolate [flags]  measure how far interpolants stray from the data (exactly, on lines)\n"
      "  latentlab bench [flags]        speed and memory figures of the engine\n"
      "  latentlab datasets [flags]     load a dataset, print its summary, optionally save a sample grid\n"
      "  latentlab reduce [flags]       PCA of the data, measured as train --json measures a model\n"
      "  latentlab anomaly [flags]      hold out a label, train without it, ROC AUC of detecting it\n"
      "  latentlab lesson NAME --check  measure a guided lesson's claim (exit 0 shows, 1 not); --list\n"
      "  latentlab <command> --help     every flag of a command\n"
      "  latentlab --version            the version\n\n"
      "data (--data): a built-in set (%s), an IDX file (raw or .gz, MNIST's format),\n"
      "  a folder of images (one sub-folder per label) or a CSV file.\n\n"
      "files (chosen by extension in --save and --load):\n"
      "  .llsession    a whole training run, resumed exactly (train or anomaly --load F --epochs N, gui --load F)\n"
      "  .llnet        a network's settings and weights\n"
      "  .safetensors  a network's weights in PyTorch's names and order; the pytorch/examples VAE loads too\n\n"
      "environment:\n"
      "  XDG_STATE_HOME  the explorer autosaves to $XDG_STATE_HOME/latentlab (else ~/.local/state/latentlab)\n\n"
      "exit status: 0 success; 1 training diverged beyond recovery, an internal error, or a lesson's\n"
      "  phenomenon did not show (lesson --check); 2 a bad flag or\n"
      "  bad input (the message names the file and the problem).\n\n"
      "examples:\n"
      "  latentlab train --model vae --epochs 5 --steps 200 --save run.llsession\n"
      "  latentlab train --load run.llsession --epochs 5 --save vae.safetensors\n"
      "  latentlab gui --load vae.safetensors\n",
      LATENTLAB_VERSION, builtin_names.c_str());
}

static int run(int argc, char** argv) {
  if (argc < 2) {
#ifdef LATENTLAB_WITH_GUI
    return gui_main(0, argv + 1);
#else
    std::fprintf(stderr, "latentlab: this build has no GUI (configured with LATENTLAB_GUI=OFF)\n");
    return 2;
#endif
  }
  std::string command = argv[1];
  int sub_argc = argc - 2;
  char** sub_argv = argv + 2;
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage();
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::printf("latentlab %s\n", LATENTLAB_VERSION);
    return 0;
  }
  if (command == "train") return cli_train(sub_argc, sub_argv);
  if (command == "interpolate") return cli_interpolate(sub_argc, sub_argv);
  if (command == "bench") return cli_bench(sub_argc, sub_argv);
  if (command == "datasets") return cli_datasets(sub_argc, sub_argv);
  if (command == "reduce") return cli_reduce(sub_argc, sub_argv);
  if (command == "anomaly") return cli_anomaly(sub_argc, sub_argv);
  if (command == "lesson") return cli_lesson(sub_argc, sub_argv);
#ifdef LATENTLAB_WITH_GUI
  if (command == "gui") return gui_main(sub_argc, sub_argv);
  // `latentlab --data x --frames 10` is the GUI with flags too.
  if (command.rfind("--", 0) == 0) return gui_main(argc - 1, argv + 1);
#endif
  std::fprintf(stderr, "latentlab: unknown command '%s' (see latentlab --help)\n", command.c_str());
  return 2;
}

// Eigen keeps its matrix-product scratch on the stack (up to EIGEN_STACK_ALLOCATION_LIMIT, set
// in CMakeLists.txt) so that a training step allocates nothing. The CLI trains and the GUI decodes
// on the main thread, whose stack grows on demand up to RLIMIT_STACK: make sure that is 8 MiB.
static void ensure_main_stack() {
  const rlim_t wanted = 8u << 20;
  rlimit limit{};
  if (getrlimit(RLIMIT_STACK, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= wanted) ? wanted : limit.rlim_max;
  setrlimit(RLIMIT_STACK, &limit);
}

int main(int argc, char** argv) {
  ensure_main_stack();
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const InputError& e) {
    std::fprintf(stderr, "latentlab: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    // Every size passed its budget (README, "Hardening") and the machine still had too little
    // memory for it (or a ulimit): the input is too big here, which is not an internal error.
    std::fprintf(stderr, "latentlab: not enough memory for this input (its sizes are within the budgets, "
                         "but this machine or its limits cannot hold them)\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "latentlab: internal error: %s\n", e.what());
    return 1;
  }
}
