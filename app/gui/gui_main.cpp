// The explorer's entry point: flags, the window, the main loop, screenshots and frame statistics.
// gui_main() reads top to bottom like Dear ImGui's examples: parse flags, load the data (a bad
// --data fails before any window opens), set up the window, GL and Dear ImGui, create "our state",
// run the loop (poll, script, new frame, UI, views, render, screenshot, swap), clean up in reverse.
//
// Index:
//   [SECTION] Allocation counting
//   [SECTION] Command line
//   [SECTION] Style, fonts and presenter mode
//   [SECTION] Screenshots
//   [SECTION] Frame statistics
//   [SECTION] Backgrounds
//   [SECTION] gui_main
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <malloc.h>
#include <unistd.h>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include "cli.h"
#include "io/errors.h"
#include "gui.h"
#include "gui_state.h"
#include "io/file_input.h"
#include "models/network_safetensors.h"
#include "train/session.h"

//-----------------------------------------------------------------------------
// [SECTION] Allocation counting
//-----------------------------------------------------------------------------
// "A steady-state frame allocates nothing" is measured, not hoped for: malloc, calloc and realloc
// are wrapped (they forward to glibc's own) and count calls per thread. The frame statistics read
// the main thread's counter around the app's part of the frame and around the GL driver's part.
// Off under the sanitizers, which bring their own allocator.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LATENTLAB_COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LATENTLAB_COUNT_ALLOCS 0
#endif
#endif
#if !defined(LATENTLAB_COUNT_ALLOCS) && defined(__GLIBC__)
#define LATENTLAB_COUNT_ALLOCS 1
#endif

#if LATENTLAB_COUNT_ALLOCS
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* ptr, size_t size);
}
static thread_local uint64_t t_alloc_count __attribute__((tls_model("initial-exec"))) = 0;
extern "C" void* malloc(size_t size) noexcept {
  ++t_alloc_count;
  return __libc_malloc(size);
}
extern "C" void* calloc(size_t count, size_t size) noexcept {
  ++t_alloc_count;
  return __libc_calloc(count, size);
}
extern "C" void* realloc(void* ptr, size_t size) noexcept {
  ++t_alloc_count;
  return __libc_realloc(ptr, size);
}
static uint64_t thread_alloc_count() { return t_alloc_count; }
#else
static uint64_t thread_alloc_count() { return 0; }
#endif

// Allocations made by the GL driver inside uploads during the app's phase (see gui_render.h).
static thread_local uint64_t t_driver_allocs = 0;
DriverAllocScope::DriverAllocScope() : start(thread_alloc_count()) {}
DriverAllocScope::~DriverAllocScope() { t_driver_allocs += thread_alloc_count() - start; }

//-----------------------------------------------------------------------------
// [SECTION] Command line
//-----------------------------------------------------------------------------

// Was any flag of the --data family given? (A session brings its own data otherwise.)
static bool data_flags_given_in(int argc, char** argv) {
  for (int i = 0; i < argc; ++i)
    for (const char* f : {"--data", "--labels", "--train", "--count", "--image-size", "--rgb", "--csv-label", "--csv-scaling"}) {
      const size_t n = std::strlen(f);
      if (std::strncmp(argv[i], f, n) == 0 && (argv[i][n] == 0 || argv[i][n] == '=')) return true;
    }
  return false;
}

