// The explorer's state, all of it in one struct (AppState), and the flat API of the GUI's files.
// Each panel is one function taking the AppState. Everything here lives on the main thread: the
// training thread is reached only through Trainer commands, and read only through the immutable
// snapshots it publishes. Buffers are sized when the data or the models change, so a steady-state
// frame reuses them and allocates nothing.
//
// Index:
//   [SECTION] Limits and launch options
//   [SECTION] Latent map: plane, view, per-model pane
//   [SECTION] Interpolation
//   [SECTION] File browser and script
//   [SECTION] AppState
//   [SECTION] API by file
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ctime>
#include <string>
#include <vector>

#include <imgui.h>

#include "data/dataset.h"
#include "measure/interpolate.h"
#include "models/model.h"
#include "train/trainer.h"
#include "gui_help.h"
#include "gui_layout.h"
#include "gui_theme.h"
#include "gui_render.h"
#include "views.h"
#include "pca_map.h"

struct GLFWwindow;

//-----------------------------------------------------------------------------
// [SECTION] Limits and launch options
//-----------------------------------------------------------------------------

constexpr int kMaxPanes = 3;        // maps side by side: twin mode's AE and VAE, then the PCA map (pca_map.h)
constexpr int kMaxSelected = 8;     // selected samples (rings, sigma ellipses)
constexpr int kEncodeChunk = 512;   // samples encoded per model per frame; a map refresh is a few frames
constexpr int kGalleryCols = 5, kGalleryRows = 4;   // decodes of z ~ N(0, I)
constexpr int kReconCount = 10;     // originals beside their reconstructions
constexpr int kReconRows = 5;       // ... shown as kReconRows rows of original|reconstruction pairs
constexpr int kGridCols = 12, kGridRows = 3;        // the Data panel's sample grid
constexpr int kMaxFrameRecords = 1 << 16;           // frame times kept for --frame-stats
constexpr int kMaxInterpSteps = 24;                 // interpolants between endpoints A and B
constexpr int kInterpReference = kDistanceReference;      // "the data" for distances: the CLI's rule
constexpr int kInterpCalibration = kDistanceCalibration;  // (core/measure/interpolate.h)
constexpr int kInterpControlGroups = 9;             // the controls under the panes (gui_interpolation.cpp)
constexpr int kInterpCurvePoints = 48;              // the path on a map, as a polyline
constexpr int kMaxVerdictPairs = 1000;              // the interpolation verdict's pairs (kVerdictPairs by default)
constexpr int kMaxLegendLabels = 20;                // the toolbar's legend names this many labels, then "... and K more"
constexpr int kMaxShownWarnings = 4;                // a load's warnings shown in the Data panel (the rest on hover)
constexpr int kEventsShown = 3;                     // the trainer's newest events in the Training panel
constexpr int kMaxMapLayers = 2;                                // views' images under a map's points

struct LaunchOptions {
  DataSpec data;                    // --data, --labels, --train-count
  int width = 1600, height = 900;   // window size in screen coordinates (before content scale)
  int frames = 0;                   // run this many frames, then exit 0; 0 = until the window closes
  std::string screenshot;           // PNG of the last frame
  std::string script;               // actions to replay
  std::string frame_stats;          // where to write frame times (and the median) on exit
  int max_points = 10000;           // points per map; above this a fixed subsample is shown
  bool twin = true;                 // --model twin: two models side by side, --pair's
  ComparePair pair = ComparePair::AeVae;
  ModelConfig model;                // --model (single mode), --hidden, --latent, --activation, --seed and
                                    // the hyperparameters (app/cli add_model_flags)
  float lr = 3e-3f;
  int batch = 128;
  bool paused = false;              // open without training
  bool no_vsync = false;
  std::string load;                 // --load: a session (.llsession), or a network (.llnet, .safetensors) in single-model mode
  double autosave_minutes = -1;     // --autosave-minutes; -1: 5, or off for --frames and --script runs
};

//-----------------------------------------------------------------------------
// [SECTION] Latent map: plane, view, per-model pane
//-----------------------------------------------------------------------------

// How a latent code becomes a point on the 2-D map: a chosen pair of dimensions, or the plane of
// the codes' two principal components. Plane coordinates (u, v) are z[dim_x], z[dim_y], or the
// projections of z on the two axes. A plane point lifts back to the code with the other
// coordinates taken from the plane's mean.
enum class PlaneMode { Dims, Pca };

struct Plane {
  int latent = 0;
  PlaneMode mode = PlaneMode::Dims;
  int dim_x = 0, dim_y = 1;  // Dims; dim_y = -1 when latent == 1
  Vec mean;                  // (latent) mean code of the map's points
  Vec axis_u, axis_v;        // (latent) unit principal axes, Pca only
  Mat cov;                   // (latent, latent) scratch for the PCA; for a wide code (latent, kPlaneFitPoints),
                             // the centred codes of a strided subset (gui_compute.cpp, plane_fit)
  Vec scratch;               // (latent)
};

// The visible part of the plane. Follows the data (smoothed) until the user pans or zooms.
struct MapView {
  float center[2] = {0, 0};         // plane coordinates at the map's centre
  float half_extent = 3;            // plane units from the centre to the nearer edge of the map
  float target_center[2] = {0, 0};  // where following the data is heading
  float target_half_extent = 3;
  bool follow_data = true;
  bool has_target = false;
  double glide_time = -1;           // when following the data last moved the view
  ImVec2 rect_min = {0, 0}, rect_max = {0, 0};  // the map on screen, this frame
};

