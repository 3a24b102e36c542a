// The interpolation view: a path from sample A's code to sample B's code in every model, decoded
// into one strip per model (original A, the interpolants, original B) with each interpolant's
// distance to the data under it, and a line comparing the models. The lesson it shows: a plain
// AE's path can cross holes of its latent space and decode to something no real image looks like;
// a VAE's is pressed to stay where its codes live. The measure is core/measure/interpolate.h's (distance
// to the nearest training image / typical nearest-neighbour distance between real images, so 1.0
// is as close to the data as a real held-out image), computed here in preallocated buffers: a
// path is recomputed when its endpoints, steps or kind change and a few times a second while the
// weights change, one model per frame; the frame at the slider is decoded when the slider moves.
// The path on the maps is drawn by gui_latent_map.cpp from the buffers filled here.
// On the lines set (core/measure/lines.h) the manifold is known and the measure is exact: each strip
// gets a second row, the ideal interpolation (true lines at evenly spaced angles along the shorter
// arc between A's and B's true angles), every tile its cosine distance to the closest of 10,000
// reference lines and its matched angle, and the summary the paper's Mean Distance and Smoothness,
// measured on workers (see that section) so that no frame pays for them.
//
// Index:
//   [SECTION] Names and colours
//   [SECTION] Endpoints
//   [SECTION] Paths: compute, the frame at t, interp_update
//   [SECTION] The lines set: the exact measure, on workers
//   [SECTION] Over many pairs: the verdict
//   [SECTION] Toolbar row
//   [SECTION] Strip and metrics
//   [SECTION] Summary: the verdict over many pairs, the headline for this pair
//   [SECTION] Dumps: PNG and state
//   [SECTION] Lifecycle row (views/views.h)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "data/data_generated.h"
#include "io/errors.h"
#include "measure/lines.h"
#include "gui_state.h"

namespace {
constexpr double kInterpSeconds = 0.3;  // recompute a path on new weights at most this often
constexpr float kSummaryRoomBelow = 520;         // px (at 100%) the panes and controls keep under the summary
constexpr double kVerdictRefreshSeconds = 2.0;  // on new weights, a new sweep at most this long after the last
constexpr double kVerdictFrameSeconds = 0.002;  // the verdict's share of a frame (at least one path a frame)
constexpr float kPlaySeconds = 3.0f;    // the animation's time from A to B
constexpr double kBarFull = 2.0;        // distance at which a bar under a tile is full height (empty at 1)
}  // namespace

// Captions and figures in the theme's colours (gui_theme.h, through Dear ImGui's style).
static ImU32 caption_color() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
static ImU32 text_color() { return ImGui::GetColorU32(ImGuiCol_Text); }

//-----------------------------------------------------------------------------
// [SECTION] Names and colours
//-----------------------------------------------------------------------------

// Green at the data (1.0, a real held-out image), amber at 1.5, red from 2.0 on.
ImU32 interp_distance_color(double d) {
  struct Stop { double at; float r, g, b; };
  static constexpr Stop kStops[] = {{1.0, 86, 204, 120}, {1.5, 240, 198, 70}, {2.0, 240, 88, 76}};
  if (!(d > kStops[0].at)) return IM_COL32(kStops[0].r, kStops[0].g, kStops[0].b, 255);
  for (int i = 1; i < 3; ++i)
    if (d < kStops[i].at) {
      const Stop& a = kStops[i - 1];
      const Stop& b = kStops[i];
      const float k = static_cast<float>((d - a.at) / (b.at - a.at));
      return IM_COL32(a.r + (b.r - a.r) * k, a.g + (b.g - a.g) * k, a.b + (b.b - a.b) * k, 255);
    }
  return IM_COL32(kStops[2].r, kStops[2].g, kStops[2].b, 255);
}

// "digit" for the digit sets, "image" for other images, "sample" otherwise: "any real digit".
static const char* data_noun(const AppState& app) {
  const std::string& name = app.data->name;
  if (name.find("digit") != std::string::npos || name.find("mnist") != std::string::npos ||
      name.find("MNIST") != std::string::npos)
    return "digit";
  return app.data->is_image ? "image" : "sample";
}

static int sample_label(const AppState& app, int sample) {
  return sample >= 0 && sample < static_cast<int>(app.data->labels.size()) ? app.data->labels[sample] : -1;
}

// A pane whose model's path has been measured and can be shown.
static bool pane_has_path(const AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  return pane.latent > 0 && pane.interp.version != 0 && pane.interp.a.size() == pane.latent &&
         app.interp.distance != nullptr;
}

//-----------------------------------------------------------------------------
// [SECTION] Endpoints
//-----------------------------------------------------------------------------

static void interp_changed(Interpolation& it) { ++it.serial; }

void interp_set_ends(AppState& app, int a, int b) {
  Interpolation& it = app.interp;
  if (!app.data || a < 0 || b < 0 || a >= app.data->count || b >= app.data->count) return;
  it.a = a;
  it.b = b;
  it.edit_a = a;
  it.edit_b = b;
  interp_changed(it);
}

// Among the held-out samples when there are at least two, else among all.
bool interp_random_pair(AppState& app, int label_rule) {
  const Dataset& d = *app.data;
  const bool held_out = d.test_count() >= 2;
  const int first = held_out ? d.train_count : 0, n = held_out ? d.test_count() : d.count;
  std::vector<std::pair<int, int>> pairs = pick_pairs(d, first, n, 1, label_rule, app.interp.rng);
  if (pairs.empty()) return false;
  interp_set_ends(app, pairs[0].first, pairs[0].second);
  return true;
}

void interp_set_steps(AppState& app, int steps) {
  steps = std::clamp(steps, 1, kMaxInterpSteps);
  if (steps == app.interp.steps) return;
  app.interp.steps = steps;
  interp_changed(app.interp);
}

void interp_set_slerp(AppState& app, bool slerp) {
  if (slerp == app.interp.slerp) return;
  app.interp.slerp = slerp;
  interp_changed(app.interp);
}

// Pick mode: the first click chooses A, the second B; then the path changes and pick mode ends.
void interp_pick(AppState& app, int point) {
  Interpolation& it = app.interp;
  if (point < 0 || point >= static_cast<int>(app.point_indices.size())) return;
  if (it.pick == 2 && it.pick_point >= 0) {
    if (point == it.pick_point) return;
    interp_set_ends(app, app.point_indices[it.pick_point], app.point_indices[point]);
    it.pick = 0;
    it.pick_point = -1;
    return;
  }
  it.pick_point = point;  // the strips keep the previous pair until B is chosen
  it.pick = 2;
}

// The first time the view opens on a dataset: the last two selected samples, or a random pair
// with different labels.
static void interp_default_ends(AppState& app) {
  Interpolation& it = app.interp;
  if (it.a >= 0 && it.b >= 0 && it.a < app.data->count && it.b < app.data->count) return;
  if (app.selected_count >= 2) {
    interp_set_ends(app, app.selected[app.selected_count - 2], app.selected[app.selected_count - 1]);
    return;
  }
  if (!interp_random_pair(app, kPairsDifferentLabels)) interp_random_pair(app, kPairsAny);
}

//-----------------------------------------------------------------------------
// [SECTION] Paths: compute, the frame at t, interp_update
//-----------------------------------------------------------------------------

struct InterpLines;
static InterpLines* lines_of(const AppState& app);
static void lines_paint_ideal(AppState& app, InterpLines& lines, ModelPane& pane);

// Sizes the pane's buffers for its model; a no-op once they fit (so no steady-state allocation).
// On the lines set the strip's image has a second row of tiles: the ideal interpolation.
static void interp_pane_size(const AppState& app, ModelPane& pane, int steps) {
  const int latent = pane.latent, features = pane.features;
  if (pane.interp.a.size() != latent || pane.interp.ends_x.rows() != features) {
    pane.interp.ends_x.setZero(features, 2);
    pane.interp.ends_code.setZero(latent, 2);
    pane.interp.a.setZero(latent);
    pane.interp.b.setZero(latent);
    pane.interp.curve.setZero(latent, kInterpCurvePoints);
    pane.interp.frame_z.setZero(latent, 1);
    pane.interp.frame_x.setZero(features, 1);
  }
  const size_t tile_bytes = static_cast<size_t>(app.tile_w) * app.tile_h * 4;
  const int rows = lines_of(app) ? 2 : 1;
  if (pane.interp.rgba.size() != tile_bytes * (steps + 2) * rows) pane.interp.rgba.assign(tile_bytes * (steps + 2) * rows, 0);
  if (pane.interp.frame_rgba.size() != tile_bytes) pane.interp.frame_rgba.assign(tile_bytes, 0);
  gpu_image_resize(&pane.interp.image, (steps + 2) * app.tile_w, app.tile_h * rows, true);
  gpu_image_resize(&pane.interp.frame_image, app.tile_w, app.tile_h, true);
}

// Encodes A and B with the newest weights, decodes and measures the path, paints the strip.
static void interp_compute(AppState& app, int p, const Network& net) {
  Interpolation& it = app.interp;
  ModelPane& pane = app.panes[p];
  const int steps = it.steps;
  interp_pane_size(app, pane, steps);
  const PathKind kind = model_kind_info(pane.kind).variational && it.slerp ? PathKind::Slerp : PathKind::Linear;
  const int ends[2] = {it.a, it.b};
  app.data->gather(ends, 2, pane.interp.ends_x);
  network_encode(net, pane.interp.ends_x, pane.interp.ends_code, pane.interp.encode_ws);  // mu for a VAE
  pane.interp.a = pane.interp.ends_code.col(0);
  pane.interp.b = pane.interp.ends_code.col(1);
  measure_path(net, pane.interp.a, pane.interp.b, steps, kind, *it.distance, pane.interp.ws, pane.interp.measure);
  interpolate_codes(pane.interp.a, pane.interp.b, kInterpCurvePoints - 2, kind, pane.interp.curve);

  const int stride = (steps + 2) * app.tile_w;
  dataset_sample_rgba(app, it.a, pane.interp.rgba.data(), stride, 0, 0);
  for (int i = 1; i <= steps; ++i)
    sample_to_rgba(app, pane.interp.ws.decoded.col(i).data(), pane.interp.rgba.data(), stride, i * app.tile_w, 0);
  dataset_sample_rgba(app, it.b, pane.interp.rgba.data(), stride, (steps + 1) * app.tile_w, 0);
  if (InterpLines* lines = lines_of(app)) lines_paint_ideal(app, *lines, pane);
  gpu_image_upload(&pane.interp.image, pane.interp.rgba.data());

  pane.interp.steps = steps;
  pane.interp.kind = kind;
  pane.interp.serial = it.serial;
  pane.interp.version = app.snap->version;
  pane.interp.time = app.now;
  ++pane.interp.computes;
}