bool launch_parse(int argc, char** argv, LaunchOptions* out) {
  CliArgs args("latentlab gui",
               "The explorer: an AE and a VAE train side by side while you watch their latent spaces.\n"
               "Drag the probe across a map to decode any point; `latentlab` alone opens it on the digits.");
  add_data_flags(args);
  ModelFlagSpec spec;  // the twin by default, a small 2-D code, and the training settings the panel has
  spec.twin = true;
  spec.hidden = kGuiMlpHidden;
  spec.latent = "2";
  spec.latent_help = "latent dimensions (the map shows two of them, or their PCA plane)";
  spec.max_latent = 64;
  spec.seed_help = "model initialisation seed";
  spec.output = true;  // --loss and --init: the linear AE beside the PCA map needs MSE (views/pca_map.h)
  spec.optimizer = false;
  spec.epochs = false;
  // 3e-3, not the command line's 1e-3: both maps separate their labels about twice as soon (README).
  spec.lr = "0.003";
  spec.lr_help = "learning rate (Adam)";
  add_model_flags(args, spec);
  args.add("points", "N", "10000", "points per latent map; above this a fixed subsample is shown");
  args.add_switch("paused", "open without starting to train");
  args.add("width", "PX", "1600", "window width");
  args.add("height", "PX", "900", "window height");
  args.add("frames", "N", "", "run N frames, then exit 0 (prints the median frame time)");
  args.add("screenshot", "FILE", "", "save the last frame as a PNG (with --frames, or on exit)");
  args.add("script", "FILE", "", "replay actions, one per line (see README: train, probe, screenshot, ...)");
  args.add("frame-stats", "FILE", "", "write every frame time and the median to FILE on exit");
  args.add_switch("no-vsync", "render as fast as possible (for measuring frame times); otherwise --frames and\n"
                  "                             --script runs are paced to 60 frames a second, as vsync paces a display");
  args.add("load", "FILE", "", "open a session (.llsession: its data, models, training state and view), or a saved\n"
           "                             network in single-model mode: .llnet, or .safetensors (a latentlab export or the\n"
           "                             pytorch/examples VAE); its architecture wins over the flags");
  args.add("autosave-minutes", "N", "5", "autosave the session every N minutes and on close to $XDG_STATE_HOME/latentlab\n"
           "                             (else ~/.local/state/latentlab), keeping the last two; 0 = off (the default\n"
           "                             with --frames or --script)");
  if (!args.parse(argc, argv)) return false;

  out->data = data_spec_from_flags(args, 1);
  out->model = model_config_from_flags(args, spec, &out->twin, &out->pair);
  out->model.arch = args.choice_of<Architecture>("arch");  // the geometry comes with the data (fit_to_data)
  if (architecture_takes_images(out->model.arch) && !args.given("hidden"))
    out->model.hidden = image_arch_default_hidden(out->model.arch);
  out->lr = optimizer_from_flags(args, spec).lr;
  out->batch = batch_from_flags(args);
  out->max_points = args.integer("points", 100, 200000);
  out->paused = args.flag("paused");
  out->width = args.integer("width", 320, 16384);
  out->height = args.integer("height", 240, 16384);
  out->frames = args.given("frames") ? args.integer("frames", 1, 100000000) : 0;
  out->screenshot = args.str("screenshot");
  out->script = args.str("script");
  out->frame_stats = args.str("frame-stats");
  out->no_vsync = args.flag("no-vsync");
  out->load = args.str("load");
  if (args.given("autosave-minutes")) out->autosave_minutes = args.integer("autosave-minutes", 0, 100000);
  return true;
}

// The Model panel starts from the launch flags.
static void edit_from_launch(const LaunchOptions& launch, ModelEdit* edit) {
  edit->twin = launch.twin;
  edit->pair = launch.pair;
  edit->config = launch.model;
  std::string hidden;
  for (size_t i = 0; i < launch.model.hidden.size(); ++i) hidden += (i ? "," : "") + std::to_string(launch.model.hidden[i]);
  std::snprintf(edit->hidden, sizeof edit->hidden, "%s", hidden.c_str());
}

void edit_defaults(AppState& app) {
  edit_from_launch(app.launch, &app.edit);
  app.edit.error.clear();
  app.batch = app.launch.batch;
  app.trainer->set_batch_size(app.batch);
  training_set_rate(app, app.launch.lr);
}

//-----------------------------------------------------------------------------
// [SECTION] Style, fonts and presenter mode
//-----------------------------------------------------------------------------

// DejaVu Sans when fonts-dejavu-core is installed, Dear ImGui's default otherwise.
static ImFont* fonts_load(float scale, ImFont** large) {
  ImGuiIO& io = ImGui::GetIO();
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const char* bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  // Latin-1, Greek (sigma, beta, mu), punctuation, arrows, maths and geometric shapes.
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2010, 0x205E, 0x2190, 0x21FF,
                                    0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
  ImFont* body = nullptr;
  if (FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    body = io.Fonts->AddFontFromFileTTF(path, std::round(15.0f * scale), nullptr, kRanges);
    FILE* fb = std::fopen(bold, "rb");
    if (fb) std::fclose(fb);
    *large = io.Fonts->AddFontFromFileTTF(fb ? bold : path, std::round(17.0f * scale), nullptr, kRanges);
  }
  if (!body) {
    ImFontConfig config;
    config.SizePixels = std::round(13.0f * scale);
    body = io.Fonts->AddFontDefault(&config);
    *large = body;
  }
  return body;
}