// Everything one model's map needs, preallocated per data/model shape.
struct ModelPane {
  int latent = 0, features = 0;  // the shapes the buffers below are sized for; 0 = not yet
  ModelKind kind = ModelKind::Plain;
  bool pca = false;                // the PCA map's pane (views/pca_map.h): the data's PCA, not a trained model
  // The map's points: codes of AppState::point_indices from the newest complete encoding pass.
  Mat codes;                       // (latent, points); mu for a VAE
  std::vector<float> plane_xy;     // (2 * points) codes on the plane: what the GPU draws
  uint64_t codes_version = 0;      // snapshot version of `codes`; 0 = none yet
  double codes_time = -1;          // when the last pass started
  int chunks_per_frame = 1;        // raised when a pass takes longer than kRefreshSeconds
  int encode_chunk = kEncodeChunk; // samples a slice encodes: fewer for a costlier encoder (pane_configure)
  int encode_take = kEncodeChunk;  // samples the next slice encodes: encode_chunk, fewer when slices cost more CPU than the budget
  double encode_sample_cpu = 0;    // CPU seconds a sample's encoding took in the last slices (0: none measured yet)
  // The encoding pass in progress: a pinned snapshot, encode_chunk samples a slice.
  std::shared_ptr<const Snapshot> pass_snapshot;
  int pass_next = -1;              // next point to encode; -1 = no pass running
  Mat pass_codes;                  // (latent, points)
  Mat chunk_x;                     // (features, encode_chunk)
  Mat chunk_code;                  // (latent, encode_chunk)
  std::vector<int> chunk_indices;  // (encode_chunk)
  InferenceWorkspace encode_ws;
  std::vector<float> fit_scratch;  // (points) for the auto-fit percentiles
  Plane plane;
  MapView view;
  PointCloud cloud;
  uint64_t positions_serial = 0;   // bumped whenever plane_xy is uploaded again
  // The map drawn offscreen (background, manifold, points); redrawn only when its key changes.
  MapTarget target;
  float target_key[9] = {};        // view, size, scale, style it was drawn with
  uint64_t target_positions = 0;
  uint64_t target_layers[kMaxMapLayers] = {};  // serials of the views' map layers it was drawn with
  double target_time = -1;         // when it last redrew for new content
  bool target_stale = false;       // new content is waiting for the map's turn to redraw
  int hover_point = -1;            // index into the points under the mouse, -1 = none
  // Selected samples: their codes and (VAE) log-variances, for rings and sigma ellipses.
  uint64_t selection_version = 0;  // snapshot version of the selection's codes
  uint64_t selection_serial = 0;   // AppState::selection_serial they were encoded for
  Mat selection_x, selection_mu, selection_logvar;  // (features, kMaxSelected), (latent, kMaxSelected) x2
  InferenceWorkspace selection_ws;
  uint64_t plane_serial = 0;       // bumped whenever the plane (its mean or axes) moves: lifted points move
  // The views (views/views.h), one member each; their lifecycle runs through kPaneViews.
  HoleMapView holes;
  DecoderJacobianView decoder_j;
  ProbeView probe;
  ManifoldView manifold;
  StripsView strips;
  InterpView interp;
  PointColorsView point_colors;
  KlView kl;
  TraversalView traversal;
  AnomalyView anomaly;
  DenoiseView denoise;
  ColouriseView colourise;
  LinearProbeView linear_probe;
  RateDistortionView rate_distortion;
  FeedView feed;
  CodeUnitsView units;
  SensitivityView sensitivity;
  FactorsView factors;
  ArithView arith;
};

//-----------------------------------------------------------------------------
// [SECTION] Interpolation
//-----------------------------------------------------------------------------

// The verdict over many pairs (gui_interpolation.cpp): the pairs, measure and rule of `latentlab
// interpolate` (verdict_pairs, measure_pair, pair_verdict in core/measure/interpolate.h), measured against
// one snapshot a few (pair, model) steps per frame, and started again on newer weights.
struct InterpVerdict {
  int pairs_wanted = kVerdictPairs;
  int pairs_edit = kVerdictPairs;  // the Pairs field as typed, applied when the field is left
  uint64_t seed = 1;               // the Model panel's seed they were picked with (`interpolate --seed`)
  std::vector<std::pair<int, int>> pairs;  // held-out pairs, verdict_pairs(data, seed, pairs_wanted)
  int pairs_for = 0;               // the pairs_wanted they were picked for
  std::weak_ptr<const Dataset> pairs_data;  // the dataset they were picked in
  // The sweep in progress: every pair, first for model 0, then model 1, with the weights of `snap`.
  std::shared_ptr<const Snapshot> snap;
  int steps = 0;                   // Interpolation::steps and slerp it measures with
  bool slerp = false;
  int next = 0;                    // (pair, model) steps done: pair next / 2, model next % 2
  std::vector<double> mean[2], midpoint[2];  // (pairs) each model's mean and midpoint distance
  PairWorkspace ws[2];              // one per model: their shapes differ (a VAE's encoder is wider)
  PathMeasure measure;
  // The last finished sweep: what the summary shows.
  bool done = false;
  uint64_t done_version = 0;       // the snapshot it measured
  double done_time = -1;           // when it finished
  PairVerdict result;
  std::string text;                // pair_verdict_text(result), made once per sweep
  std::vector<double> done_mean[2], done_midpoint[2];
};

struct InterpLines;  // the lines set's exact measure: its workers and figures (gui_interpolation.cpp)

// The shared half of the interpolation view (per-model halves: InterpView in views.h): the endpoints,
// the path's shape, the slider, and the distance to the data that every model is measured with.
struct Interpolation {
  bool show = false;               // the toolbar's toggle: strips replace the panes' bottom rows
  int a = -1, b = -1;              // dataset samples at the ends; -1 = not chosen yet
  int steps = 9;                   // interpolants between A and B
  bool slerp = false;              // the VAE's path is spherical (the AE's is always linear)
  float t = 0.5f;                  // the slider, 0 = A .. 1 = B
  bool playing = false;
  float play_direction = 1;        // the animation runs A -> B -> A ...
  int pick = 0;                    // map clicks pick endpoints: 0 off, 1 the next click sets A, 2 B
  int pick_point = -1;             // pick == 2: the map point clicked for A (an index into the points)
  uint64_t serial = 1;             // bumped whenever a, b, steps or the path kind change
  Rng rng{20261121};               // random pairs
  int edit_a = -1, edit_b = -1;    // the typed indices, applied when the field is left
  // The distance to the data: built once per dataset, when the view is first opened.
  std::unique_ptr<DataDistance> distance;
  std::weak_ptr<const Dataset> distance_data;  // the dataset it was built from
  std::string error;               // why there is no distance (e.g. no held-out samples)
  uint64_t measure_frame = 0;      // the frame that showed "measuring"; the distance is built after it
  InterpVerdict verdict;
  std::shared_ptr<InterpLines> lines;  // made the first time the view shows the lines set
  float control_widths[kInterpControlGroups] = {};  // the controls' groups last frame: they wrap in a narrow window
  int control_rows = 1;            // rows they take under the panes this frame
};