// The decoding of the path's point at the slider's t, and its distance to the data (on the lines
// set the marker shows the exact figure, matched on a worker, so the nearest image is not sought).
static void interp_frame(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  const float t = app.interp.t;
  interpolate_code_at(pane.interp.a, pane.interp.b, t, pane.interp.kind, pane.interp.frame_z.data());
  network_decode(net, pane.interp.frame_z, pane.interp.frame_x, pane.interp.frame_ws);
  if (lines_of(app)) {
    pane.interp.frame_distance = std::nan("");
  } else {
    app.interp.distance->normalized_distance(pane.interp.frame_x, pane.interp.frame_scratch);
    pane.interp.frame_distance = pane.interp.frame_scratch[0];
  }
  sample_to_rgba(app, pane.interp.frame_x.data(), pane.interp.frame_rgba.data(), app.tile_w, 0, 0);
  gpu_image_upload(&pane.interp.frame_image, pane.interp.frame_rgba.data());
  pane.interp.frame_t = t;
  pane.interp.frame_computes = pane.interp.computes;
}

static bool net_fits(const AppState& app, const ModelPane& pane, const Network& net) {
  return pane.latent > 0 && net.config.latent == pane.latent && net.config.input_size == pane.features &&
         net.config.input_size == app.data->features() && net.config.kind == pane.kind;
}

//-----------------------------------------------------------------------------
// [SECTION] The lines set: the exact measure, on workers
//-----------------------------------------------------------------------------
// Matching a path's images to the 10,000 reference lines costs about a hundred million
// multiply-adds per model, and the summary's 256 pairs x 16 steps (the paper's protocol, the same
// call as `latentlab interpolate --data lines`) some hundreds of times more, so neither runs in a
// frame: a path is measured on a worker when it changes (on new weights at most every
// kLinesPathSeconds), and the summary on another when the weights are newer (at most every
// kLinesSummarySeconds while training), so that the workers do not take a core from the trainer
// and the frames. The reference lines are drawn once, on the
// first worker (LineReference::shared). A worker touches only the copies it was handed
// (view_job.h's Worker); the UI collects its figures once it is done. Until then the strips show
// the last figures. The frame at the slider's t (the map's marker) is matched on a third worker
// whenever t or its path moves: one image a model, so it follows the slider within a few frames.

namespace {
constexpr double kLinesSummarySeconds = 30.0;  // while training, a new summary at most this often
constexpr double kLinesPathSeconds = 1.0;      // ... and a path's figures on new weights (a new path: at once)
constexpr double kLinesFrameSeconds = 0.1;     // the marker's figure follows the slider (and new weights) at most this often
constexpr double kLinesUnit = 1e-3;            // exact distances are shown x10^-3, as the paper reports them
constexpr double kLinesRedDistance = 0.1;      // an exact distance shown red (amber at half of it, green at 0)
}  // namespace

// One path's exact figures: every tile's matched angle and cosine distance (the decoded ends and
// the interpolants), their mean, and Smoothness (NaN: the ends matched within 1e-4 rad, skipped).
struct LinesPath {
  std::vector<double> angle, distance;
  double mean = std::nan(""), smoothness = std::nan("");
  uint64_t serial = 0, computes = 0;  // the path measured (Interpolation::serial, InterpView::computes)
};

struct LinesPathWork {
  Mat images;                    // (1024, rows * columns): each pane's decoded path, then the ideal row
  int columns = 0;
  std::vector<int> panes;        // each row's pane; -1 = the ideal row
  std::vector<uint64_t> computes;
  uint64_t serial = 0;
  std::vector<LinesPath> rows;   // written by the worker
};

struct LinesSummaryWork {
  std::shared_ptr<const Dataset> data;
  std::vector<Network> nets;     // a copy of each pane's weights
  uint64_t version = 0;          // the snapshot they came from
  std::vector<LinesScore> scores;  // written by the worker
};

// The exact figure of one pane's frame at the slider's t (the map's marker).
struct LinesFrame {
  double angle = std::nan(""), distance = std::nan("");
  float t = -1;                  // InterpView::frame_t it measured
  uint64_t serial = 0, computes = 0;  // the path it lies on (Interpolation::serial, InterpView::computes)
};

struct LinesFrameWork {
  Mat images;                    // (1024, panes): each pane's decoded frame
  std::vector<int> panes;
  std::vector<LinesFrame> frames;  // stamped by the asker; angle and distance written by the worker
};

struct InterpLines {
  // The ideal row: true lines at the ideal angles, for Interpolation::serial `ideal_serial`.
  Mat ideal_x;                   // (1024, steps + 2)
  std::vector<double> ideal_angles;
  double angle_a = 0, angle_b = 0;  // A's and B's true angles (the data's factor)
  uint64_t ideal_serial = 0;
  LinesPath path[kMaxPanes], ideal;  // the figures shown
  LinesFrame frame[kMaxPanes];
  Worker<LinesPathWork> path_job;
  double path_time = -1;         // when the last path job started
  double frame_time = -1;        // when the last frame job started
  Worker<LinesSummaryWork> summary_job;
  Worker<LinesFrameWork> frame_job;
  // The summary shown: per pane, over kLinesPairs x kLinesSteps, with the weights of `summary_version`.
  std::vector<LinesScore> summary;
  uint64_t summary_version = 0;
  double summary_time = -1;
  std::weak_ptr<const Dataset> summary_data;
  std::string summary_text;      // its sentence, made once per summary
  int summary_best = -1;         // the pane best on both figures; -1 = none is
};

namespace {

void lines_path_run(LinesPathWork& job, const std::atomic<bool>& cancel) {
  std::vector<double> angle, distance;
  closest_lines(LineReference::shared(), job.images, angle, distance, nullptr, nullptr, &cancel);
  const size_t c = static_cast<size_t>(job.columns);
  job.rows.resize(job.panes.size());
  for (size_t r = 0; r < job.panes.size(); ++r) {
    LinesPath& row = job.rows[r];
    row.angle.assign(angle.begin() + r * c, angle.begin() + (r + 1) * c);
    row.distance.assign(distance.begin() + r * c, distance.begin() + (r + 1) * c);
    double sum = 0;
    for (double d : row.distance) sum += d;
    row.mean = sum / static_cast<double>(c);
    double smooth = 0;
    row.smoothness = line_smoothness(row.angle, &smooth) ? smooth : std::nan("");
    row.serial = job.serial;
    row.computes = job.computes[r];
  }
}

void lines_summary_run(LinesSummaryWork& job, const std::atomic<bool>& cancel) {
  for (const Network& net : job.nets) {
    if (cancel.load(std::memory_order_relaxed)) break;
    // The seed as `latentlab interpolate` passes it: the models' seed picks the pairs.
    job.scores.push_back(lines_score(net, *job.data, kLinesPairs, kLinesSteps, net.config.seed, &cancel));
  }
}

void lines_frame_run(LinesFrameWork& job, const std::atomic<bool>& cancel) {
  std::vector<double> angle, distance;
  closest_lines(LineReference::shared(), job.images, angle, distance, nullptr, nullptr, &cancel);
  for (size_t i = 0; i < job.frames.size() && i < distance.size(); ++i) {
    job.frames[i].angle = angle[i];
    job.frames[i].distance = distance[i];
  }
}

}  // namespace

// The lines state when the data are the lines set (the exact measure applies), else null.
static InterpLines* lines_of(const AppState& app) {
  return app.data && app.interp.lines && is_lines_dataset(*app.data) && app.data->factors.rows() > 0
             ? app.interp.lines.get()
             : nullptr;
}

static double exact_shown(double d) { return d / kLinesUnit; }
// An exact distance as the strip's tiles and the map's marker show it: thousandths, one decimal below 10.
static void exact_text(double d, char* text, size_t size) {
  std::snprintf(text, size, exact_shown(d) < 9.95 ? "%.1f" : "%.0f", exact_shown(d));
}
static ImU32 exact_color(double d) { return interp_distance_color(1.0 + d / kLinesRedDistance); }
static double degrees(double radians) { return radians * 57.29577951308232; }

// The true lines at the ideal angles for this pair and these steps (the strip's second row).
static void lines_ideal(AppState& app, InterpLines& lines) {
  const Interpolation& it = app.interp;
  const int columns = it.steps + 2;
  if (lines.ideal_serial == it.serial && lines.ideal_x.cols() == columns) return;
  lines.angle_a = app.data->factors(0, it.a);
  lines.angle_b = app.data->factors(0, it.b);
  lines.ideal_angles = ideal_line_angles(lines.angle_a, lines.angle_b, columns);
  lines.ideal_x.resize(app.data->features(), columns);
  for (int i = 0; i < columns; ++i)
    draw_line_image(static_cast<float>(lines.ideal_angles[size_t(i)]), lines.ideal_x.col(i).data());
  lines.ideal_serial = it.serial;
}

// The strip's second row (interp_compute sized the image for it).
static void lines_paint_ideal(AppState& app, InterpLines& lines, ModelPane& pane) {
  lines_ideal(app, lines);
  const int columns = static_cast<int>(lines.ideal_x.cols()), stride = columns * app.tile_w;
  for (int i = 0; i < columns; ++i)
    sample_to_rgba(app, lines.ideal_x.col(i).data(), pane.interp.rgba.data(), stride, i * app.tile_w, app.tile_h);
}

static void lines_summary_text(AppState& app, InterpLines& lines) {
  char text[512];
  int n = std::snprintf(text, sizeof text, "Over %d held-out pairs \xc3\x97 %d steps (the paper's protocol), exact:",
                        kLinesPairs, kLinesSteps);
  lines.summary_best = -1;
  for (size_t p = 0; p < lines.summary.size() && n < static_cast<int>(sizeof text); ++p) {
    const LinesScore& sc = lines.summary[p];
    n += std::snprintf(text + n, sizeof text - n, p ? "; the %s's %.1f, %.2f" : " the %s's mean distance %.1f, smoothness %.2f",
                       model_kind_short_name(app.panes[p].kind), exact_shown(sc.mean_distance), sc.smoothness);
    bool best = true;
    for (size_t q = 0; q < lines.summary.size(); ++q)
      if (q != p && !(sc.mean_distance < lines.summary[q].mean_distance && sc.smoothness < lines.summary[q].smoothness))
        best = false;
    if (best && lines.summary.size() >= 2) lines.summary_best = static_cast<int>(p);
  }
  if (n < static_cast<int>(sizeof text))
    std::snprintf(text + n, sizeof text - n, " (distances in thousandths; lower is better on both, true lines score 0 and 0).");
  lines.summary_text = text;
}