// Presenter mode changes the scale and the theme; the font atlas is rebuilt here, between frames
// on the main thread (never inside one: the frame's draw lists point into the atlas).
static void presenter_apply(AppState& app) {
  int win_w = 0, win_h = 0;  // screen coordinates, as ImGui's display size
  glfwGetWindowSize(app.window, &win_w, &win_h);
  float fitted = app.presenter.scale;
  if (win_w > 0 && win_h > 0) {
    const float holds = std::min(win_w / kPresenterMinWidth, win_h / kPresenterMinHeight) / app.presenter.content_scale;
    fitted = std::max(1.0f, std::min(fitted, std::floor(holds / kPresenterScaleStep + 1e-3f) * kPresenterScaleStep));
  }
  app.presenter.fitted = fitted;
  const float wanted = app.presenter.content_scale * fitted;
  const Theme* theme = app.presenter.light ? &kThemeLight : &kThemeDark;
  if (wanted == app.ui_scale && theme == app.theme && app.presenter.applied) return;
  if (theme != app.theme) {  // the offscreen maps and plots are drawn in the theme's colours: redraw them
    for (ModelPane& pane : app.panes) pane.target_key[0] = std::nanf("");
    for (LossPlot& plot : app.loss_plots) plot.version = 0;
  }
  app.theme = theme;
  theme_apply_style(*theme, wanted);
  if (wanted != app.ui_scale || !app.presenter.applied) {
    app.ui_scale = wanted;
    ImGui::GetIO().Fonts->Clear();
    fonts_load(wanted, &app.font_large);
    if (app.presenter.applied) {  // the first atlas is built by the backend's first frame
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
  }
  app.presenter.applied = true;
}

void presenter_set(AppState& app, bool on) {
  app.presenter.on = on;
  app.presenter.scale = on ? std::max(app.presenter.scale, kPresenterDefaultScale) : 1.0f;
  app.presenter.light = on;
}

void presenter_zoom(AppState& app, int steps) {
  const float scale = std::round((app.presenter.scale + steps * kPresenterScaleStep) / kPresenterScaleStep) * kPresenterScaleStep;
  app.presenter.scale = std::clamp(scale, 1.0f, kPresenterMaxScale);
  app.presenter.on = app.presenter.scale > 1.0f || app.presenter.light;
}

void presenter_set_scale(AppState& app, float scale) {
  app.presenter.scale = std::clamp(scale, 1.0f, kPresenterMaxScale);
  app.presenter.on = app.presenter.scale > 1.0f || app.presenter.light;
}

void presenter_set_theme(AppState& app, bool light) {
  app.presenter.light = light;
  app.presenter.on = app.presenter.scale > 1.0f || light;
}

//-----------------------------------------------------------------------------
// [SECTION] Screenshots
//-----------------------------------------------------------------------------

bool write_png_rgba(const char* path, const uint8_t* rgba, int width, int height, std::string* error) {
  if (!stbi_write_png(path, width, height, 4, rgba, width * 4)) {
    *error = std::string("cannot write ") + path;
    return false;
  }
  return true;
}

void app_request_screenshot(AppState& app, const std::string& path) { app.screenshot_request = path; }

// Reads the back buffer of the frame just rendered and writes it right way up.
bool window_write_png(const char* path, int width, int height, std::string* error) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
  std::vector<uint8_t> flipped(pixels.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  const size_t row = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y)
    std::memcpy(&flipped[y * row], &pixels[(height - 1 - y) * row], row);
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // the window is opaque
  return write_png_rgba(path, flipped.data(), width, height, error);
}

//-----------------------------------------------------------------------------
// [SECTION] Frame statistics
//-----------------------------------------------------------------------------

// The first frames load fonts, compile shaders and size every buffer; statistics skip them (at
// most this many; a quarter of a shorter run).
constexpr int kStatsSkipFrames = 60;

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Every thread's CPU time from /proc/self/task (schedstat: nanoseconds on the CPU), grouped by
// what it is: the main thread, Mesa's llvmpipe rasterisers, the trainer ("ll-train"), the rest.
static ThreadCpu thread_cpu_by_group() {
  ThreadCpu out;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return out;
  const long pid = static_cast<long>(getpid());
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], comm[32] = {};
    unsigned long long ns = 0;
    std::snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name);
    FILE* f = std::fopen(path, "r");
    if (!f) continue;
    const bool ok = std::fscanf(f, "%llu", &ns) == 1;
    std::fclose(f);
    if (!ok) continue;
    std::snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
    if (FILE* c = std::fopen(path, "r")) {
      if (!std::fgets(comm, sizeof comm, c)) comm[0] = 0;
      std::fclose(c);
    }
    const double seconds = 1e-9 * static_cast<double>(ns);
    if (std::strtol(e->d_name, nullptr, 10) == pid) out.main += seconds;
    else if (std::strncmp(comm, "llvmpipe", 8) == 0) out.llvmpipe += seconds;
    else if (std::strncmp(comm, "ll-train", 8) == 0) out.trainer += seconds;
    else out.other += seconds;
  }
  closedir(dir);
  return out;
}

// The rasterisers' CPU clocks, for a per-frame figure: Linux gives every thread a CPU clock whose id
// is made from its tid (the kernel's MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)); clock_gettime on it
// costs a system call, where /proc would cost several file opens a frame.
static void llvmpipe_clocks_find(FrameStats* stats) {
  stats->llvmpipe_clocks.clear();
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], comm[32] = {};
    std::snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
    FILE* c = std::fopen(path, "r");
    if (!c) continue;
    if (!std::fgets(comm, sizeof comm, c)) comm[0] = 0;
    std::fclose(c);
    if (std::strncmp(comm, "llvmpipe", 8) != 0) continue;
    const pid_t tid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
    stats->llvmpipe_clocks.push_back(static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u));
  }
  closedir(dir);
}

static double llvmpipe_cpu_seconds(const FrameStats& stats) {
  double total = 0;
  for (clockid_t id : stats.llvmpipe_clocks) {
    timespec t{};
    if (clock_gettime(id, &t) == 0) total += static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }
  return total;
}