//-----------------------------------------------------------------------------
// [SECTION] File browser and script
//-----------------------------------------------------------------------------

struct FileEntry {
  std::string name;
  bool is_dir = false;
  uintmax_t size = 0;
};

enum class BrowseTarget { Data, Labels, ExportFolder };

struct FileBrowser {
  bool open_requested = false;
  bool focus_path = false;        // put the keyboard in the path field next frame (on open, Ctrl+O)
  BrowseTarget target = BrowseTarget::Data;
  char path[1024] = "";           // the folder being listed (editable)
  std::string listed;             // the folder `entries` belongs to
  std::vector<FileEntry> entries;
  std::string list_error;
  int selected = -1;
  // Options for what is opened next; `options = {}` puts them back to these defaults.
  struct OpenOptions {
    char labels[1024] = "";
    char csv_label_column[64] = "";
    int image_size = 28;
    bool rgb = false;
  } options;
};

enum class ScriptOp {
  Train, Start, Pause, Reset, Probe, Select, Panel, Screenshot, DumpProbe, Wait, Sync,
  Data, Zoom, Fit, Plane, State, Quit, Rebuild, WaitFile, BrowserDefaults, DumpHoles, ColorBy, LayoutCheck, LayoutPlant, UiScale, Theme, InsideTab,
  Interp, InterpRandom, InterpSteps, InterpPath, InterpT, InterpPlay, InterpPick, DumpInterp,
  InterpVerdict, InterpPairs, DumpInterpPairs, WaitReadable,
  UiType, UiClick, UiHover, BrowserLabels, BrowserOpen, SaveModels, SessionSave, SessionOpen, AnomalyScoreOp, AnomalyQuantile,
  DenoiseNoise, FeedStroke, FeedClear, EarlyStop, OverfitPreset, Nudge, Arith, ArithStrength, ArithLasso,
  MouseMap, Set, ModelDefaults, Lesson, LessonShowMe, LessonClose, Welcome, LessonsParse, Export, ExportFolder, BrowserFolder, RightClick,
  FailWrites, FailBuilds, Autosave, Holdout, SessionData, SessionResume,
  LinearProbeMeasure, RateDistortionMeasure
};

// One frame of mouse and keyboard input that a script gives Dear ImGui in place of the real devices
// (ui-type, ui-click, ui-hover): the panels' real controls get it, as they would from a user.
struct ScriptInput {
  ImVec2 mouse = {0, 0};
  bool mouse_down = false;
  bool right_down = false;  // the right button (right-click)
  bool ctrl = false;
  int key = -1;            // a GLFW key code held down this frame, -1: none
  unsigned character = 0;  // a character typed this frame, 0: none
};

struct ScriptCommand {
  ScriptOp op;
  int line = 0;
  std::vector<std::string> args;
};

// A queue of script commands run a few per frame (gui_script.cpp). Two exist: the --script file's, whose
// failing command ends the app with status 1 (tests), and the open lesson's (set-up and "show me"
// snippets, gui_lessons.cpp), whose failing command stops that queue and shows its message in the lesson
// panel while the app goes on.
struct Script {
  std::string path;                // its name in messages: the file, or "lesson holes, step 2"
  bool exits_on_failure = true;    // false: a failure is kept in `error` and the queue is emptied
  std::string error;               // the last failure of a queue that does not exit
  std::vector<ScriptCommand> commands;
  size_t next = 0;
  // What the current command waits for.
  int wait_frames = 0;
  bool wait_newer = false;         // until the trainer publishes a snapshot newer than wait_version,
  uint64_t wait_version = 0;       // and whose commands_applied reaches wait_commands (Trainer::commands_sent
  uint64_t wait_commands = 0;      // when the command was sent), i.e. it has carried out every command sent so far
  int train_pending = 0;           // train: steps to ask for once the trainer has paused
  int64_t wait_step = -1;          // train: until the trainer reaches this step, paused
  bool wait_sync = false;          // until every view reflects the newest snapshot
  std::string wait_file;           // until this file exists (a driver outside the app says "go on")
  bool wait_verdict = false;       // until the interpolation's verdict over many pairs has the newest weights
  bool wait_lesson = false;        // lesson / lesson-show-me: until the lesson's queue has run (or failed)
  bool wait_save = false;          // session-save / autosave: until the save is written, or has failed
  // wait-readable: until every map separates its labels (knn_label_accuracy of its held-out points).
  double readable_target = 0;      // the accuracy to reach; 0 = not waiting
  uint64_t readable_checked[kMaxPanes] = {};  // the codes_version last scored
  double readable_accuracy[kMaxPanes] = {};   // its score
  double readable_seconds[kMaxPanes] = {};    // seconds since launch when it first held; 0 = not yet
  int64_t readable_step[kMaxPanes] = {};      // the training step of the weights it was scored on
  std::vector<ScriptInput> input;  // ui-type / ui-click: one entry per frame, played before anything else
  size_t input_next = 0;
  bool hovering = false;           // ui-hover: `hover` is played every frame until the next ui- command
  ScriptInput hover;
  double wait_started = 0;
  bool failed = false;
};

//-----------------------------------------------------------------------------
// [SECTION] AppState
//-----------------------------------------------------------------------------

// The GUI's hidden widths when none are given: one dense layer of 256 for an MLP (the command
// line's `gui --hidden` default), image_arch_default_hidden (models/model.h) for the others.
constexpr const char* kGuiMlpHidden = "256";
constexpr const char* kGuiConvHidden = "16";
static_assert(ModelConfig::kConvDenseWidth == 16, "kGuiConvHidden is its text");
inline const char* default_hidden_text(Architecture a) {
  if (!architecture_takes_images(a)) return kGuiMlpHidden;
  return image_arch_default_hidden(a).empty() ? "" : kGuiConvHidden;
}