// Collects finished workers, then starts the ones whose figures are stale.
static void lines_update(AppState& app) {
  Interpolation& it = app.interp;
  if (!app.data || !is_lines_dataset(*app.data) || app.data->factors.rows() == 0) return;
  if (!it.lines) it.lines = std::make_shared<InterpLines>();
  InterpLines& lines = *it.lines;
  LinesPathWork path;
  if (lines.path_job.collect(&path))
    for (size_t r = 0; r < path.panes.size(); ++r) (path.panes[r] < 0 ? lines.ideal : lines.path[path.panes[r]]) = std::move(path.rows[r]);
  LinesSummaryWork summary;
  if (lines.summary_job.collect(&summary) && summary.data == app.data && summary.scores.size() == summary.nets.size()) {
    lines.summary = std::move(summary.scores);
    lines.summary_version = summary.version;
    lines.summary_data = summary.data;
    lines.summary_time = app.now;
    lines_summary_text(app, lines);
  }
  LinesFrameWork frames;
  if (lines.frame_job.collect(&frames))
    for (size_t i = 0; i < frames.panes.size(); ++i) lines.frame[frames.panes[i]] = frames.frames[i];
  if (it.a < 0 || it.b < 0) return;
  lines_ideal(app, lines);

  // A path job: every pane whose path is of this pair and steps, when one of them (or the ideal
  // row) has not been measured yet.
  if (!lines.path_job.pending()) {
    std::vector<int> panes;
    bool moved = lines.ideal.serial != it.serial, newer = false;  // another path; the same path, new weights
    for (int p = 0; p < app.pane_count; ++p) {
      const InterpView& v = app.panes[p].interp;
      if (v.version == 0 || v.serial != it.serial || v.steps != it.steps) continue;
      panes.push_back(p);
      moved |= lines.path[p].serial != it.serial;
      newer |= lines.path[p].computes != v.computes;
    }
    if (moved || (newer && (!app.snap->running || app.now - lines.path_time >= kLinesPathSeconds))) {
      lines.path_time = app.now;
      LinesPathWork job;
      const int columns = it.steps + 2;
      job.columns = columns;
      job.serial = it.serial;
      job.images.resize(app.data->features(), Eigen::Index(panes.size() + 1) * columns);
      for (size_t r = 0; r < panes.size(); ++r) {
        const InterpView& v = app.panes[panes[r]].interp;
        job.images.middleCols(Eigen::Index(r) * columns, columns) = v.ws.decoded.leftCols(columns);
        job.panes.push_back(panes[r]);
        job.computes.push_back(v.computes);
      }
      job.images.rightCols(columns) = lines.ideal_x;
      job.panes.push_back(-1);
      job.computes.push_back(0);
      lines.path_job.start(std::move(job), lines_path_run);
    }
  }

  // A frame job: every pane whose frame at the slider's t (decoded on this path) has no exact figure.
  if (!lines.frame_job.pending() && app.now - lines.frame_time >= kLinesFrameSeconds) {
    LinesFrameWork job;
    for (int p = 0; p < app.pane_count; ++p) {
      const InterpView& v = app.panes[p].interp;
      const LinesFrame& e = lines.frame[p];
      if (v.version == 0 || v.serial != it.serial || v.frame_computes != v.computes || v.frame_x.rows() != app.data->features())
        continue;
      if (e.serial == v.serial && e.computes == v.computes && e.t == v.frame_t) continue;
      job.panes.push_back(p);
      LinesFrame stamp;
      stamp.t = v.frame_t;
      stamp.serial = v.serial;
      stamp.computes = v.computes;
      job.frames.push_back(stamp);
    }
    if (!job.panes.empty()) {
      job.images.resize(app.data->features(), Eigen::Index(job.panes.size()));
      for (size_t i = 0; i < job.panes.size(); ++i) job.images.col(Eigen::Index(i)) = app.panes[job.panes[i]].interp.frame_x.col(0);
      lines.frame_time = app.now;
      lines.frame_job.start(std::move(job), lines_frame_run);
    }
  }

  // A summary job: the newest weights of every pane, when they are newer than the summary's (while
  // training, at most every kLinesSummarySeconds).
  if (!lines.summary_job.pending()) {
    const bool same_data = lines.summary_data.lock() == app.data;
    const bool fresh = same_data && lines.summary_version == app.snap->version &&
                       lines.summary.size() == static_cast<size_t>(app.pane_count);
    const bool due = !same_data || !app.snap->running || app.now - lines.summary_time >= kLinesSummarySeconds;
    bool fit = app.pane_count > 0 && app.snap->networks.size() >= static_cast<size_t>(app.pane_count);
    for (int p = 0; fit && p < app.pane_count; ++p) fit = net_fits(app, app.panes[p], app.snap->networks[p]);
    if (fit && !fresh && due) {
      LinesSummaryWork job;
      job.data = app.data;
      job.nets.assign(app.snap->networks.begin(), app.snap->networks.begin() + app.pane_count);
      job.version = app.snap->version;
      lines.summary_job.start(std::move(job), lines_summary_run);
    }
  }
}

// The exact figure of the pane's frame at the slider's t, when it measured this frame.
static bool lines_frame_current(const AppState& app, const InterpLines& lines, int p) {
  const InterpView& v = app.panes[p].interp;
  const LinesFrame& e = lines.frame[p];
  return e.serial == app.interp.serial && e.serial == v.serial && e.computes == v.computes && e.t == v.frame_t;
}

// Every strip's exact figures measure its path, the ideal row this pair, and every marker's its frame.
static bool lines_in_sync(const AppState& app, const InterpLines& lines) {
  if (lines.path_job.pending() || lines.frame_job.pending() || lines.ideal.serial != app.interp.serial) return false;
  for (int p = 0; p < app.pane_count; ++p)
    if (lines.path[p].serial != app.interp.serial || lines.path[p].computes != app.panes[p].interp.computes ||
        !lines_frame_current(app, lines, p))
      return false;
  return true;
}

static bool lines_summary_ready(const AppState& app, const InterpLines& lines) {
  return !lines.summary_job.pending() && lines.summary_data.lock() == app.data && lines.summary_version == app.snap->version &&
         lines.summary.size() == static_cast<size_t>(app.pane_count);
}

// The pane's exact figures when they are of the path it shows (the last measured, as the strip shows them), else null.
static const LinesPath* lines_path_shown(const AppState& app, const InterpLines& lines, int p) {
  const LinesPath& e = lines.path[p];
  const size_t tiles = static_cast<size_t>(app.panes[p].interp.steps) + 2;
  return e.serial == app.interp.serial && e.distance.size() == tiles ? &e : nullptr;
}

const char* interp_map_measure(const AppState& app, int p) {
  const InterpLines* lines = lines_of(app);
  if (!lines) return "nearest";
  return lines_path_shown(app, *lines, p) ? "exact" : "measuring";
}

ImU32 interp_interpolant_color(const AppState& app, int p, int i) {
  const InterpLines* lines = lines_of(app);
  if (!lines) return interp_distance_color(app.panes[p].interp.measure.distance[size_t(i) - 1]);
  const LinesPath* exact = lines_path_shown(app, *lines, p);
  return exact ? exact_color(exact->distance[size_t(i)]) : caption_color();  // not measured yet: no figure
}

bool interp_frame_figure(const AppState& app, int p, char* text, size_t size, ImU32* color) {
  const InterpView& v = app.panes[p].interp;
  const InterpLines* lines = lines_of(app);
  if (!lines) {
    std::snprintf(text, size, "%.2f", v.frame_distance);
    *color = interp_distance_color(v.frame_distance);
    return true;
  }
  // The last exact figure on this path until the frame at the new t is matched (a few frames).
  const LinesFrame& e = lines->frame[p];
  if (e.serial != app.interp.serial || std::isnan(e.distance)) return false;
  exact_text(e.distance, text, size);
  *color = exact_color(e.distance);
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Over many pairs: the verdict
//-----------------------------------------------------------------------------

// Two models whose weights in `snap` still fit the panes: the verdict compares model 0 with model 1.
static bool verdict_models_fit(const AppState& app, const Snapshot& snap) {
  if (app.pane_count < 2 || snap.networks.size() < 2) return false;
  for (int p = 0; p < 2; ++p)
    if (!net_fits(app, app.panes[p], snap.networks[p])) return false;
  return true;
}

static void verdict_forget(InterpVerdict& v) {
  v.snap.reset();
  v.next = 0;
  v.done = false;
  v.done_version = 0;
}

// A sweep over every pair with the newest weights; the buffers keep their capacity.
static void verdict_start(AppState& app) {
  InterpVerdict& v = app.interp.verdict;
  v.snap = app.snap;
  v.steps = app.interp.steps;
  v.slerp = app.interp.slerp;
  v.next = 0;
  for (int m = 0; m < 2; ++m) {
    v.mean[m].assign(v.pairs.size(), 0.0);
    v.midpoint[m].assign(v.pairs.size(), 0.0);
  }
}

// Measures (pair, model) paths for about kVerdictFrameSeconds, one at least; when the sweep is
// through, it becomes the shown verdict and the next sweep starts once the weights are newer.
static void interp_verdict_update(AppState& app) {
  Interpolation& it = app.interp;
  InterpVerdict& v = it.verdict;
  if (!verdict_models_fit(app, *app.snap)) {
    verdict_forget(v);
    return;
  }
  const uint64_t seed = app.snap->networks[0].config.seed;
  if (v.pairs_data.lock() != app.data || v.seed != seed || v.pairs_for != v.pairs_wanted) {
    v.pairs = verdict_pairs(*app.data, seed, v.pairs_wanted, kPairsAny);
    v.pairs_data = app.data;
    v.seed = seed;
    v.pairs_for = v.pairs_wanted;
    verdict_forget(v);
  }
  if (v.pairs.empty()) return;
  // Weights of other shapes (a rebuild), or another path: what was measured no longer applies.
  if ((v.snap && !verdict_models_fit(app, *v.snap)) || ((v.snap || v.done) && (v.steps != it.steps || v.slerp != it.slerp)))
    verdict_forget(v);
  if (!v.snap) {
    if (v.done && (v.done_version == app.snap->version || app.now - v.done_time < kVerdictRefreshSeconds)) return;
    verdict_start(app);
  }
  const int total = 2 * static_cast<int>(v.pairs.size());
  const auto start = std::chrono::steady_clock::now();
  do {
    const int pair = v.next / 2, m = v.next % 2;
    const Network& net = v.snap->networks[m];
    const PathKind kind = model_kind_info(net.config.kind).variational && v.slerp ? PathKind::Slerp : PathKind::Linear;
    measure_pair(net, *app.data, v.pairs[pair], v.steps, kind, *it.distance, v.ws[m], v.measure);
    v.mean[m][pair] = v.measure.mean_distance;
    v.midpoint[m][pair] = v.measure.midpoint_distance;
    ++v.next;
  } while (v.next < total &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < kVerdictFrameSeconds);
  if (v.next < total) return;
  for (int m = 0; m < 2; ++m) {
    v.done_mean[m].swap(v.mean[m]);
    v.done_midpoint[m].swap(v.midpoint[m]);
  }
  v.result = pair_verdict(v.done_mean[0], v.done_mean[1]);
  v.text = pair_verdict_text(v.result, model_kind_short_name(app.panes[0].kind), model_kind_short_name(app.panes[1].kind));
  v.done = true;
  v.done_version = v.snap->version;
  v.done_time = app.now;
  v.snap.reset();
}

bool interp_verdict_ready(const AppState& app) {
  const InterpVerdict& v = app.interp.verdict;
  if (!app.interp.show || app.pane_count < 2) return true;
  if (!app.interp.error.empty() && app.interp.distance_data.lock() == app.data) return true;  // nothing to measure
  if (const InterpLines* lines = lines_of(app)) return lines_summary_ready(app, *lines);
  return v.done && !v.snap && v.done_version == app.snap->version;
}

void interp_set_verdict_pairs(AppState& app, int pairs) {
  app.interp.verdict.pairs_wanted = std::clamp(pairs, 1, kMaxVerdictPairs);
}

void interp_update(AppState& app) {
  Interpolation& it = app.interp;
  if (!it.show || !app.data || !app.snap) return;
  // A new dataset: its own distance to the data (app_set_data has already dropped the endpoints).
  if (it.distance_data.lock() != app.data) {
    it.distance.reset();  // the previous dataset's
    if (it.measure_frame == 0 || app.frame <= it.measure_frame) return;  // let "measuring" show first
    it.measure_frame = 0;
    it.error.clear();
    it.distance_data = app.data;
    try {
      it.distance = std::make_unique<DataDistance>(DataDistance::build(*app.data, kInterpReference, kInterpCalibration));
    } catch (const InputError& e) {
      it.error = e.what();
    }
    interp_changed(it);
  }
  if (!it.distance) return;
  if (is_lines_dataset(*app.data) && app.data->factors.rows() > 0 && !it.lines) it.lines = std::make_shared<InterpLines>();
  if (!lines_of(app)) interp_verdict_update(app);  // on the lines set the summary is the exact one
  interp_default_ends(app);
  if (it.a < 0 || it.b < 0) return;

  if (it.playing) {
    it.t += it.play_direction * static_cast<float>(app.dt) / kPlaySeconds;
    if (it.t >= 1.0f) it.t = 1.0f, it.play_direction = -1;
    if (it.t <= 0.0f) it.t = 0.0f, it.play_direction = 1;
  }
  // One path per frame: the models take turns, so no frame pays for both.
  bool computed = false;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    const Network& net = app.snap->networks[p];
    if (!net_fits(app, pane, net)) continue;
    // A rebuild to another latent size keeps the serial: the path's buffers no longer fit the net.
    const bool shaped = pane.interp.a.size() == pane.latent && pane.interp.ends_x.rows() == pane.features;
    const bool stale = !shaped || pane.interp.serial != it.serial ||
                       (pane.interp.version != app.snap->version && app.now - pane.interp.time >= kInterpSeconds);
    if (stale && !computed) {
      interp_compute(app, p, net);
      computed = true;
    }
    const bool fits = pane.interp.a.size() == pane.latent && pane.interp.ends_x.rows() == pane.features;
    if (fits && pane.interp.version != 0 && pane.interp.serial == it.serial &&
        (pane.interp.frame_t != it.t || pane.interp.frame_computes != pane.interp.computes))
      interp_frame(app, p, net);
  }
  if (lines_of(app)) lines_update(app);
}