static void stats_init(FrameStats* stats) {
  stats->frame_ms.assign(kMaxFrameRecords, 0.0f);
  stats->app_allocs.assign(kMaxFrameRecords, 0);
  stats->gl_allocs.assign(kMaxFrameRecords, 0);
  for (std::vector<float>& phase : stats->phase_ms) phase.assign(kMaxFrameRecords, 0.0f);
  for (std::vector<float>& phase : stats->phase_cpu_ms) phase.assign(kMaxFrameRecords, 0.0f);
  for (std::vector<uint32_t>* v : {&stats->vertices, &stats->indices, &stats->draw_cmds, &stats->upload_bytes, &stats->offscreen_kpixels})
    v->assign(kMaxFrameRecords, 0);
  stats->llvmpipe_ms.assign(kMaxFrameRecords, 0.0f);
  stats->offscreen_redraws.assign(kMaxFrameRecords, 0);
}

// marks and cpu_marks: wall and main-thread CPU seconds at the phases' boundaries.
static void stats_record(AppState& app, float ms, uint64_t app_allocs, uint64_t gl_allocs, const double* marks,
                         const double* cpu_marks) {
  FrameStats* stats = &app.stats;
  GlTally& tally = gl_tally();
  if (stats->count < kMaxFrameRecords) {
    const int i = stats->count;
    for (int k = 0; k < 4; ++k) stats->phase_ms[k][i] = static_cast<float>((marks[k + 1] - marks[k]) * 1000.0);
    for (int k = 0; k < 4; ++k) stats->phase_cpu_ms[k][i] = static_cast<float>((cpu_marks[k + 1] - cpu_marks[k]) * 1000.0);
    stats->frame_ms[i] = ms;
    stats->app_allocs[i] = static_cast<uint32_t>(app_allocs);
    stats->gl_allocs[i] = static_cast<uint32_t>(gl_allocs);
    if (const ImDrawData* d = ImGui::GetDrawData()) {
      uint32_t cmds = 0;
      for (int l = 0; l < d->CmdListsCount; ++l) cmds += static_cast<uint32_t>(d->CmdLists[l]->CmdBuffer.Size);
      stats->vertices[i] = static_cast<uint32_t>(d->TotalVtxCount);
      stats->indices[i] = static_cast<uint32_t>(d->TotalIdxCount);
      stats->draw_cmds[i] = cmds;
    }
    stats->upload_bytes[i] = static_cast<uint32_t>(std::min<uint64_t>(tally.upload_bytes, UINT32_MAX));
    stats->offscreen_redraws[i] = static_cast<uint16_t>(std::min(tally.offscreen_redraws, 65535));
    stats->offscreen_kpixels[i] = static_cast<uint32_t>(tally.offscreen_pixels / 1000);
    if (!stats->llvmpipe_clocks.empty()) {
      const double now = llvmpipe_cpu_seconds(*stats);
      stats->llvmpipe_ms[i] = static_cast<float>((now - stats->llvmpipe_last) * 1000.0);
      stats->llvmpipe_last = now;
    }
    if (stats->count >= kStatsSkipFrames) {
      stats->part_sum_ms.resize(stats->part_ms.size(), 0.0);
      stats->part_busy_frames.resize(stats->part_ms.size(), 0);
      for (size_t k = 0; k < stats->part_ms.size(); ++k) {
        stats->part_sum_ms[k] += stats->part_ms[k];
        stats->part_busy_frames[k] += stats->part_ms[k] > 0.05;
      }
    }
    ++stats->count;
    if (stats->count == kStatsSkipFrames) {  // the measured window starts after this frame
      stats->window_cpu = thread_cpu_by_group();
      stats->window_time = glfwGetTime();
      stats->window_step = app.snap ? app.snap->step : 0;
      llvmpipe_clocks_find(stats);  // Mesa has started its threads by now
      stats->llvmpipe_last = llvmpipe_cpu_seconds(*stats);
    }
  }
  tally = GlTally{};
  stats->fps_smoothed = stats->fps_smoothed == 0 ? 1000.0f / std::max(ms, 0.1f)
                                                 : 0.95f * stats->fps_smoothed + 0.05f * 1000.0f / std::max(ms, 0.1f);
}