// The Model panel's editable settings; architecture changes apply with "Rebuild".
struct ModelEdit {
  bool twin = true;                 // compare mode: the two models of `pair` (models/kinds.h)
  ComparePair pair = ComparePair::AeVae;
  ModelConfig config;       // the kind (single-model mode), latent, activation, seed and every
                            // hyperparameter; `hidden` below is the text being typed
  char hidden[64] = {};      // set from the launch flags (edit_from_launch)
  std::string error;        // why the last rebuild was refused
};

// The toolbar's entries (gui_toolbar.cpp) flow like text; each one's width is measured as it is drawn.
constexpr int kToolbarMaxEntries = 32;
struct ToolbarState {
  float widths[kToolbarMaxEntries] = {};  // each entry's width last frame (0 before its first)
  bool plant_overlap = false;             // script `layout-plant`: a label drawn over the first entry, to show the check finds it
};

// Presenter mode (gui_main.cpp): the UI scale times the screen's own, and the light theme.
constexpr float kPresenterDefaultScale = 1.5f;  // what the toolbar's switch turns on
constexpr float kPresenterScaleStep = 0.25f;    // Ctrl + / Ctrl -
constexpr float kPresenterMaxScale = 2.5f;
// The smallest window, in units of the UI scale, that the layout is made and checked for (1920x1080 at
// 250%): a window smaller than that many scaled pixels gets the largest scale step that fits (at
// least 100%), and the toolbar says so. 250% on a 1024x640 window would leave 410x256.
constexpr float kPresenterMinWidth = 768, kPresenterMinHeight = 432;
struct PresenterState {
  bool on = false;            // the toolbar's switch
  float scale = 1;            // 1 .. kPresenterMaxScale: asked; AppState::ui_scale = content_scale * fitted
  float fitted = 1;           // the scale applied: `scale`, or less where the window cannot hold it
  bool light = false;         // the light, high-contrast theme
  float content_scale = 1;    // the monitor's (HiDPI)
  bool applied = false;       // fonts and style built at least once
};

// The decoded manifold's grid (view_manifold.cpp): a tile at the centre of every cell of the
// visible map, or at the prior's quantiles (Kingma & Welling's figure). Its list: "linear", "quantiles".
enum class ManifoldGrid { Linear, PriorQuantiles };
template <> const ChoiceList& choice_list<ManifoldGrid>();

struct ViewOptions {
  bool show_manifold = false;
  bool show_holes = true;      // the hole map under the points
  bool show_decoder_j = false; // the decoder's ||J||_F under the points, in place of the hole map (view_decoder_jacobian.cpp)
  int color_by = 0;            // the points' colour: 0 label, 1..F the data's factor F-1, F+1 reconstruction error
  bool show_prior = true;      // VAE: prior 1 and 2 sigma circles, sigma ellipses of selected points
  bool link_probes = true;
  bool show_gallery = true;
  bool show_recon = true;
  bool log_scale = true;       // loss curves
  PlaneMode plane_mode = PlaneMode::Dims;
  int dim_x = 0, dim_y = 1;
  float point_radius = 2.6f;   // display pixels (times the UI scale)
  int manifold_tiles = 20;     // across the map
  ManifoldGrid manifold_grid = ManifoldGrid::Linear;
  bool show_points = true;     // off: the manifold (or hole map) is seen whole
  bool show_kl = false;        // VAE maps: KL per dimension and the beta trade-off (view_kl.cpp)
  bool show_anomaly = false;   // the row under each map: anomaly scores, threshold, top-k (view_anomaly.cpp)
  AnomalyScore anomaly_score = AnomalyScore::Elbo;  // recon where it does not apply (an AE)
  bool show_denoise = false;   // the row under each map: noisy -> reconstruction -> clean, PSNR curve (view_denoise.cpp)
  NoiseKind denoise_noise = KindFigureSettings{}.eval_noise;  // the corruption it shows: --eval-noise's default
  float denoise_level = KindFigureSettings{}.eval_noise_level;
  bool show_colourise = false;  // the row under each map on colour data: grey -> colourised -> original (view_colourise.cpp)
  bool show_rate_distortion = false;  // the row under each map: PSNR against bytes sent (view_rate_distortion.cpp)
  bool show_linear_probe = false;  // the row under each map: linear probe table, measured on request (view_linear_probe.cpp)
  bool show_feed = false;      // the row under each map: noise, blank, inverted, another set, drawn (view_feed.cpp)
  bool show_units = false;     // the row under each map: code activations, mean against rho, favourites (view_units.cpp)
  bool show_sensitivity = false;  // the row under each map: ||J|| per sample, the nudge demo (view_sensitivity.cpp)
  float sensitivity_size = 0.05f;  // the nudge's RMS per input value
  PerturbDirection sensitivity_direction = PerturbDirection::Random;
  bool show_factors = false;   // the row under each map: latent-factor MI heatmap and MIG (view_factors.cpp)
  bool show_arith = false;     // the row under each map: latent arithmetic's decodings (view_arith.cpp)
  bool show_pca = false;       // one more map: PCA of the data to the models' latent size (views/pca_map.h)
  bool show_data = true, show_model = true, show_training = true, show_loss = true;  // left panels
};

// A loss plot drawn offscreen (gui_panels.cpp): its draw list is rebuilt when the history, the
// plot's size or its scale changes, a few times a second at most, and rendered into `target` in the
// GL phase; every frame shows the target as one image. Dozens of thousands of line and marker
// vertices per frame become four.
struct LossPlot {
  std::unique_ptr<ImDrawList> list;  // created on first use (it needs the Dear ImGui context)
  MapTarget target;
  ImVec2 origin = {0, 0};            // display coordinates of the list's top-left corner
  int width = 0, height = 0;         // framebuffer pixels the list was built for
  bool log = false;
  float scale = 0;                   // ui_scale it was built with
  ModelKind kind = ModelKind::Plain;
  uint64_t version = 0;              // snapshot version drawn; 0 = none yet
  double time = -1;                  // when it was last rebuilt
  bool pending = false;              // rebuilt this frame: render it in the GL phase
};