bool interp_in_sync(const AppState& app) {
  const Interpolation& it = app.interp;
  if (!it.show) return true;
  if (!it.error.empty() && it.distance_data.lock() == app.data) return true;  // nothing to compute
  if (!it.distance || it.a < 0 || it.b < 0) return false;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.interp.serial != it.serial || pane.interp.version != app.snap->version) return false;
    if (pane.interp.frame_t != it.t || pane.interp.frame_computes != pane.interp.computes) return false;
  }
  if (const InterpLines* lines = lines_of(app)) return lines_in_sync(app, *lines);
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Toolbar row
//-----------------------------------------------------------------------------

static void tooltip(const char* text) {
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", text);
}

// A typed sample index; applied when the field is left (or Enter), refused when out of range.
static void index_field(AppState& app, const char* id, int* value, bool is_a) {
  Interpolation& it = app.interp;
  ImGui::SetNextItemWidth(70 * app.ui_scale);
  ImGui::InputInt(id, value, 0, 0);
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    const int a = is_a ? *value : it.a, b = is_a ? it.b : *value;
    if (a >= 0 && b >= 0 && a < app.data->count && b < app.data->count) interp_set_ends(app, a, b);
    else *value = is_a ? it.a : it.b;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Sample index, 0 .. %d", app.data->count - 1);
}

// The verdict's N: typed, applied when the field is left (or Enter); a number out of range is refused
// and the field shows the N in use again. Only a twin has a verdict.
static void pairs_field(AppState& app) {
  InterpVerdict& v = app.interp.verdict;
  if (v.pairs_edit != v.pairs_wanted && !ImGui::IsAnyItemActive()) v.pairs_edit = v.pairs_wanted;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Verdict pairs");
  ImGui::SameLine(0, 6 * app.ui_scale);
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("00000").x + 2 * style.FramePadding.x);
  // On the lines set the summary is the paper's protocol, always 256 pairs: N does not apply.
  const bool off = app.pane_count < 2 || lines_of(app) != nullptr;
  if (off) ImGui::BeginDisabled();
  ImGui::InputInt("##verdict_pairs", &v.pairs_edit, 0, 0);
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    if (v.pairs_edit >= 1 && v.pairs_edit <= kMaxVerdictPairs) interp_set_verdict_pairs(app, v.pairs_edit);
    v.pairs_edit = v.pairs_wanted;
  }
  if (off) ImGui::EndDisabled();
  control_help(app, "verdict_pairs");
}

// The controls are groups (the endpoints, each way to pick them, the path, the verdict's N, the slider)
// that wrap onto more rows in a narrow window, like the toolbar; the rows follow from the widths the
// groups took last frame (kept at 100%, so that a new UI scale does not have to draw them to know).
// When they would take more than kInterpControlMaxRows rows (a large UI scale on a small screen), the
// groups between the endpoints and the slider fold into an "Options..." menu, as the toolbar's do.
constexpr int kSliderGroup = kInterpControlGroups - 1;  // the last: it takes the rest of its row
constexpr int kInterpControlMaxRows = 2;
const char* const kOptionsLabel = "Options...";

static float options_button_width() {
  return ImGui::CalcTextSize(kOptionsLabel).x + 2 * ImGui::GetStyle().FramePadding.x;
}

// Rows the groups take at `width`, all of them, or (folded) the endpoints, the menu and the slider.
static int controls_flow_rows(const AppState& app, float width, bool folded) {
  const float gap = 16 * app.ui_scale;
  int rows = 1;
  float x = 0;
  for (int g = 0; g < kInterpControlGroups; ++g) {
    if (folded && g > 1 && g < kSliderGroup) continue;
    const float w = folded && g == 1 ? options_button_width() : app.interp.control_widths[g] * app.ui_scale;
    if (g > 0 && x + gap + w > width) ++rows, x = w;
    else x += (g > 0 ? gap : 0) + w;
  }
  return rows;
}

static bool controls_folded(const AppState& app, float width) {
  return controls_flow_rows(app, width, false) > kInterpControlMaxRows;
}

int interp_controls_rows(const AppState& app, float width) {
  return controls_flow_rows(app, width, controls_folded(app, width));
}

float interp_controls_height(const AppState& app) {
  return app.interp.control_rows * (ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y);
}

// Before control group g: on this row, or the next when it would not fit (`width` at this scale).
static void controls_next_group(AppState& app, int g, float width) {
  if (g > 0) {
    ImGui::SameLine(0, 16 * app.ui_scale);
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
  }
  ImGui::BeginGroup();
}

static void controls_next_group(AppState& app, int g) {
  controls_next_group(app, g, app.interp.control_widths[g] * app.ui_scale);
}

static void controls_end_group(AppState& app, int g) {
  ImGui::EndGroup();
  if (g < kInterpControlGroups - 1) app.interp.control_widths[g] = ImGui::GetItemRectSize().x / app.ui_scale;
}

// Groups 1 .. kSliderGroup - 1: the ways to pick A and B (a pick or a random pair closes the menu, so
// that the map can be clicked), the path's steps and kind, and the verdict's N.
static void options_next_group(AppState& app, int g, bool in_menu) {
  if (in_menu) ImGui::BeginGroup();
  else controls_next_group(app, g);
}

static void controls_options(AppState& app, bool in_menu) {
  Interpolation& it = app.interp;
  const float s = app.ui_scale;
  bool chosen = false;
  options_next_group(app, 1, in_menu);
  const bool picking = it.pick != 0;
  if (picking) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  if (ImGui::Button(it.pick == 2 ? "Click B..." : picking ? "Click A..." : "Pick on map")) {
    it.pick = picking ? 0 : 1;
    it.pick_point = -1;
    chosen = true;
  }
  if (picking) ImGui::PopStyleColor();
  tooltip("Click a point on either map for A, then one for B.\nEsc or this button again cancels.");
  controls_end_group(app, 1);

  options_next_group(app, 2, in_menu);
  if (ImGui::Button("Same label")) {
    interp_random_pair(app, kPairsSameLabel);
    chosen = true;
  }
  tooltip("A random pair of held-out samples with the same label.");
  controls_end_group(app, 2);

  options_next_group(app, 3, in_menu);
  if (ImGui::Button("Different labels")) {
    interp_random_pair(app, kPairsDifferentLabels);
    chosen = true;
  }
  tooltip("A random pair of held-out samples with different labels.");
  controls_end_group(app, 3);

  options_next_group(app, 4, in_menu);
  if (app.selected_count < 2) ImGui::BeginDisabled();
  if (ImGui::Button("Selected")) {
    interp_set_ends(app, app.selected[app.selected_count - 2], app.selected[app.selected_count - 1]);
    chosen = true;
  }
  if (app.selected_count < 2) ImGui::EndDisabled();
  tooltip("The last two selected samples (shift-click points on a map to select two).");
  controls_end_group(app, 4);

  options_next_group(app, 5, in_menu);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Steps");
  ImGui::SameLine(0, 6 * s);
  int steps = it.steps;
  ImGui::SetNextItemWidth(92 * s);
  if (ImGui::InputInt("##steps", &steps, 1, 1)) interp_set_steps(app, steps);
  tooltip("Interpolants between A and B (1 .. 24).");
  controls_end_group(app, 5);

  options_next_group(app, 6, in_menu);
  bool any_vae = false;
  for (int p = 0; p < app.pane_count; ++p) any_vae |= model_kind_info(app.panes[p].kind).variational;
  if (!any_vae) ImGui::BeginDisabled();
  bool slerp = it.slerp;
  if (ImGui::Checkbox("Slerp (VAE)", &slerp)) interp_set_slerp(app, slerp);
  if (!any_vae) ImGui::EndDisabled();
  tooltip("The VAE's path along the sphere (direction by slerp, norm linear)\ninstead of the straight line. The AE's path stays straight.");
  controls_end_group(app, 6);

  options_next_group(app, 7, in_menu);
  pairs_field(app);
  controls_end_group(app, 7);
  if (in_menu && chosen) ImGui::CloseCurrentPopup();
}