template <typename T>
static T percentile(std::vector<T> v, double p) {
  if (v.empty()) return T{};
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

template <typename T>
static T median_of(const std::vector<T>& v, int from, int to) {
  return percentile(std::vector<T>(v.begin() + from, v.begin() + to), 0.5);
}

static void stats_report(const AppState& app) {
  const FrameStats& s = app.stats;
  const int skip = std::min(s.count / 4, kStatsSkipFrames);
  if (s.count - skip < 1) return;
  std::vector<float> ms(s.frame_ms.begin() + skip, s.frame_ms.begin() + s.count);
  std::vector<uint32_t> app_allocs(s.app_allocs.begin() + skip, s.app_allocs.begin() + s.count);
  std::vector<uint32_t> gl_allocs(s.gl_allocs.begin() + skip, s.gl_allocs.begin() + s.count);
  int zero_frames = 0;
  for (uint32_t a : app_allocs) zero_frames += a == 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "latentlab: %d frames (first %d skipped): median %.2f ms, p90 %.2f ms, max %.2f ms; "
                "allocations per frame in our code and Dear ImGui: median %u (%d of %d frames none); in GLFW/Xlib and the GL driver: median %u\n",
                s.count, skip, percentile(ms, 0.5), percentile(ms, 0.9), percentile(ms, 1.0),
                percentile(app_allocs, 0.5), zero_frames, static_cast<int>(app_allocs.size()),
                percentile(gl_allocs, 0.5));
  std::fputs(line, stdout);
  const char* names[4] = {"UI", "views", "GL render", "swap"};
  float phase[4], cpu[4], cpu_total = 0;
  for (int k = 0; k < 4; ++k) {
    phase[k] = median_of(s.phase_ms[k], skip, s.count);
    cpu[k] = median_of(s.phase_cpu_ms[k], skip, s.count);
  }
  std::vector<float> cpu_frame(s.count - skip);
  for (int i = skip; i < s.count; ++i)
    for (int k = 0; k < 4; ++k) cpu_frame[i - skip] += s.phase_cpu_ms[k][i];
  cpu_total = percentile(cpu_frame, 0.5);
  std::printf("latentlab: median phase times:");
  for (int k = 0; k < 4; ++k) std::printf(" %s %.2f ms%s", names[k], phase[k], k < 3 ? "," : "\n");
  std::printf("latentlab: median main-thread CPU:");
  for (int k = 0; k < 4; ++k) std::printf(" %s %.2f ms,", names[k], cpu[k]);
  std::printf(" frame %.2f ms\n", cpu_total);
  // What the frame asks of software GL, whatever the load.
  const uint32_t vertices = median_of(s.vertices, skip, s.count), indices = median_of(s.indices, skip, s.count);
  const uint32_t cmds = median_of(s.draw_cmds, skip, s.count);
  double upload_mean = 0, redraws_mean = 0, kpixels_mean = 0;
  for (int i = skip; i < s.count; ++i) {
    upload_mean += s.upload_bytes[i];
    redraws_mean += s.offscreen_redraws[i];
    kpixels_mean += s.offscreen_kpixels[i];
  }
  const double kept = static_cast<double>(s.count - skip);
  upload_mean /= kept;
  redraws_mean /= kept;
  kpixels_mean /= kept;
  const float llvmpipe_median = s.count > kStatsSkipFrames ? median_of(s.llvmpipe_ms, kStatsSkipFrames, s.count) : 0.0f;
  std::printf("latentlab: median llvmpipe CPU per frame %.2f ms\n", llvmpipe_median);
  std::printf("latentlab: per frame: median %u vertices, %u indices, %u draw commands; mean %.1f KiB uploaded, "
              "%.2f offscreen redraws (%.0f kpixels)\n",
              vertices, indices, cmds, upload_mean / 1024.0, redraws_mean, kpixels_mean);
  // Every thread's CPU over the measured window (from frame kStatsSkipFrames), and the trainer's pace.
  const int window_frames = s.count - kStatsSkipFrames;
  ThreadCpu d;
  double steps_per_second = 0;
  if (window_frames > 0) {
    const ThreadCpu now = thread_cpu_by_group();
    const double seconds = glfwGetTime() - s.window_time;
    d.main = (now.main - s.window_cpu.main) * 1e3 / window_frames;
    d.llvmpipe = (now.llvmpipe - s.window_cpu.llvmpipe) * 1e3 / window_frames;
    d.trainer = (now.trainer - s.window_cpu.trainer) * 1e3 / window_frames;
    d.other = (now.other - s.window_cpu.other) * 1e3 / window_frames;
    if (app.snap && seconds > 0) steps_per_second = static_cast<double>(app.snap->step - s.window_step) / seconds;
    std::printf("latentlab: CPU per frame (mean of the last %d): main %.2f ms, llvmpipe %.2f ms, trainer %.2f ms, "
                "other %.2f ms; trainer %.1f steps/s\n",
                window_frames, d.main, d.llvmpipe, d.trainer, d.other, steps_per_second);
    std::printf("latentlab: views' main-thread CPU per frame (mean ms, share of frames it ran in):");
    for (size_t k = 0; k < s.part_sum_ms.size(); ++k)
      std::printf(" %s %.2f (%.0f%%)%s", k == 0 ? "encode" : kPaneViews[k - 1]->name, s.part_sum_ms[k] / window_frames,
                  100.0 * s.part_busy_frames[k] / window_frames, k + 1 < s.part_sum_ms.size() ? "," : "\n");
  }
  if (!app.launch.frame_stats.empty()) {
    FILE* f = std::fopen(app.launch.frame_stats.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "latentlab: cannot write %s\n", app.launch.frame_stats.c_str());
      return;
    }
    std::fprintf(f, "median_ms %.3f\np90_ms %.3f\npoints %d\n", percentile(ms, 0.5), percentile(ms, 0.9),
                 static_cast<int>(app.point_indices.size()));
    const char* keys[4] = {"ui", "views", "gl", "swap"};
    for (int k = 0; k < 4; ++k) std::fprintf(f, "%s_ms %.3f\n%s_cpu_ms %.3f\n", keys[k], phase[k], keys[k], cpu[k]);
    std::fprintf(f, "llvmpipe_cpu_median_ms %.3f\n", llvmpipe_median);
    std::fprintf(f, "frame_cpu_ms %.3f\nvertices %u\nindices %u\ndraw_cmds %u\nupload_kib %.1f\noffscreen_redraws %.3f\n"
                 "offscreen_kpixels %.1f\n", cpu_total, vertices, indices, cmds, upload_mean / 1024.0, redraws_mean, kpixels_mean);
    if (window_frames > 0)
      std::fprintf(f, "cpu_main_ms %.3f\ncpu_llvmpipe_ms %.3f\ncpu_trainer_ms %.3f\ncpu_other_ms %.3f\ntrainer_steps_per_s %.2f\n",
                   d.main, d.llvmpipe, d.trainer, d.other, steps_per_second);
    for (size_t k = 0; window_frames > 0 && k < s.part_sum_ms.size(); ++k) {
      char key[64];  // one word: "point colours" is point_colours
      std::snprintf(key, sizeof key, "%s", k == 0 ? "encode" : kPaneViews[k - 1]->name);
      std::replace(key, key + std::strlen(key), ' ', '_');
      std::fprintf(f, "view_cpu_ms.%s %.3f\nview_busy.%s %.3f\n", key, s.part_sum_ms[k] / window_frames, key,
                   static_cast<double>(s.part_busy_frames[k]) / window_frames);
    }
    std::fprintf(f, "# frame ms app_allocs gl_allocs ui_cpu views_cpu gl_cpu swap_cpu vertices draw_cmds upload_bytes offscreen_redraws llvmpipe_cpu\n");
    for (int i = 0; i < s.count; ++i)
      std::fprintf(f, "%d %.3f %u %u %.3f %.3f %.3f %.3f %u %u %u %u %.3f\n", i, s.frame_ms[i], s.app_allocs[i], s.gl_allocs[i],
                   s.phase_cpu_ms[0][i], s.phase_cpu_ms[1][i], s.phase_cpu_ms[2][i], s.phase_cpu_ms[3][i], s.vertices[i],
                   s.draw_cmds[i], s.upload_bytes[i], static_cast<unsigned>(s.offscreen_redraws[i]), s.llvmpipe_ms[i]);
    std::fclose(f);
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Backgrounds
//-----------------------------------------------------------------------------
// Software GL pays per blended pixel, so the large flat areas are not ImGui quads: the window is
// cleared in the centre's colour and the left column in its own (a scissored clear). Dear ImGui
// then draws everything else on top, the maps' and plots' offscreen drawings as opaque images.

static void frame_backgrounds(const AppState& app, int fb_width, int fb_height) {
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  glDisable(GL_SCISSOR_TEST);
  glViewport(0, 0, fb_width, fb_height);
  const Theme& theme = *app.theme;
  glClearColor(theme.centre_bg[0], theme.centre_bg[1], theme.centre_bg[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, 0, static_cast<GLsizei>(std::round(left_column_width(app) * scale.x)), fb_height);
  glClearColor(theme.left_column_bg[0], theme.left_column_bg[1], theme.left_column_bg[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
}

//-----------------------------------------------------------------------------
// [SECTION] gui_main
//-----------------------------------------------------------------------------

static void glfw_error_callback(int error, const char* description) {
  std::fprintf(stderr, "latentlab: GLFW error %d: %s\n", error, description);
}

// Nothing to animate and nobody touching anything: the loop may sleep until an event.
static bool app_is_idle(const AppState& app) {
  if (app.launch.frames > 0 || app.script.next < app.script.commands.size()) return false;
  if (app.snap && app.snap->running) return false;
  if (app.interp.show && app.interp.playing) return false;
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].pass_next >= 0 || app.panes[p].view.follow_data) return false;
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsAnyItemActive() || io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0) return false;
  for (bool down : io.MouseDown)
    if (down) return false;
  return true;
}

int gui_main(int argc, char** argv) {
  // Our state, from the flags; the data first, so that a bad --data fails before a window opens.
  AppState app;
  if (!launch_parse(argc, argv, &app.launch)) return 0;
  if (!app.launch.script.empty()) script_load(&app.script, app.launch.script);
  std::vector<Network> loaded;  // --load: one network, explored in single-model mode
  std::shared_ptr<Session> session;  // --load: a session, its data loaded instead of --data's
  if (!app.launch.load.empty() && is_session_path(app.launch.load)) {
    session = std::make_shared<Session>(session_load(app.launch.load));
    if (!data_flags_given_in(argc, argv)) app.launch.data = session->data;
    app.launch.model = session->models.back().network.config;
    app.launch.twin = session->models.size() == 2;
    for (const SessionModel& m : session->models) loaded.push_back(m.network);
  } else if (!app.launch.load.empty()) {
    loaded.push_back(network_load_file(app.launch.load));
    app.launch.model = loaded[0].config;
    app.launch.twin = false;
  }
  edit_from_launch(app.launch, &app.edit);
  app.lr = app.launch.lr;
  app.batch = app.launch.batch;
  app.data_spec = app.launch.data;
  app.builtin_names = builtin_dataset_names();
  std::shared_ptr<const Dataset> data = std::make_shared<const Dataset>(load_dataset(app.data_spec));
  // A session trained on other data than --data's: the app starts with fresh models of its shape on
  // --data's data and asks (gui_session.cpp's prompt: the session's data, or this data). Without a
  // --data flag the data is the session's own, changed since: nothing else to load, so go on with it.
  std::shared_ptr<const Session> other_data;
  if (session && session->data_hash != session_data_hash(*data)) {
    if (data_flags_given_in(argc, argv)) {
      other_data = std::move(session);
      session.reset();
      loaded.clear();
    } else {
      std::fprintf(stderr, "latentlab: warning: '%s' was trained on data that has changed since (its hash differs); going on with %s\n",
                   printable_path(app.launch.load).c_str(), printable_path(data->name).c_str());
    }
  }
  if (!loaded.empty() && loaded[0].config.input_size != data->features())
    throw InputError("'" + printable_path(app.launch.load) + "': the saved model takes " +
                     std::to_string(loaded[0].config.input_size) + " features but " + printable_path(data->name) +
                     " has " + std::to_string(data->features()));
  std::string config_error;
  std::vector<ModelConfig> configs = edit_to_configs(app.edit, &config_error);
  if (!config_error.empty()) throw UsageError("latentlab gui: " + config_error);
  if (!loaded.empty()) {  // the file's own, whatever the panel's limits
    configs.clear();
    for (const Network& n : loaded) configs.push_back(n.config);
  }

  // Window and GL 3.3 core context.
  glfwSetErrorCallback(glfw_error_callback);
  if (!glfwInit()) {
    std::fprintf(stderr, "latentlab: cannot open a window (no display?); headless subcommands: latentlab --help\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(app.launch.width, app.launch.height, "latentlab", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "latentlab: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(app.launch.no_vsync ? 0 : 1);
  if (!gladLoadGL(glfwGetProcAddress)) {
    std::fprintf(stderr, "latentlab: cannot load OpenGL 3.3 functions\n");
    glfwDestroyWindow(window);
    glfwTerminate();
    return 1;
  }
  app.window = window;
  // Automated runs: park the pointer in the window's top-left corner, over the title, so that
  // wherever Xvfb left it no tooltip lands in the screenshots.
  if (app.launch.frames > 0 || !app.launch.script.empty()) glfwSetCursorPos(window, 1, 1);
  float scale_x = 1, scale_y = 1;
  glfwGetWindowContentScale(window, &scale_x, &scale_y);
  app.presenter.content_scale = std::max(1.0f, std::max(scale_x, scale_y));

  // Dear ImGui context, style, fonts and backends.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed from the window size every frame
  presenter_apply(app);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  // GL resources and the trainer.
  std::string gl_error;
  if (!point_renderer_init(&app.point_renderer, &gl_error) || !image_renderer_init(&app.image_renderer, &gl_error)) {
    std::fprintf(stderr, "latentlab: %s\n", gl_error.c_str());
    return 1;
  }
  stats_init(&app.stats);
  OptimizerConfig optimizer;
  optimizer.lr = app.lr;
  TrainerOptions trainer_options;
  trainer_options.batch = app.batch;
  trainer_options.threads = 1;  // the other core renders
  trainer_options.yield_to_ui = true;  // frames first; training takes the CPU they leave
  app.trainer = std::make_unique<Trainer>(data, configs, optimizer, trainer_options, loaded);
  app_set_data(app, data);
  if (session) {
    session_view_apply(app, session->view);  // the switches, probes and interpolation it was saved with
    app.trainer->load_session(session);
    // The first frame shows the session, not the seeds' models: the trainer takes the command at once
    // (it is idle until started); a session it refuses leaves an event and the fresh models.
    const std::shared_ptr<const Snapshot> before = app.trainer->snapshot();
    for (int i = 0; i < 2000 && app.trainer->snapshot() == before; ++i) glfwWaitEventsTimeout(0.001);
    app.session.path = app.launch.load;
    app.session.recent.push_back(app.launch.load);
  }
  if (other_data) {
    app.session.mismatch = std::move(other_data);
    app.session.mismatch_path = app.launch.load;
  }
  // Autosave: every 5 minutes by default, off for automated runs unless asked for; the last autosave
  // is offered when nothing was asked to be loaded (also in an automated run that asked for autosave,
  // so that a test can answer the offer: tests/test_gui_resume.sh).
  const bool automated = app.launch.frames > 0 || !app.launch.script.empty();
  app.session.autosave_minutes = app.launch.autosave_minutes >= 0 ? app.launch.autosave_minutes : automated ? 0 : 5;
  if (app.session.autosave_minutes > 0 && app.launch.load.empty() && (!automated || app.launch.autosave_minutes > 0))
    session_offer_autosave(app);
  // The welcome screen at first launch (never in automated runs: tests ask for it with `welcome on`),
  // unless the app is resuming work: an autosave on offer or a file asked for.
  app.lesson_queue.exits_on_failure = false;
  if (!automated && app.session.offer.empty() && app.launch.load.empty()) lessons_welcome_at_start(app);
  if (!app.launch.paused) app.trainer->start();

  // Main loop.
  // Automated runs (a script, --frames) are paced to 60 frames a second, as a display's vsync paces
  // the app for a user: under Xvfb nothing waits in the swap, and unpaced frames take CPU that a
  // second GUI test beside this one needs (CI runs them two at a time). Not with --no-vsync
  // (frame-time measurements); the wait is not counted in a frame's time.
  const bool paced = automated && !app.launch.no_vsync;
  constexpr double kPacedFrameSeconds = 1.0 / 60;
  int idle_frames = 0;
  app.stats.last_time = glfwGetTime();
  double frame_start = app.stats.last_time;
  while (!app.quit && !glfwWindowShouldClose(window)) {
    const double since_start = glfwGetTime() - frame_start;
    if (idle_frames > 30) {
      glfwWaitEventsTimeout(0.25);
    } else if (paced && since_start < kPacedFrameSeconds) {
      const double before = glfwGetTime();
      glfwWaitEventsTimeout(kPacedFrameSeconds - since_start);
      app.stats.last_time += glfwGetTime() - before;
    } else {
      glfwPollEvents();
    }
    const double now = glfwGetTime();
    frame_start = now;
    app.dt = std::min(0.25, std::max(1e-4, now - app.now));
    app.now = now;
    double marks[5], cpu_marks[5];
    marks[0] = glfwGetTime();
    cpu_marks[0] = thread_cpu_seconds();
    // GLFW's per-frame queries go through Xlib, which allocates: counted with the driver's share.
    const uint64_t allocs_platform_start = thread_alloc_count();
    ImGui_ImplGlfw_NewFrame();
    const uint64_t allocs_platform = thread_alloc_count() - allocs_platform_start;
    const uint64_t allocs_at_start = thread_alloc_count();
    const uint64_t driver_at_start = t_driver_allocs;
    script_step(app);
    presenter_apply(app);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    shortcuts_handle(app);  // the table of gui_shortcuts.cpp: space, S, R, H, M, I, F1, Ctrl+S, Ctrl +/-/0, ...
    layout_begin_frame(&app.layout);
    ui_left_column(app);  // with the menu bar
    ui_centre(app);
    ui_file_browser(app);
    session_update(app);  // a requested save, when the trainer has answered; autosave when due
    marks[1] = glfwGetTime();
    cpu_marks[1] = thread_cpu_seconds();
    views_update(app);  // encode a slice, decode probes / manifold / strips, upload textures
    marks[2] = glfwGetTime();
    cpu_marks[2] = thread_cpu_seconds();
    ImGui::Render();
    const uint64_t allocs_driver_in_app = t_driver_allocs - driver_at_start;
    const uint64_t allocs_app = thread_alloc_count() - allocs_at_start - allocs_driver_in_app;
    views_render_maps(app);  // GL work, counted with the driver (llvmpipe allocates per instance)
    loss_plots_render(app);

    int fb_width = 0, fb_height = 0;
    glfwGetFramebufferSize(window, &fb_width, &fb_height);
    frame_backgrounds(app, fb_width, fb_height);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    marks[3] = glfwGetTime();
    cpu_marks[3] = thread_cpu_seconds();
    const bool last_frame = app.launch.frames > 0 && static_cast<int>(app.frame) + 1 >= app.launch.frames;
    if (last_frame && !app.launch.screenshot.empty() && app.screenshot_request.empty())
      app.screenshot_request = app.launch.screenshot;
    if (!app.screenshot_request.empty()) {
      std::string error;
      if (!window_write_png(app.screenshot_request.c_str(), fb_width, fb_height, &error)) {
        std::fprintf(stderr, "latentlab: %s\n", error.c_str());
        app.exit_code = 1;
      }
      app.screenshot_request.clear();
    }
    export_after_render(app, fb_width, fb_height);  // Export > Whole window, a frame after the menu closed
    glfwSwapBuffers(window);
    marks[4] = glfwGetTime();
    cpu_marks[4] = thread_cpu_seconds();
    const uint64_t allocs_gl = thread_alloc_count() - allocs_at_start - allocs_app + allocs_platform;  // incl. uploads

    const double end = glfwGetTime();
    stats_record(app, static_cast<float>((end - app.stats.last_time) * 1000.0), allocs_app, allocs_gl, marks, cpu_marks);
    app.stats.last_time = end;
    idle_frames = app_is_idle(app) ? idle_frames + 1 : 0;
    ++app.frame;
    if (last_frame) break;
  }
  if (app.launch.frames > 0 || !app.launch.frame_stats.empty()) stats_report(app);

  // Clean up in reverse.
  session_save_on_close(app);  // the autosave on close (when autosave is on)
  app.trainer.reset();  // joins the training thread
  for (int p = 0; p < kMaxPanes; ++p) pane_free_gl(app.panes[p]);
  loss_plots_free(app);
  gpu_image_free(&app.data_grid);
  gpu_image_free(&app.hover_image);
  image_renderer_free(&app.image_renderer);
  point_renderer_free(&app.point_renderer);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return app.exit_code;
}