// Wall-clock times depend on the machine's load; the main thread's CPU time per phase, what the
// frame asks of software GL (vertices, uploads, offscreen redraws) and the CPU time of every other
// thread (llvmpipe's rasterisers, the trainer) do not, so builds can be compared on a busy machine.
struct ThreadCpu {
  double main = 0, llvmpipe = 0, trainer = 0, other = 0;  // seconds of CPU since each thread started
};
struct FrameStats {
  std::vector<float> frame_ms;        // (kMaxFrameRecords) loop-to-loop time
  std::vector<uint32_t> app_allocs;   // (kMaxFrameRecords) main-thread allocations in our code and ImGui
  std::vector<uint32_t> gl_allocs;    // (kMaxFrameRecords) ... in GLFW/Xlib, GL render and swap
  std::vector<float> phase_ms[4];     // (kMaxFrameRecords) each: UI, views, GL render, swap
  std::vector<float> phase_cpu_ms[4]; // (kMaxFrameRecords) the same phases, main-thread CPU time
  std::vector<uint32_t> vertices, indices, draw_cmds;  // (kMaxFrameRecords) the frame's ImDrawData
  std::vector<uint32_t> upload_bytes; // (kMaxFrameRecords) GlTally: texture and buffer data uploaded
  std::vector<uint16_t> offscreen_redraws;        // (kMaxFrameRecords) GlTally
  std::vector<uint32_t> offscreen_kpixels;        // (kMaxFrameRecords) GlTally, thousands of pixels
  std::vector<float> llvmpipe_ms;     // (kMaxFrameRecords) CPU time of Mesa's rasteriser threads (from the window's start)
  std::vector<clockid_t> llvmpipe_clocks;  // their CPU clocks, found at the window's start
  double llvmpipe_last = 0;
  // Main-thread CPU of views_update's parts: [0] the maps' encoding passes, plane and selection,
  // [1 + v] kPaneViews[v]'s update. part_ms is this frame's (views_update fills it); the sums and
  // the frames in which a part ran (over 0.05 ms) cover the measured window.
  std::vector<double> part_ms, part_sum_ms;
  std::vector<int> part_busy_frames;
  int count = 0;
  double last_time = 0;
  float fps_smoothed = 0;
  // The measured window: from the first frame the report keeps to the last.
  ThreadCpu window_cpu;               // at its start
  double window_time = 0;             // glfwGetTime() at its start
  int64_t window_step = 0;            // the trainer's step at its start
};

struct LabelCount {
  int label = 0;
  int points = 0;  // how many of the map's points carry it
};

struct Session;  // train/session.h
// Sessions in the app (gui_session.cpp): Save, Open, Open Recent, autosave, the resume offer and the
// choice of data for a session trained on other data.
struct SessionUi {
  std::string path;                 // where Save writes: the session last opened or saved ("" = saved.llsession
                                    // in the state folder)
  std::string pending;              // a save waiting for the trainer's capture ("" = none)
  bool pending_autosave = false;
  uint64_t pending_serial = 0;      // the capture serial when it was asked for
  double autosave_minutes = 5;      // 0 = off
  double last_autosave = 0;         // app.now at the last one
  std::vector<std::string> recent;  // newest first; kept in the state folder's recent.txt while autosave is on
  bool recent_read = false;         // recent.txt merged in (the first session_update)
  std::string status;               // the last save's or open's outcome, shown in the File menu
  std::string offer, offer_text;    // the autosave offered at start ("" = none)
  bool offer_shown = false;
  // A session opened on data whose hash differs from its own, waiting for the user's choice: load
  // the session's data, or go on with the current data (null = no choice pending).
  std::shared_ptr<const Session> mismatch;
  std::string mismatch_path;
  bool mismatch_shown = false;
};

// Guided lessons (gui_lessons.cpp; the table: core/lessons/lessons.h).
struct Lesson;
struct LessonUi {
  const Lesson* open = nullptr;     // the lesson in the side panel, nullptr = none
  std::string session;              // the bundled session it started from ("" = set up from scratch)
  int running_step = -1;            // the step whose "show me" runs now; -1 = the set-up (while busy)
  bool answer_shown = false;
  bool panel_open = true;           // the panel's header is expanded
  bool welcome_requested = false;   // open the welcome screen next frame
  bool welcome_showing = false;
  int welcome_choice = 0;           // the lesson picked in its list
  int welcome_rows_visible = 0, welcome_columns = 1;  // the list's layout this frame (state dump)
  bool welcome_compact = false;
};

// Exports (gui_export.cpp): PNGs of what the views show, decoded afresh from the newest snapshot,
// and CSVs of the codes and the loss history, into a folder; from the Export menu, a right-click on
// a map or the row under it, and the script's `export`. Its list (names, titles, tooltips) is one
// ChoiceList; what each kind writes is a row of gui_export.cpp's kExportKinds.
enum class ExportKind { Manifold, Strip, Gallery, Recon, Traversal, Window, Codes, Loss };
template <> const ChoiceList& choice_list<ExportKind>();
constexpr int kExportMinTiles = 8, kExportMaxTiles = 64;  // the decoded manifold's tiles per side
struct ExportUi {
  char folder[1024] = "";          // where the menu's exports go; "" until first use: ~/latentlab-exports
  int manifold_tiles = 24;         // the manifold PNG's tiles per side
  std::string status;              // the last export's outcome: where each file went, or why not
  bool status_error = false;
  double status_time = -1;         // app.now when it was set
  std::string window_path;         // the window's PNG: written after a later frame renders (the menu closed)
  int window_frames = 0;           // frames to let pass first
  int context_place = 0;           // the right-click menu open: on a map (1) or the row under it (2)
  uint64_t context_frame = 0;      // the last frame a right-click menu was drawn in (the state dump)
};