void ui_interp_controls(AppState& app) {
  Interpolation& it = app.interp;
  const float s = app.ui_scale;
  if (!it.distance) {  // the first frame: say what is about to take a moment
    ImGui::AlignTextToFramePadding();
    if (!it.error.empty() && it.distance_data.lock() == app.data) {
      ImGui::TextColored(app.theme->error_text, "Interpolation: %s", it.error.c_str());
    } else {
      ImGui::TextDisabled("Interpolation: measuring the data (nearest neighbours among %d training images)...",
                          std::min(kInterpReference, app.data->train_count));
      if (it.measure_frame == 0) it.measure_frame = app.frame;
    }
    return;
  }
  if (it.edit_a != it.a && !ImGui::IsAnyItemActive()) it.edit_a = it.a;
  if (it.edit_b != it.b && !ImGui::IsAnyItemActive()) it.edit_b = it.b;

  controls_next_group(app, 0);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("A");
  ImGui::SameLine(0, 4 * s);
  index_field(app, "##interp_a", &it.edit_a, true);
  ImGui::SameLine(0, 10 * s);
  ImGui::TextUnformatted("B");
  ImGui::SameLine(0, 4 * s);
  index_field(app, "##interp_b", &it.edit_b, false);
  controls_end_group(app, 0);

  if (it.pick && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) it.pick = 0, it.pick_point = -1;
  // The ways to pick A and B, the path and the verdict's N: inline, or in the menu.
  const float centre_w = ImGui::GetContentRegionAvail().x;
  if (controls_folded(app, centre_w)) {
    controls_next_group(app, 1, options_button_width());
    if (ImGui::Button(kOptionsLabel)) ImGui::OpenPopup("##interp_options");
    tooltip("How to pick A and B, the path's steps and kind, and the verdict's number of pairs:\n"
            "too many for two rows under the maps at this size.");
    ImGui::EndGroup();
    if (ImGui::BeginPopup("##interp_options")) {
      controls_options(app, true);
      ImGui::EndPopup();
    }
  } else {
    controls_options(app, false);
  }

  // The slider group takes the rest of its row; it wraps when less than 80 pixels would be left for it.
  const float button = ImGui::GetFrameHeight();
  app.interp.control_widths[kSliderGroup] = button * 1.3f + 18 * s + ImGui::CalcTextSize("t = 0.00").x + 80 * s;
  controls_next_group(app, kSliderGroup);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  if (ImGui::Button("##play", ImVec2(button * 1.3f, button))) {
    it.playing = !it.playing;
    if (it.playing && it.t >= 1.0f) it.play_direction = -1;
    if (it.playing && it.t <= 0.0f) it.play_direction = 1;
  }
  tooltip(it.playing ? "Pause" : "Play: run along the path, A to B and back");
  // The play/pause glyph, drawn: the font may not have one.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 c(pos.x + button * 0.65f, pos.y + button * 0.5f);
  const float r = button * 0.24f;
  if (it.playing) {
    draw->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x - r * 0.3f, c.y + r), text_color());
    draw->AddRectFilled(ImVec2(c.x + r * 0.3f, c.y - r), ImVec2(c.x + r, c.y + r), text_color());
  } else {
    draw->AddTriangleFilled(ImVec2(c.x - r * 0.8f, c.y - r), ImVec2(c.x - r * 0.8f, c.y + r), ImVec2(c.x + r, c.y), text_color());
  }
  ImGui::SameLine(0, 10 * s);
  ImGui::Text("t = %.2f", it.t);
  ImGui::SameLine(0, 8 * s);
  ImGui::SetNextItemWidth(std::max(80 * s, ImGui::GetContentRegionAvail().x));
  if (ImGui::SliderFloat("##t", &it.t, 0.0f, 1.0f, "")) it.playing = false;
  tooltip("Where along the path: 0 = A, 1 = B. The marker on the maps and the\nhighlighted tile follow it.");
  controls_end_group(app, kSliderGroup);
}

//-----------------------------------------------------------------------------
// [SECTION] Strip and metrics
//-----------------------------------------------------------------------------

// Text centred in [x0, x1] at y, when it fits.
static void text_centred(ImDrawList* draw, float x0, float x1, float y, ImU32 color, const char* text) {
  const float w = ImGui::CalcTextSize(text).x;
  if (w > x1 - x0 + 2) return;
  draw->AddText(ImVec2(std::round(0.5f * (x0 + x1 - w)), y), color, text);
}

// The width metric() takes (without the gap after it).
static float metric_width(const AppState& app, const char* name, const char* value) {
  ImFont* large = app.font_large ? app.font_large : ImGui::GetFont();
  return ImGui::CalcTextSize(name).x + 5 * app.ui_scale + large->CalcTextSizeA(large->FontSize, 1e9f, 0, value).x;
}

// A "name value" pair in a row, the value in the large font and `value_color`, baselines aligned
// at `y` + the large font's height; returns the x after it.
static float metric(const AppState& app, ImDrawList* draw, float x, float y, const char* name, const char* value,
                    ImU32 value_color) {
  ImFont* large = app.font_large ? app.font_large : ImGui::GetFont();
  const float line = ImGui::GetTextLineHeight();
  draw->AddText(ImVec2(x, y + large->FontSize - line), caption_color(), name);
  x += ImGui::CalcTextSize(name).x + 5 * app.ui_scale;
  draw->AddText(large, large->FontSize, ImVec2(x, y), value_color, value);
  return x + large->CalcTextSizeA(large->FontSize, 1e9f, 0, value).x + 14 * app.ui_scale;
}

// The strip's rows apart from the tiles: the caption, the caret above the tiles, the bars and the
// numbers under them, and the metrics. When the row is too short for tiles of the width's size, the
// metrics and then the bars make way (the metrics move into the strip's tooltip).
// On the lines set: no bars (the numbers are exact), a second line of numbers (the matched angles),
// then the ideal row's tiles and its line of numbers (the ideal angles).
struct StripRows {
  float caption, caret, bars, numbers, metrics, gaps;
  float lines_rows = 0;  // the lines set's angle line under the model's tiles, the gap and the ideal row's line
  int tile_rows = 1;     // 2 on the lines set: the model's tiles, then the ideal interpolation's
  float fixed() const { return caption + caret + bars + numbers + metrics + gaps + lines_rows; }
};

// `width` the strip's; tiles too narrow for a number ("0.0"; on lines "000°") and a gap between two
// have no rows of numbers under them (they would run together): the numbers move into the strip's tooltip.
static StripRows strip_rows(const AppState& app, float width) {
  const float s = app.ui_scale, line = ImGui::GetTextLineHeight();
  const float large_line = app.font_large ? app.font_large->FontSize : line;
  const int tiles = app.interp.steps + 2;
  const bool lines = lines_of(app) != nullptr;
  const bool numbers = (width - 16 * s) / tiles >= ImGui::CalcTextSize(lines ? "000\xc2\xb0" : "0.0").x + 6 * s;
  StripRows rows{line + 4 * s, 7 * s, 18 * s, numbers ? line + 2 * s : 0.0f, large_line + 6 * s, 6 * s};
  if (lines) {
    rows.bars = 0;
    rows.tile_rows = 2;
    rows.lines_rows = 2 * rows.numbers + 4 * s;
  }
  return rows;
}

constexpr float kStripMinCell = 12;  // px at 100%: the smallest tile the strip draws

float interp_strip_min_height(const AppState& app, float width) {
  StripRows rows = strip_rows(app, width);
  rows.bars = rows.metrics = 0;
  if (rows.tile_rows > 1) rows.numbers = 0, rows.lines_rows = 4 * app.ui_scale;
  return rows.fixed() + rows.tile_rows * kStripMinCell * app.ui_scale;
}