// Keyboard shortcuts (gui_shortcuts.cpp): one table drives the keys and the help overlay (F1, ?).
struct ShortcutsUi {
  bool overlay = false;            // the help overlay listing every shortcut
  bool about = false;              // Help > About
  int fired = 0;                   // shortcuts acted on since launch (the state dump: was a key seen?)
};

struct AppState {
  LaunchOptions launch;
  GLFWwindow* window = nullptr;
  float ui_scale = 1;                // presenter.content_scale * presenter.scale, applied between frames
  const Theme* theme = &kThemeDark;  // every colour drawn (gui_theme.h)
  PresenterState presenter;
  ImFont* font_large = nullptr;
  double now = 0, dt = 0;
  uint64_t frame = 0;
  bool quit = false;
  int exit_code = 0;

  // Data: the current dataset, what goes on the maps, and the Data panel's preview.
  DataSpec data_spec;
  std::vector<std::string> builtin_names;  // load_dataset's built-in sources
  std::shared_ptr<const Dataset> data;
  // Holding a label out of training (the Data panel, gui_data.cpp; measure/anomaly.h's policy): `data`
  // is then data_all without the training samples of holdout_label. A session records data_all's hash
  // and not the hold-out (a lesson sets it again). Loading other data clears it.
  std::shared_ptr<const Dataset> data_all;
  int holdout_label = -1;            // -1 = every label trains
  std::string data_error;            // the last failed load; the current dataset stays
  std::vector<int> point_indices;    // samples on the map: held-out first, then training samples
  std::vector<uint8_t> point_colors; // (4 * points) RGBA by label
  std::vector<LabelCount> label_counts;  // the labels among the points, in label order (never one per
                                         // possible label value: a label may be 99999)
  int label_total = 0;               // distinct labels in the whole dataset
  std::vector<int> recon_indices;    // (kReconCount) held-out samples, one per label where possible
  float display_lo = 0, display_hi = 1;  // data values mapped to black and white
  int tile_w = 28, tile_h = 28;      // a sample drawn as an image; non-image data becomes a square
  GpuImage data_grid;
  std::vector<uint8_t> grid_rgba;

  // Models: the trainer, its newest snapshot, and one pane per model.
  std::unique_ptr<Trainer> trainer;
  std::shared_ptr<const Snapshot> snap;
  ModelPane panes[kMaxPanes];
  int pane_count = 0;
  PcaMap pca;                        // the PCA map: app.snap's extra network while it is on
  ModelEdit edit;
  float lr = 3e-3f;                  // the learning rate sent to the trainer
  float lr_field = 3e-3f;            // the Rate field's value: lr, or what is being typed into it
  int batch = 128;
  int step_count = 100;              // the Training panel's "Step" button
  bool early_stop = false;           // the Training panel's switch: Trainer::set_early_stop(early_stop_patience)
  int early_stop_patience = 4;       // epochs without a better held-out loss
  Mat gallery_eps;                   // (latent, cols*rows) the same z ~ N(0, I) for every model
  uint64_t gallery_seed = 7;

  // Exploring.
  ViewOptions view;
  ToolbarState toolbar;
  Interpolation interp;
  LatentArithmetic arith;            // groups A, B and the strength both panes use
  int selected[kMaxSelected] = {};
  int selected_count = 0;
  uint64_t selection_serial = 1;     // bumped on every selection change
  int hover_sample = -1;             // dataset sample under the mouse (map or grid), -1 = none
  int hover_image_sample = -1;       // the sample hover_image shows
  GpuImage hover_image;
  std::vector<uint8_t> hover_rgba;
  int drag_pane = -1;                // the pane whose probe is being dragged
  bool drag_moved = false;

  LossPlot loss_plots[kMaxPanes];
  uint64_t loss_plot_frame = 0;      // the frame a plot was last rebuilt in (one per frame)

  // GL.
  PointRenderer point_renderer;
  ImageRenderer image_renderer;

  SessionUi session;
  ExportUi exports;
  ShortcutsUi shortcuts;

  // Automation.
  FileBrowser browser;
  Script script;
  Script lesson_queue;               // the open lesson's commands (LessonUi)
  LessonUi lessons;
  std::string screenshot_request;    // written after this frame renders
  FrameStats stats;
  LayoutRecorder layout;             // the rectangles drawn this frame, for `layout-check`
  // The row under the maps (kPaneRows, gui_latent_map.cpp): the view switched on most recently wins.
  int pane_row = -1;                 // index into kPaneRows; -1 = the strips
  uint32_t pane_rows_on = 0;         // bit i: row i was on last frame
  int inside_tab = 0;                // Inside the VAE's tab (kInsideTabs) where its row is too narrow for its parts side by side
  ControlsSeen controls_seen;        // the left column's controls this frame and whether each has a tooltip
};

//-----------------------------------------------------------------------------
// [SECTION] API by file
//-----------------------------------------------------------------------------

// gui_main.cpp
bool launch_parse(int argc, char** argv, LaunchOptions* out);  // false: --help was printed
void app_request_screenshot(AppState& app, const std::string& path);
bool window_write_png(const char* path, int width, int height, std::string* error);  // the frame just rendered
bool write_png_rgba(const char* path, const uint8_t* rgba, int width, int height, std::string* error);
void presenter_set(AppState& app, bool on);          // the toolbar's switch: 150% and the light theme, or 100% dark
void presenter_zoom(AppState& app, int steps);       // +-25% per step, 100% .. 250%, from the next frame
void presenter_set_scale(AppState& app, float scale);  // 1 .. 2.5, from the next frame
void presenter_set_theme(AppState& app, bool light);
void edit_defaults(AppState& app);  // the Model panel, batch and rate back to the launch flags' (script model-defaults)