void ui_interp_strip(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  const Interpolation& it = app.interp;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float line = ImGui::GetTextLineHeight();
  pane.interp.strip_min = pane.interp.strip_max = origin;
  if (!pane_has_path(app, p) || pane.interp.serial == 0) {
    const char* text = !it.error.empty() ? "No distance to the data for this dataset." : "Interpolating...";
    draw->AddText(ImVec2(origin.x, origin.y), caption_color(), text);
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  const int steps = pane.interp.steps, tiles = steps + 2;
  const PathMeasure& m = pane.interp.measure;
  char text[160], name_a[64], name_b[64];
  // The lines set, when this strip's image holds the ideal row: its exact figures (the last measured).
  const InterpLines* lines = lines_of(app);
  if (lines && pane.interp.image.height != 2 * app.tile_h) lines = nullptr;
  const LinesPath* exact = lines ? lines_path_shown(app, *lines, p) : nullptr;
  const LinesPath* ideal = lines && lines->ideal.serial == it.serial && lines->ideal.distance.size() == static_cast<size_t>(tiles)
                               ? &lines->ideal
                               : nullptr;

  // Caption: the endpoints (labels in their colours) and the path's kind.
  const int label_a = sample_label(app, it.a), label_b = sample_label(app, it.b);
  float x = origin.x;
  label_name(app, label_a, name_a, sizeof name_a);
  label_name(app, label_b, name_b, sizeof name_b);
  {  // Long label names (the lines set's angle bins) in a narrow pane: the caption keeps the indices only.
    char a_text[32], b_text[32];
    std::snprintf(a_text, sizeof a_text, "A #%d", it.a);
    std::snprintf(b_text, sizeof b_text, "B #%d", it.b);
    const float whole = ImGui::CalcTextSize(a_text).x + ImGui::CalcTextSize(b_text).x + ImGui::CalcTextSize(name_a).x +
                        ImGui::CalcTextSize(name_b).x + ImGui::CalcTextSize("\xe2\x86\x92").x + 30 * s;
    if (whole > width) name_a[0] = name_b[0] = '\0';
  }
  std::snprintf(text, sizeof text, "A #%d", it.a);
  draw->AddText(ImVec2(x, origin.y), text_color(), text);
  x += ImGui::CalcTextSize(text).x + 5 * s;
  draw->AddText(ImVec2(x, origin.y), label_color(label_a), name_a);
  x += ImGui::CalcTextSize(name_a).x + 10 * s;
  draw->AddText(ImVec2(x, origin.y), caption_color(), "\xe2\x86\x92");  // "→"
  x += ImGui::CalcTextSize("\xe2\x86\x92").x + 10 * s;
  std::snprintf(text, sizeof text, "B #%d", it.b);
  draw->AddText(ImVec2(x, origin.y), text_color(), text);
  x += ImGui::CalcTextSize(text).x + 5 * s;
  draw->AddText(ImVec2(x, origin.y), label_color(label_b), name_b);
  // Right: the path's kind, and the model's reconstructions of A and B (the floor its path starts from).
  x += ImGui::CalcTextSize(name_b).x;
  std::snprintf(text, sizeof text, "%s", choice_name(pane.interp.kind));
  float right = origin.x + width - ImGui::CalcTextSize(text).x;
  if (right > x + 10 * s) draw->AddText(ImVec2(right, origin.y), caption_color(), text);  // not over B's label
  // On lines: the exact distance of the decoded ends, in thousandths.
  const double ends = exact ? 0.5 * (exact->distance.front() + exact->distance.back()) : m.endpoint_distance;
  std::snprintf(text, sizeof text, exact ? "%.1f" : "%.2f", exact ? exact_shown(ends) : ends);
  right -= ImGui::CalcTextSize(text).x + 14 * s;
  if (right > x + 150 * s && (exact || !lines)) {
    draw->AddText(ImVec2(right, origin.y), exact ? exact_color(ends) : interp_distance_color(ends), text);
    const char* name = "A, B reconstructed";
    right -= ImGui::CalcTextSize(name).x + 5 * s;
    draw->AddText(ImVec2(right, origin.y), caption_color(), name);
  }

  // Tiles: original A, a gap, the interpolants, a gap, original B. The originals are framed in
  // their labels' colours, the tile nearest the slider in the model's accent.
  const float ends_gap = 8 * s;
  const float large_line = app.font_large ? app.font_large->FontSize : line;
  StripRows rows = strip_rows(app, width);
  const float width_cell = std::floor((width - 2 * ends_gap) / tiles);
  const int tile_rows = lines ? 2 : 1;
  if (!lines) rows.tile_rows = 1, rows.lines_rows = 0;  // not measured on lines yet: one row
  // On lines the metrics go only when the tiles would be too narrow for their numbers (the summary's
  // "this pair" line shows the same figures), or tiny.
  const float keep_metrics = !lines ? width_cell
                             : rows.numbers > 0 ? std::min(width_cell, ImGui::CalcTextSize("000\xc2\xb0").x + 6 * s)
                                                : 2 * kStripMinCell * s;
  if ((height - rows.fixed()) / tile_rows < keep_metrics) rows.metrics = 0;
  if ((height - rows.fixed()) / tile_rows < width_cell) rows.bars = 0;
  if (lines && (height - rows.fixed()) / tile_rows < 2 * kStripMinCell * s) rows.numbers = 0, rows.lines_rows = 4 * s;
  const float caret_h = rows.caret, numbers_h = rows.numbers, bars_h = rows.bars;
  const float top = origin.y + rows.caption + caret_h;
  const float cell =
      std::floor(std::min(width_cell, std::max(kStripMinCell * s, (height - rows.fixed()) / tile_rows)));
  const float gutter = cell >= 30 * s ? 3 * s : 1;
  auto tile_x = [&](int i) {
    return origin.x + i * cell + (i > 0 ? ends_gap : 0) + (i == tiles - 1 ? ends_gap : 0);
  };
  const float tw = 1.0f / tiles, th = 1.0f / tile_rows;
  for (int i = 0; i < tiles; ++i) {
    const ImVec2 a(tile_x(i) + gutter * 0.5f, top), b(tile_x(i) + cell - gutter * 0.5f, top + cell - gutter);
    draw->AddImage(gpu_image_id(pane.interp.image), a, b, ImVec2(i * tw, 0), ImVec2((i + 1) * tw, th));
    if (i == 0 || i == tiles - 1)
      draw->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), label_color(i == 0 ? label_a : label_b), 0, 0,
                    2.0f * s);
  }
  pane.interp.strip_min = ImVec2(tile_x(0), top);
  pane.interp.strip_max = ImVec2(tile_x(tiles - 1) + cell, top + cell);
  // The slider's place: a caret above the strip at t, and a frame around the nearest tile.
  const float ft = it.t * (tiles - 1);
  const int near = std::clamp(static_cast<int>(std::round(ft)), 0, tiles - 1);
  const int lo = std::min(static_cast<int>(ft), tiles - 2);
  const float caret_x = tile_x(lo) + cell * 0.5f + (tile_x(lo + 1) - tile_x(lo)) * (ft - lo);
  draw->AddTriangleFilled(ImVec2(caret_x - 6 * s, top - caret_h - 1), ImVec2(caret_x + 6 * s, top - caret_h - 1),
                          ImVec2(caret_x, top - 2 * s), pane_accent(p));
  draw->AddRect(ImVec2(tile_x(near) - 1, top - 2), ImVec2(tile_x(near) + cell + 1, top + cell - gutter + 2),
                pane_accent(p), 0, 0, 2.5f * s);

  // Under every interpolant: a bar and the number, coloured by distance. The bar shows how much
  // farther from the data than a real held-out image (1.0) it is: empty at 1, full at kBarFull.
  const float bars_top = top + cell + 4 * s, bars_bottom = bars_top + bars_h;
  if (bars_h > 0)
    draw->AddLine(ImVec2(tile_x(1), bars_bottom), ImVec2(tile_x(steps) + cell, bars_bottom), IM_COL32(255, 255, 255, 60), 1.0f);
  for (int i = 1; i <= steps && !lines; ++i) {
    const double d = m.distance[i - 1];
    const ImU32 color = interp_distance_color(d);
    const float k = static_cast<float>(std::clamp((d - 1.0) / (kBarFull - 1.0), 0.0, 1.0));
    const float h = std::max(2 * s, bars_h * k);
    const float inset = std::max(gutter, cell * 0.2f);
    if (bars_h > 0)
      draw->AddRectFilled(ImVec2(tile_x(i) + inset, bars_bottom - h), ImVec2(tile_x(i) + cell - inset, bars_bottom), color);
    if (numbers_h == 0) continue;
    std::snprintf(text, sizeof text, "%.2f", d);
    if (ImGui::CalcTextSize(text).x > cell) std::snprintf(text, sizeof text, "%.1f", d);
    text_centred(draw, tile_x(i), tile_x(i) + cell, bars_bottom + 1 * s, color, text);
  }
  if (numbers_h > 0) {
    text_centred(draw, tile_x(0), tile_x(0) + cell, bars_bottom + 1 * s, caption_color(), "real");
    text_centred(draw, tile_x(tiles - 1), tile_x(tiles - 1) + cell, bars_bottom + 1 * s, caption_color(), "real");
  }

  // The lines set: under each interpolant its exact distance (thousandths) and matched angle, under
  // A and B their true angles; then the ideal row, under each of its tiles the ideal angle.
  float below = bars_bottom + numbers_h;  // the last row's bottom
  if (lines) {
    const float y1 = bars_bottom + 1 * s, y2 = y1 + numbers_h;
    if (numbers_h > 0 && exact)
      for (int i = 1; i <= steps; ++i) {
        const double d = exact->distance[size_t(i)];
        exact_text(d, text, sizeof text);
        text_centred(draw, tile_x(i), tile_x(i) + cell, y1, exact_color(d), text);
        std::snprintf(text, sizeof text, "%.0f\xc2\xb0", degrees(exact->angle[size_t(i)]));
        text_centred(draw, tile_x(i), tile_x(i) + cell, y2, text_color(), text);
      }
    if (numbers_h > 0)
      for (int e = 0; e < 2; ++e) {
        std::snprintf(text, sizeof text, "%.0f\xc2\xb0", degrees(e ? lines->angle_b : lines->angle_a));
        text_centred(draw, tile_x(e ? tiles - 1 : 0), tile_x(e ? tiles - 1 : 0) + cell, y2, caption_color(), text);
      }
    const float ideal_top = bars_bottom + 2 * numbers_h + 4 * s;
    for (int i = 0; i < tiles; ++i)
      draw->AddImage(gpu_image_id(pane.interp.image), ImVec2(tile_x(i) + gutter * 0.5f, ideal_top),
                     ImVec2(tile_x(i) + cell - gutter * 0.5f, ideal_top + cell - gutter), ImVec2(i * tw, th),
                     ImVec2((i + 1) * tw, 1));
    pane.interp.strip_max.y = ideal_top + cell;
    const float y3 = ideal_top + cell + 1 * s;
    if (numbers_h > 0) {
      for (int i = 1; i <= steps; ++i) {
        std::snprintf(text, sizeof text, "%.0f\xc2\xb0", degrees(lines->ideal_angles[size_t(i)]));
        text_centred(draw, tile_x(i), tile_x(i) + cell, y3, caption_color(), text);
      }
      text_centred(draw, tile_x(0), tile_x(0) + cell, y3, caption_color(), "ideal");
      text_centred(draw, tile_x(tiles - 1), tile_x(tiles - 1) + cell, y3, caption_color(), "ideal");
    }
    below = ideal_top + cell + numbers_h;
  }

  // The strip's numbers, large enough for the back of the room (in the tooltip when they made way).
  const float my = below + 6 * s;
  char value[32];
  x = origin.x;
  if (rows.metrics > 0 && lines) {
    // Exact: this path's mean distance (thousandths) and Smoothness, then the ideal row's; a pair
    // that would not fit the strip's width is left to the tooltip.
    const float right_edge = origin.x + width;
    draw->AddText(ImVec2(x, my + large_line - line), caption_color(), "exact:");
    x += ImGui::CalcTextSize("exact:").x + 10 * s;
    std::snprintf(value, sizeof value, "%.1f", exact ? exact_shown(exact->mean) : std::nan(""));
    if (x + metric_width(app, "mean", value) <= right_edge)
      x = metric(app, draw, x, my, "mean", value, exact ? exact_color(exact->mean) : text_color());
    std::snprintf(value, sizeof value, "%.2f", exact ? exact->smoothness : std::nan(""));
    if (x + metric_width(app, "smoothness", value) <= right_edge)
      x = metric(app, draw, x, my, "smoothness", value, text_color());
    std::snprintf(value, sizeof value, "%.1f, %.2f", ideal ? exact_shown(ideal->mean) : std::nan(""),
                  ideal ? ideal->smoothness : std::nan(""));
    if (x + 6 * s + metric_width(app, "ideal", value) <= right_edge)
      metric(app, draw, x + 6 * s, my, "ideal", value, caption_color());
  } else if (rows.metrics > 0) {
    draw->AddText(ImVec2(x, my + large_line - line), caption_color(), "distance to data:");
    x += ImGui::CalcTextSize("distance to data:").x + 10 * s;
    std::snprintf(value, sizeof value, "%.2f", m.mean_distance);
    x = metric(app, draw, x, my, "mean", value, interp_distance_color(m.mean_distance));
    std::snprintf(value, sizeof value, "%.2f", m.max_distance);
    x = metric(app, draw, x, my, "max", value, interp_distance_color(m.max_distance));
    std::snprintf(value, sizeof value, "%.2f", m.midpoint_distance);
    x = metric(app, draw, x, my, "midpoint", value, interp_distance_color(m.midpoint_distance));
    std::snprintf(value, sizeof value, "%.2f", m.smoothness);
    metric(app, draw, x + 6 * s, my, "smoothness", value, text_color());
  }

  ImGui::Dummy(ImVec2(width, height));
  if (lines && ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    if (exact) {
      ImGui::Text("This path, exact: mean distance %.2f thousandths, smoothness %.3f.", exact_shown(exact->mean),
                  exact->smoothness);
      ImGui::Text("Each tile (A reconstructed, the interpolants, B reconstructed): distance, matched angle");
      for (int i = 0; i < tiles; ++i)
        ImGui::Text("  %2d   %6.2f   %5.1f\xc2\xb0   (ideal %5.1f\xc2\xb0)", i, exact_shown(exact->distance[size_t(i)]),
                    degrees(exact->angle[size_t(i)]), degrees(lines->ideal_angles[size_t(i)]));
    }
    if (ideal)
      ImGui::Text("The ideal row (true lines at evenly spaced angles along the shorter arc): %.2f thousandths, %.3f.",
                  exact_shown(ideal->mean), ideal->smoothness);
    ImGui::Text("Exact distance: the cosine distance 1 - cos of a decoded image to the closest of %d reference\n"
                "lines (every angle, evenly spaced), in thousandths: 0 = a true line. Smoothness: the matched\n"
                "angles unwrapped, the largest step over the whole change minus 1/(S-1): 0 = even steps.\n"
                "Berthelot et al. 2018's lines benchmark (README: ACAI, and the lines table).",
                kLineReferences);
    ImGui::EndTooltip();
  } else if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    if (rows.numbers == 0) {
      ImGui::Text("Distance to data of each interpolant:");
      for (int i = 0; i < steps; ++i) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(interp_distance_color(m.distance[i])), "%.2f", m.distance[i]);
      }
    }
    if (rows.metrics == 0)
      ImGui::Text("Distance to data: mean %.2f, max %.2f, midpoint %.2f; smoothness %.2f.", m.mean_distance,
                  m.max_distance, m.midpoint_distance, m.smoothness);
    ImGui::Text("Distance to the data: each decoded image's pixel distance to the nearest of %d training\n"
                "images, divided by the typical nearest-neighbour distance between real images (%.2f).\n"
                "1.0 = as close to the data as a real held-out %s; far above it = nothing real looks like it.",
                static_cast<int>(it.distance->reference.cols()), it.distance->typical_nn_distance, data_noun(app));
    ImGui::Text("Smoothness: the largest change between consecutive frames, in the same unit.\n"
                "A, B reconstructed: the distance of the model's own decodings of A and B,\n"
                "the floor its path starts from (a blurrier model sits higher everywhere).");
    ImGui::EndTooltip();
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Summary: the verdict over many pairs, the headline for this pair
//-----------------------------------------------------------------------------

// The summary's lines, made from the numbers that are shown: the verdict over N pairs (or its
// progress), the advice where it does not favour the VAE, and the headline for this pair.
struct SummaryLines {
  const char* verdict = "";        // the finished sweep's sentence (InterpVerdict::text), or ""
  char progress[128] = "";         // a sweep under way, or why there is none
  const char* advice = "";         // where the claim does not hold here, what to try instead
  char pair[256] = "";             // this pair, with the figure it names for both models
  const char* pair_stat = "";      // the statistic the headline compares: "mean"
  int pair_closer = -1;            // the model the headline names as closer; -1 = as close
  ImU32 verdict_color = text_color();
};

// The per-pair headline compares the strips' "mean" figures, rounded as the strips print them,
// so it can never point the other way from the numbers under it.
static void summary_pair_line(const AppState& app, SummaryLines* out) {
  const char* noun = data_noun(app);
  out->pair_stat = "mean";
  const PathMeasure& m0 = app.panes[0].interp.measure;
  const char* n0 = model_kind_short_name(app.panes[0].kind);
  if (app.pane_count < 2 || !pane_has_path(app, 1)) {
    std::snprintf(out->pair, sizeof out->pair,
                  "This pair: the %s's interpolants are %.2f from the nearest real %s on average (mean; a real %s is 1.0).",
                  n0, m0.mean_distance, noun, noun);
    return;
  }
  const PathMeasure& m1 = app.panes[1].interp.measure;
  const char* n1 = model_kind_short_name(app.panes[1].kind);
  const long shown0 = std::lround(m0.mean_distance * 100), shown1 = std::lround(m1.mean_distance * 100);
  if (shown0 == shown1) {
    std::snprintf(out->pair, sizeof out->pair,
                  "This pair: the %s's and the %s's interpolants are as close to the data on average (mean %.2f and %.2f).",
                  n0, n1, m0.mean_distance, m1.mean_distance);
    return;
  }
  const int closer = shown1 < shown0 ? 1 : 0;
  out->pair_closer = closer;
  const PathMeasure& mc = closer ? m1 : m0;
  const PathMeasure& mf = closer ? m0 : m1;
  std::snprintf(out->pair, sizeof out->pair,
                "This pair: the %s's interpolants are closer to the data on average (mean %.2f vs the %s's %.2f).",
                closer ? n1 : n0, mc.mean_distance, closer ? n0 : n1, mf.mean_distance);
}

// The lines set: the exact figures over the paper's protocol, and this pair's exact figures.
static void summary_lines_exact(const AppState& app, const InterpLines& lines, SummaryLines* out) {
  out->pair_stat = "exact mean distance";
  int n = std::snprintf(out->pair, sizeof out->pair, "This pair, exact:");
  double best = 1e9;
  bool all = true;
  for (int p = 0; p < app.pane_count && n < static_cast<int>(sizeof out->pair); ++p) {
    const LinesPath& e = lines.path[p];
    if (e.serial != app.interp.serial || e.distance.empty()) {
      all = false;
      continue;
    }
    n += std::snprintf(out->pair + n, sizeof out->pair - n, p ? "; the %s's %.1f, %.2f" : " the %s's mean distance %.1f, smoothness %.2f",
                       model_kind_short_name(app.panes[p].kind), exact_shown(e.mean), e.smoothness);
    const long shown = std::lround(exact_shown(e.mean) * 10);
    if (shown < best) best = static_cast<double>(shown), out->pair_closer = p;
    else if (shown == best) out->pair_closer = -1;
  }
  if (!all) out->pair_closer = -1;
  if (n < static_cast<int>(sizeof out->pair) && lines.ideal.serial == app.interp.serial)
    std::snprintf(out->pair + n, sizeof out->pair - n, "; the ideal row %.1f, %.2f (thousandths).",
                  exact_shown(lines.ideal.mean), lines.ideal.smoothness);
  if (!lines.summary_text.empty() && lines.summary_data.lock() == app.data) {
    out->verdict = lines.summary_text.c_str();
    out->verdict_color = lines.summary_best >= 0 ? pane_accent(lines.summary_best) : text_color();
  }
  if (lines.summary_job.pending())
    std::snprintf(out->progress, sizeof out->progress, out->verdict[0] ? "(new weights: measuring the exact figures again...)"
                                                                       : "Measuring the exact figures over %d held-out pairs \xc3\x97 %d steps...",
                  kLinesPairs, kLinesSteps);
}

static bool summary_lines(const AppState& app, SummaryLines* out) {
  if (app.pane_count < 1 || !pane_has_path(app, 0)) return false;
  if (const InterpLines* lines = lines_of(app)) {
    summary_lines_exact(app, *lines, out);
    return true;
  }
  summary_pair_line(app, out);
  const InterpVerdict& v = app.interp.verdict;
  const int total = static_cast<int>(v.pairs.size());
  if (app.pane_count < 2) {
    std::snprintf(out->progress, sizeof out->progress, "The verdict over many pairs compares two models: switch to twin mode.");
    return true;
  }
  if (v.snap)
    std::snprintf(out->progress, sizeof out->progress, v.done ? "(new weights: %d of %d pairs measured)"
                                                              : "Measuring the verdict over %d random held-out pairs: %d so far...",
                  v.done ? v.next / 2 : total, v.done ? total : v.next / 2);
  if (!v.done) {
    if (!v.snap) std::snprintf(out->progress, sizeof out->progress, "No held-out pairs for a verdict over many pairs.");
    return true;
  }
  out->verdict = v.text.c_str();
  out->verdict_color = v.result.favoured >= 0 ? pane_accent(v.result.favoured) : text_color();
  // The lesson is the VAE's: say so in plain words when these settings do not show it.
  const bool vae_second = app.panes[1].kind == ModelKind::VAE && app.panes[0].kind != ModelKind::VAE;
  if (vae_second && v.result.favoured != 1)
    // Where it holds, from the README's table (`latentlab interpolate`, 3 seeds, digits and MNIST).
    out->advice = app.panes[1].latent < 20
                      ? "So here the VAE's interpolants are not the closer; at latent 20 they are (README). At any "
                        "latent, the Samples gallery shows the AE's holes."
                      : "So here the VAE's interpolants are not the closer. The Samples gallery shows the AE's "
                        "holes: its decodes of random codes lie farther from the data.";
  return true;
}