// gui_data.cpp: datasets and what the UI derives from them
bool app_load_data(AppState& app, const DataSpec& spec);  // false: data_error says why; data kept
void app_set_data(AppState& app, std::shared_ptr<const Dataset> data);  // new points, previews, panes reset
bool app_set_holdout(AppState& app, int label);  // -1 = none; models start again; false: data_error says why
void ui_data_holdout(AppState& app);             // the Data panel's hold-out row
ImU32 label_color(int label);                              // the legend's colour for a label
// A sample as a tile_w x tile_h RGBA tile at (x0, y0) of an image `stride` pixels wide, in colour
// when the data has 3 channels: every view that shows a sample or a decoding draws through these.
void sample_to_rgba(const AppState& app, const float* values, uint8_t* rgba, int stride, int x0, int y0);  // features floats
void dataset_sample_rgba(const AppState& app, int sample, uint8_t* rgba, int stride, int x0, int y0);     // no allocation
const char* label_name(const AppState& app, int label, char* buf, int size);  // "7", or the label's name

// gui_compute.cpp: what the UI computes from snapshots (encode, project, decode)
void views_update(AppState& app);               // once per frame after the UI: encode, decode, upload
double thread_cpu_seconds();                    // the calling thread's CPU time (gui_main.cpp)
void views_render_maps(AppState& app);          // then: redraw the maps offscreen where they changed (GL)
bool views_in_sync(const AppState& app);        // every view reflects the newest snapshot
bool pane_matches(const AppState& app, const ModelPane& pane, const Network& net);  // net fits the pane's buffers
void plane_lift(const Plane& plane, float u, float v, float* z);   // plane point -> code (latent)
void plane_project(const Plane& plane, const float* z, float* uv); // code -> plane point
void view_fit(AppState& app, int pane);        // follow the data again
void view_zoom(AppState& app, int pane, float factor);  // > 1 zooms in, about the map's centre
void pane_plane_changed(AppState& app);         // after view.plane_mode / dim_x / dim_y change
void pane_free_gl(ModelPane& pane);
const char* pane_title(const ModelPane& pane);  // "Autoencoder", "Variational autoencoder", ...
// The map's heading: pane_title, or `short_name` (the kind's short name), plus the code's width when
// another pane shows the same kind (undercomplete vs overcomplete: two "Autoencoder"s otherwise).
void pane_heading(const AppState& app, int p, bool short_name, char* out, size_t n);
ImU32 pane_accent(int pane);

// gui_panels.cpp: the left column
void ui_left_column(AppState& app);
float left_column_width(const AppState& app);  // the left column's width in this window, at this scale
void ui_data_panel(AppState& app);
void ui_model_panel(AppState& app);
void ui_training_panel(AppState& app);
void training_set_rate(AppState& app, float lr);  // the Rate field's action: a positive finite rate to the trainer
void training_set_early_stop(AppState& app, bool on, int patience);  // the switch's action (and scripts')
void training_overfit_preset(AppState& app);     // a small training set and a wide model: the held-out curve turns up
void ui_loss_panel(AppState& app);
void loss_plots_render(AppState& app);         // GL phase: render the plots rebuilt this frame
void loss_plots_free(AppState& app);
void app_rebuild_models(AppState& app);        // from app.edit; sets edit.error on bad settings
void app_set_architecture(AppState& app, Architecture a);  // the Model panel's Network (MLP or conv), for Rebuild
std::vector<ModelConfig> edit_to_configs(const ModelEdit& edit, std::string* error);

// gui_latent_map.cpp: the centre
void ui_centre(AppState& app);
void ui_pane(AppState& app, int pane, ImVec2 size);
void ui_latent_map(AppState& app, int pane, ImVec2 size);
bool pane_loss_header(const AppState& app, int pane, char* buf, int size);  // the header's loss line; false: none yet
// The arrow at a map's edge towards a probe off the map: tip, unit direction, and the probe's own
// screen position (outside the map); false when the probe is on the map.
bool probe_edge_arrow(const AppState& app, int pane, ImVec2* tip, ImVec2* dir, ImVec2* probe_at);

// gui_interpolation.cpp: paths from sample A to sample B, one strip per model, distance to the data
void interp_update(AppState& app);              // in views_update: recompute paths that are stale
bool interp_in_sync(const AppState& app);       // every strip reflects the newest snapshot (or is off)
void interp_set_ends(AppState& app, int a, int b);        // samples; out-of-range ones are refused
bool interp_random_pair(AppState& app, int label_rule);   // kPairsSameLabel / kPairsDifferentLabels
void interp_set_steps(AppState& app, int steps);          // clamped to 1..kMaxInterpSteps
void interp_set_slerp(AppState& app, bool slerp);
void interp_pick(AppState& app, int point);      // a map point clicked in pick mode: A, then B
void ui_interp_controls(AppState& app);         // one row under the panes: endpoints, steps, path, slider
int interp_controls_rows(const AppState& app, float width);  // rows the controls need in `width` (they wrap)
float interp_controls_height(const AppState& app);  // their rows' height (Interpolation::control_rows), spacing included
void ui_interp_summary(AppState& app);          // the verdict over many pairs and the headline for this pair
bool interp_verdict_ready(const AppState& app);  // the verdict over many pairs measured the newest weights
void interp_set_verdict_pairs(AppState& app, int pairs);  // N, clamped to 1..kMaxVerdictPairs
bool interp_write_pairs(const AppState& app, const char* path);  // the verdict's per-pair numbers, one pair a line
void ui_interp_strip(AppState& app, int pane, float height);  // replaces the pane's bottom row
float interp_strip_min_height(const AppState& app, float width);  // the least it draws in: captions, small tiles
ImU32 interp_distance_color(double distance);   // green near the data (1.0) to red far from it
bool interp_write_strip(const AppState& app, int pane, const char* path, std::string* error);
void interp_write_state(const AppState& app, FILE* f);
void interp_draw_map(AppState& app, int pane, ImDrawList* draw, const MapFrame& frame);  // gui_latent_map.cpp: the path on a map
// Whether the interpolation's path on this map (its line, its ends and their letters) meets the
// rectangle: a box on the map (the hole legend) finds a place clear of it. gui_latent_map.cpp.
bool interp_path_crosses(const AppState& app, int pane, const MapFrame& frame, ImVec2 min, ImVec2 max);
// The figures the map shows along the path: on the lines set the exact ones (cosine distance to the
// closest reference line, as the strip shows them), else the distance to the nearest training image.
ImU32 interp_interpolant_color(const AppState& app, int pane, int i);  // the dot of interpolant i (1..steps)
bool interp_frame_figure(const AppState& app, int pane, char* text, size_t size, ImU32* color);  // the slider's marker; false: none yet
const char* interp_map_measure(const AppState& app, int pane);  // "exact", "measuring" (lines, not yet) or "nearest"