static void wrapped_line(const char* text, ImU32 color) {
  if (!text[0]) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

void ui_interp_summary(AppState& app) {
  SummaryLines lines;
  if (!summary_lines(app, &lines)) {
    ImGui::TextDisabled("Interpolating...");
    return;
  }
  ImGui::PushTextWrapPos(0.0f);  // at the window's right edge
  // A short window or a large UI scale: the verdict's sentence would take more than two lines that the
  // maps need, so it shows its numbers in a short form, the sentence on hover.
  const float width = ImGui::GetContentRegionAvail().x, spacing = ImGui::GetStyle().ItemSpacing.y;
  auto height = [&](const char* text) { return text[0] ? ImGui::CalcTextSize(text, nullptr, false, width).y + spacing : 0.0f; };
  const InterpVerdict& v = app.interp.verdict;
  char short_verdict[160];
  const bool fold = lines.verdict[0] && height(lines.verdict) > 2 * ImGui::GetTextLineHeightWithSpacing() &&
                    ImGui::GetContentRegionAvail().y - height(lines.verdict) < kSummaryRoomBelow * app.ui_scale;
  const InterpLines* lines_set = lines_of(app);
  if (fold && lines_set) {
    int n = std::snprintf(short_verdict, sizeof short_verdict, "Exact, %d pairs:", kLinesPairs);
    for (size_t p = 0; p < lines_set->summary.size() && n < static_cast<int>(sizeof short_verdict); ++p)
      n += std::snprintf(short_verdict + n, sizeof short_verdict - n, " %s %.1f, %.2f;", model_kind_short_name(app.panes[p].kind),
                         exact_shown(lines_set->summary[p].mean_distance), lines_set->summary[p].smoothness);
    if (n > 0 && n < static_cast<int>(sizeof short_verdict) && short_verdict[n - 1] == ';') --n;
    if (n < static_cast<int>(sizeof short_verdict)) std::snprintf(short_verdict + n, sizeof short_verdict - n, " (hover)");
    wrapped_line(short_verdict, lines.verdict_color);
  } else if (fold) {
    std::snprintf(short_verdict, sizeof short_verdict, "%d of %d pairs for the %s%s; mean %s %.2f, %s %.2f (hover)",
                  v.result.second_closer, v.result.pairs, model_kind_short_name(app.panes[1].kind),
                  v.result.favoured < 0 ? ", a tie" : "", model_kind_short_name(app.panes[0].kind),
                  v.result.mean_distance[0], model_kind_short_name(app.panes[1].kind), v.result.mean_distance[1]);
    wrapped_line(short_verdict, lines.verdict_color);
  } else {
    wrapped_line(lines.verdict, lines.verdict_color);
  }
  if (lines_set && lines.verdict[0] && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s%sThe paper's protocol, as `latentlab interpolate --data lines` measures it: %d random pairs of\n"
                      "held-out lines (seeded by the models' seed), %d steps each with the ends, the codes mixed\n"
                      "linearly (a VAE's means). Mean distance: each decoded image's cosine distance to the closest\n"
                      "of %d reference lines, in thousandths. Smoothness: the largest step of the matched angle over\n"
                      "the whole change, minus 1/(S-1). 0 and 0 = every interpolant a true line, in even steps.",
                      fold ? lines.verdict : "", fold ? "\n\n" : "", kLinesPairs, kLinesSteps, kLineReferences);
  else if (lines.verdict[0] && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s%sOver %d random pairs of held-out %ss (the same pairs as `latentlab interpolate --pairs %d\n"
                      "--seed %llu`): in each pair, the model whose interpolants are closer to the data on\n"
                      "average. It is more than chance when a sign test gives p < %.2f; else a tie within noise.\n"
                      "Distances in units of the typical nearest-neighbour distance between real %ss (1.0).",
                      fold ? lines.verdict : "", fold ? "\n\n" : "", static_cast<int>(app.interp.verdict.pairs.size()),
                      data_noun(app), static_cast<int>(app.interp.verdict.pairs.size()),
                      static_cast<unsigned long long>(app.interp.verdict.seed), kVerdictSignificance, data_noun(app));
  wrapped_line(lines.progress, caption_color());
  // A short window or a large UI scale: the advice and this pair's headline would leave the maps
  // no room, so they wait behind one line and its tooltip.
  if (ImGui::GetContentRegionAvail().y - height(lines.advice) - height(lines.pair) < kSummaryRoomBelow * app.ui_scale) {
    ImGui::TextDisabled("%s", lines.advice[0] ? "Not the VAE here: where it holds, and this pair (hover)" : "This pair (hover)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", lines.advice, lines.pair);
    ImGui::PopTextWrapPos();
    return;
  }
  wrapped_line(lines.advice, text_color());
  wrapped_line(lines.pair, text_color());
  if (lines_set && ImGui::IsItemHovered())
    ImGui::SetTooltip("For this pair: each model's path (the ends decoded, and the interpolants) as the strips measure\n"
                      "it, exact, in thousandths; the ideal row's true lines score about 0 and 0.");
  else if (ImGui::IsItemHovered())
    ImGui::SetTooltip("For this pair: the mean distance to the data of each model's interpolants, the\n"
                      "\"mean\" under its strip (1.0 = as close as a real held-out %s). One pair is one example;\n"
                      "the line above counts over many.",
                      data_noun(app));
  ImGui::PopTextWrapPos();
}

//-----------------------------------------------------------------------------
// [SECTION] Dumps: PNG and state
//-----------------------------------------------------------------------------

bool interp_write_strip(const AppState& app, int p, const char* path, std::string* error) {
  const ModelPane& pane = app.panes[p];
  if (!pane_has_path(app, p)) {
    *error = "no interpolation strip for model " + std::to_string(p) + " (is the panel on?)";
    return false;
  }
  return write_png_rgba(path, pane.interp.rgba.data(), (pane.interp.steps + 2) * app.tile_w, app.tile_h, error);
}

static void write_list(FILE* f, const char* key, const std::vector<double>& values) {
  std::fprintf(f, "%s=", key);
  for (size_t i = 0; i < values.size(); ++i) std::fprintf(f, "%s%.17g", i ? "," : "", values[i]);
  std::fprintf(f, "\n");
}

// The lines set's exact figures, unrounded: angles in radians, distances as 1 - cos (not thousandths).
static void lines_write_state(const AppState& app, const InterpLines& lines, FILE* f) {
  std::fprintf(f, "interp.lines=1\ninterp.lines_angle_a=%.17g\ninterp.lines_angle_b=%.17g\n", lines.angle_a, lines.angle_b);
  write_list(f, "interp.lines_ideal_angles", lines.ideal_angles);
  std::fprintf(f, "interp.lines_ideal_mean=%.17g\ninterp.lines_ideal_smoothness=%.17g\n", lines.ideal.mean,
               lines.ideal.smoothness);
  write_list(f, "interp.lines_ideal_matched", lines.ideal.angle);
  write_list(f, "interp.lines_ideal_distances", lines.ideal.distance);
  std::fprintf(f, "interp.lines_in_sync=%d\ninterp.lines_summary_ready=%d\ninterp.lines_summary_pairs=%d\ninterp.lines_summary_steps=%d\n",
               lines_in_sync(app, lines) ? 1 : 0, lines_summary_ready(app, lines) ? 1 : 0, kLinesPairs, kLinesSteps);
  for (int p = 0; p < app.pane_count; ++p) {
    const LinesPath& e = lines.path[p];
    std::fprintf(f, "pane%d.lines_mean=%.17g\npane%d.lines_smoothness=%.17g\n", p, e.mean, p, e.smoothness);
    char key[64];
    const LinesFrame& fr = lines.frame[p];
    std::fprintf(f, "pane%d.lines_frame_t=%.9g\npane%d.lines_frame_distance=%.17g\npane%d.lines_frame_angle=%.17g\n", p,
                 fr.t, p, fr.distance, p, fr.angle);
    std::snprintf(key, sizeof key, "pane%d.lines_distances", p);
    write_list(f, key, e.distance);
    std::snprintf(key, sizeof key, "pane%d.lines_angles", p);
    write_list(f, key, e.angle);
    if (static_cast<size_t>(p) < lines.summary.size()) {
      const LinesScore& sc = lines.summary[size_t(p)];
      std::fprintf(f,
                   "pane%d.lines_summary_mean_distance=%.17g\npane%d.lines_summary_smoothness=%.17g\n"
                   "pane%d.lines_summary_paper_mean_distance=%.17g\npane%d.lines_summary_paper_smoothness=%.17g\n"
                   "pane%d.lines_summary_skipped=%d\n",
                   p, sc.mean_distance, p, sc.smoothness, p, sc.paper_mean_distance, p, sc.paper_smoothness, p, sc.skipped);
    }
  }
}

void interp_write_state(const AppState& app, FILE* f) {
  const Interpolation& it = app.interp;
  std::fprintf(f, "interp=%d\ninterp.a=%d\ninterp.b=%d\ninterp.steps=%d\ninterp.slerp=%d\ninterp.t=%g\n", it.show ? 1 : 0,
               it.a, it.b, it.steps, it.slerp ? 1 : 0, it.t);
  std::fprintf(f, "interp.label_a=%d\ninterp.label_b=%d\n", it.a >= 0 ? sample_label(app, it.a) : -1,
               it.b >= 0 ? sample_label(app, it.b) : -1);
  std::fprintf(f, "interp.error=%s\n", it.error.c_str());
  if (it.distance)
    std::fprintf(f, "interp.reference=%d\ninterp.typical_nn_distance=%g\n", static_cast<int>(it.distance->reference.cols()),
                 it.distance->typical_nn_distance);
  SummaryLines lines;
  if (summary_lines(app, &lines)) {
    std::fprintf(f, "interp.summary=%s\ninterp.summary_stat=%s\ninterp.summary_closer=%d\n", lines.pair,
                 lines.pair_stat, lines.pair_closer);
    std::fprintf(f, "interp.verdict=%s\ninterp.verdict_progress=%s\ninterp.verdict_advice=%s\n", lines.verdict,
                 lines.progress, lines.advice);
  }
  const InterpVerdict& v = it.verdict;
  std::fprintf(f, "interp.verdict_done=%d\ninterp.verdict_ready=%d\ninterp.verdict_version=%llu\n", v.done ? 1 : 0,
               interp_verdict_ready(app) ? 1 : 0, static_cast<unsigned long long>(v.done_version));
  std::fprintf(f, "interp.verdict_pairs_wanted=%d\ninterp.verdict_pairs_field=%d\n", v.pairs_wanted, v.pairs_edit);
  if (v.done)
    std::fprintf(f,
                 "interp.verdict_pairs=%d\ninterp.verdict_second_closer=%d\ninterp.verdict_first_closer=%d\n"
                 "interp.verdict_mean0=%.17g\ninterp.verdict_mean1=%.17g\ninterp.verdict_p=%.17g\n"
                 "interp.verdict_favoured=%d\ninterp.verdict_seed=%llu\n",
                 v.result.pairs, v.result.second_closer, v.result.first_closer, v.result.mean_distance[0],
                 v.result.mean_distance[1], v.result.sign_test_p, v.result.favoured,
                 static_cast<unsigned long long>(v.seed));
  if (const InterpLines* lines = lines_of(app)) lines_write_state(app, *lines, f);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (!pane_has_path(app, p)) continue;
    auto rect = [&](const char* name, ImVec2 a, ImVec2 b) {
      std::fprintf(f, "pane%d.%s=%d %d %d %d\n", p, name, static_cast<int>(a.x * scale.x), static_cast<int>(a.y * scale.y),
                   static_cast<int>((b.x - a.x) * scale.x), static_cast<int>((b.y - a.y) * scale.y));
    };
    rect("interp_strip_rect", pane.interp.strip_min, pane.interp.strip_max);
    rect("interp_path_rect", pane.interp.path_min, pane.interp.path_max);
    const PathMeasure& m = pane.interp.measure;
    std::fprintf(f, "pane%d.interp_path=%s\npane%d.interp_steps=%d\n", p,
                 choice_name(pane.interp.kind), p, pane.interp.steps);
    std::fprintf(f, "pane%d.interp_mean=%g\npane%d.interp_max=%g\npane%d.interp_midpoint=%g\n", p, m.mean_distance, p,
                 m.max_distance, p, m.midpoint_distance);
    std::fprintf(f, "pane%d.interp_smoothness=%g\npane%d.interp_endpoints=%g\npane%d.interp_frame=%g\n", p, m.smoothness,
                 p, m.endpoint_distance, p, pane.interp.frame_distance);
    std::fprintf(f, "pane%d.interp_marker=%s\npane%d.interp_map_measure=%s\n", p, pane.interp.marker_text, p,
                 interp_map_measure(app, p));
    std::fprintf(f, "pane%d.interp_distances=", p);
    for (size_t i = 0; i < m.distance.size(); ++i) std::fprintf(f, "%s%g", i ? "," : "", m.distance[i]);
    std::fprintf(f, "\n");
  }
}

bool interp_write_pairs(const AppState& app, const char* path) {
  const InterpVerdict& v = app.interp.verdict;
  FILE* f = std::fopen(path, "w");
  if (!f) return false;
  std::fprintf(f, "# a b mean0 mean1 midpoint0 midpoint1 (the last finished verdict's pairs)\n");
  if (v.done)
    for (size_t i = 0; i < v.pairs.size(); ++i)
      std::fprintf(f, "%d %d %.17g %.17g %.17g %.17g\n", v.pairs[i].first, v.pairs[i].second, v.done_mean[0][i],
                   v.done_mean[1][i], v.done_midpoint[0][i], v.done_midpoint[1][i]);
  return std::fclose(f) == 0;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle row (views/views.h)
//-----------------------------------------------------------------------------

static void interp_configure(AppState& app, int p) {
  InterpView& view = app.panes[p].interp;
  view.serial = 0;  // its buffers are sized when it next computes
  view.version = 0;
}

static void interp_free_gl(ModelPane& pane) {
  gpu_image_free(&pane.interp.image);
  gpu_image_free(&pane.interp.frame_image);
}

// The slider's frame box of the last frame: the grid's tick labels under it are left out.
static bool interp_covers(const ModelPane& pane, ImVec2 min, ImVec2 max) {
  const InterpView& v = pane.interp;
  return v.frame_box_max.x > v.frame_box_min.x && min.x < v.frame_box_max.x && max.x > v.frame_box_min.x &&
         min.y < v.frame_box_max.y && max.y > v.frame_box_min.y;
}

extern const PaneViewOps kInterpView = {"interpolation", interp_configure, interp_update, interp_in_sync, nullptr,
                                 interp_draw_map, interp_free_gl, interp_covers};