// gui_toolbar.cpp: map options, view switches and the legend above the maps
void ui_toolbar(AppState& app);

// gui_session.cpp: sessions (see SessionUi)
void session_write_state(const AppState& app, FILE* f);  // recent=A|B|... (Open Recent, newest first)
std::string session_state_dir();          // $XDG_STATE_HOME/latentlab, else ~/.local/state/latentlab
std::string session_autosave_path();
void session_request_save(AppState& app, const std::string& path, bool autosave);  // written when the trainer answers
void session_update(AppState& app);       // once per frame: finish a save, autosave when due
void session_save_on_close(AppState& app);  // blocks until the trainer answers (after its step in progress)
bool session_is_model_path(const std::string& path);  // .llsession, .llnet, .safetensors
// Opens a session or a network; false: data_error says why, the models are kept. A session trained
// on other data loads its own data first, unless `ask_about_data` (the user's File > Open, Open Recent,
// the resume offer): then the app asks (session_answer_data) and nothing changes before the answer.
bool session_open(AppState& app, const std::string& path, bool ask_about_data = false);
void session_view_apply(AppState& app, const std::vector<std::pair<std::string, std::string>>& view);  // switches, probes, endpoints
void session_offer_autosave(AppState& app);  // at start: offer the last autosave if it loads
void session_save_current(AppState& app);  // File > Save, Ctrl+S
void ui_file_menu_items(AppState& app);    // the File menu's items (gui_menu.cpp opens the menu)
void ui_session_popups(AppState& app);     // the offer to resume the last autosave
// The two pending choices, as their buttons answer them: the other data's prompt (true: load the
// session's data) and the resume offer (true: resume). False when no such choice is pending.
bool session_answer_data(AppState& app, bool load_session_data);
bool session_answer_resume(AppState& app, bool resume);

// gui_menu.cpp: the menu bar (File, Lessons, ...), the left column's own
void ui_menu_bar(AppState& app);          // inside the left column's window, which has ImGuiWindowFlags_MenuBar

// gui_export.cpp: PNG and CSV exports (see ExportUi)
void ui_export_menu_items(AppState& app);  // the Export menu's items (gui_menu.cpp opens the menu)
// Right-click menus on model p's map and on the row under it (gui_latent_map.cpp), this frame's rectangles.
void ui_export_context(AppState& app, int p, ImVec2 map_min, ImVec2 map_max, ImVec2 row_min, ImVec2 row_max);
// Writes `kind` for model p (ignored by kinds of the whole app) to path ("" = the folder's next name);
// tiles: the manifold's per side (0 = the menu's). False: the status (and *error) say why.
bool export_write(AppState& app, ExportKind kind, int p, const std::string& path, int tiles, std::string* error);
void export_after_render(AppState& app, int fb_width, int fb_height);  // gui_main.cpp: the window's PNG when due
void ui_export_status(AppState& app);  // a recent export's outcome (where each file went, or why not), over the window's foot
void export_write_state(const AppState& app, FILE* f);

// gui_shortcuts.cpp: keyboard shortcuts and the Help menu
void shortcuts_handle(AppState& app);      // once per frame after NewFrame: the table's keys
void ui_help_menu_items(AppState& app);    // the Help menu's items (gui_menu.cpp opens the menu)
void ui_shortcuts_overlay(AppState& app);  // the help overlay and About, when open
void shortcuts_write_state(const AppState& app, FILE* f);

// gui_lessons.cpp: guided lessons (core/lessons/lessons.h)
void ui_lessons_menu_items(AppState& app);  // the Lessons menu's items
// Opens a lesson: its bundled session (unless `fresh`), then its set-up on the lesson queue. False:
// *error says why (a set-up line that does not parse, an unknown lesson); nothing changed.
bool lesson_open(AppState& app, const Lesson& lesson, bool fresh, std::string* error);
bool lesson_parse(const Lesson& lesson, Script* setup, std::string* error);  // set-up and steps; false: *error
bool lesson_show_me(AppState& app, int step, std::string* error);  // step counts from 0; queues its snippet
void lesson_close(AppState& app);
void lessons_welcome_at_start(AppState& app);  // first launch (no mark in session_state_dir()): show it
void ui_lessons_welcome(AppState& app);     // the welcome screen, when requested
void ui_lesson_panel(AppState& app);        // the open lesson, at the top of the left column
void lessons_write_state(const AppState& app, FILE* f);
std::string lesson_asset_path(const std::string& name);  // a file of assets/ (build tree or installed); "" = none

// gui_file_browser.cpp
void file_browser_open(AppState& app, BrowseTarget target);
void file_browser_key(AppState& app);  // Ctrl+O: open it with the keyboard in its path field, or put the keyboard back there
void ui_file_browser(AppState& app);
bool file_browser_load(AppState& app, const std::string& path);  // with the browser's options; false: data_error says why
bool file_browser_use_folder(AppState& app, const std::string& dir);  // the export folder; false: not a folder (browser's list_error)

// gui_script.cpp
void script_load(Script* script, const std::string& path);  // throws UsageError on a bad line
// Appends the commands of `text` (lines of the script language) to script; `name` is the file's
// name in messages. Throws UsageError naming name:line on a bad line (nothing appended then).
void script_parse(Script* script, const std::string& text, const std::string& name);
bool script_busy(const Script& script);     // commands left, or one still waiting
void script_clear(Script* script);          // drops the commands and whatever the current one waits for
void script_step(AppState& app);                             // once per frame, before the UI
bool app_write_state(const AppState& app, const std::string& path);
