// Sensitivity, in the row under each map (toolbar: "Sensitivity"): the contractive AE's lesson, shown
// the same way for every kind. Left, the histogram of ||J||_F of the encoder (kind_figures.h's
// jacobian_norms) over up to kSensitivitySamples held-out samples, on one axis for every pane, with
// its mean; a pass measures kSensitivityChunk samples at a time within kSensitivityFrameSeconds a frame
// (one backward pass per code unit each: the cost the course warns of), at most every
// kSensitivityRefreshSeconds on new weights. Right, the demo: the sample clicked last (else the
// first held-out point) nudged by a perturbation of RMS ViewOptions::sensitivity_size, random or
// toward another sample (sensitivity.h); how far its code moves here and in the other pane's model,
// and on the map an arrow from its code to the moved code. The demo is recomputed when the weights,
// the sample, the size or the direction change.
//
// Index:
//   [SECTION] Measuring
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "gui_help.h"
#include "gui_state.h"
#include "measure/kind_figures.h"

namespace {
constexpr int kSensitivitySamples = 200;           // held-out samples a pass measures at most
constexpr int kSensitivityChunk = 2;               // samples at once (the least a pane does in a frame)
constexpr double kSensitivityFrameSeconds = 0.003; // the panes' share of a frame (at least one chunk each)
constexpr double kSensitivityRefreshSeconds = 2.0; // a new pass on new weights at most this often
constexpr uint64_t kNudgeSeed = 20261206;          // the random direction: the same for every pane and sample
constexpr float kSizeMin = 0.001f, kSizeMax = 0.5f;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int held_out_count(const AppState& app) {
  const int n = static_cast<int>(app.point_indices.size());
  int held = 0;
  while (held < n && app.point_indices[size_t(held)] >= app.data->train_count) ++held;
  return held;
}

// The sample nudged: the one clicked last, else the first point on the map.
int demo_sample(const AppState& app) {
  if (app.selected_count > 0) return app.selected[app.selected_count - 1];
  return app.point_indices.empty() ? -1 : app.point_indices[0];
}

// The sample it is nudged toward: the one clicked before it, else the first map point of another label.
int demo_toward(const AppState& app, int sample) {
  if (app.view.sensitivity_direction != PerturbDirection::TowardSample || sample < 0) return -1;
  if (app.selected_count > 1) return app.selected[app.selected_count - 2];
  const std::vector<int>& labels = app.data->labels;
  for (int i : app.point_indices)
    if (i != sample && (labels.empty() || labels[size_t(i)] != labels[size_t(sample)])) return i;
  return -1;
}

// The axis every pane's histogram shares: 0 to the largest norm measured in any pane.
double shared_max(const AppState& app) {
  double most = 0;
  for (int p = 0; p < app.pane_count; ++p) most = std::max(most, app.panes[p].sensitivity.max_norm);
  return most > 0 ? most : 1;
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

static void sensitivity_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  SensitivityView& v = pane.sensitivity;
  v.time = app.now;
  const int held = held_out_count(app);
  v.pass_total = std::min(kSensitivitySamples, held > 0 ? held : static_cast<int>(app.point_indices.size()));
  if (!pane_matches(app, pane, app.snap->networks[p]) || v.pass_total == 0) return;
  v.pass_snapshot = app.snap;
  v.pass_next = 0;
  v.pass_norms.assign(size_t(v.pass_total), 0.0);
}

static void sensitivity_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  SensitivityView& v = pane.sensitivity;
  const Network& net = v.pass_snapshot->networks[p];
  if (!pane_matches(app, pane, net)) {
    v.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kSensitivityChunk, v.pass_total - v.pass_next);
  v.indices.assign(app.point_indices.begin() + v.pass_next, app.point_indices.begin() + v.pass_next + m);
  if (v.x.cols() != m) v.x.resize(pane.features, m);
  app.data->gather(v.indices.data(), m, v.x);
  jacobian_norms(net, v.x, v.chunk, v.jacobian_ws);
  std::copy(v.chunk.begin(), v.chunk.end(), v.pass_norms.begin() + v.pass_next);
  v.pass_next += m;
  if (v.pass_next < v.pass_total) return;
  v.norms.swap(v.pass_norms);
  v.mean_norm = 0;
  v.max_norm = 0;
  for (double n : v.norms) {
    v.mean_norm += n / double(v.norms.size());
    v.max_norm = std::max(v.max_norm, n);
  }
  v.version = v.pass_snapshot->version;
  v.pass_snapshot.reset();
}

// Bins over the shared axis, redone when this pane's norms or any pane's largest norm change.
static void sensitivity_histograms(AppState& app) {
  const double most = shared_max(app);
  for (int p = 0; p < app.pane_count; ++p) {
    SensitivityView& v = app.panes[p].sensitivity;
    if (v.bins_version == v.version && v.bins_max == most) continue;
    std::fill(v.bins, v.bins + kSensitivityBins, 0);
    for (double n : v.norms) ++v.bins[std::min(kSensitivityBins - 1, static_cast<int>(n / most * kSensitivityBins))];
    v.bins_version = v.version;
    v.bins_max = most;
  }
}

// The nudge: the same delta for every pane, each model's code before and after.
static void sensitivity_demo(AppState& app) {
  const int sample = demo_sample(app), toward = demo_toward(app, sample);
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    SensitivityView& v = pane.sensitivity;
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const bool same = v.demo_version == app.snap->version && v.sample == sample && v.toward == toward &&
                      v.size == app.view.sensitivity_size && v.direction == app.view.sensitivity_direction;
    if (v.spread_codes != pane.codes_version && pane.codes_version != 0) {
      v.spread = code_spread(pane.codes);
      v.spread_codes = pane.codes_version;
    }
    if (same || sample < 0) continue;
    const Network& net = app.snap->networks[p];
    if (!pane_matches(app, pane, net)) continue;
    v.sample = sample;
    v.toward = toward;
    v.size = app.view.sensitivity_size;
    v.direction = app.view.sensitivity_direction;
    v.demo_x.resize(pane.features, 1);
    v.demo_toward.resize(pane.features, 1);
    app.data->gather(&sample, 1, v.demo_x);
    if (toward >= 0) app.data->gather(&toward, 1, v.demo_toward);
    else v.demo_toward = v.demo_x;
    perturbation(v.direction, v.demo_x, v.demo_toward, v.size, kNudgeSeed, v.delta);
    v.shift = code_shift(net, v.demo_x, v.delta, v.demo_codes, v.ws);
    // The tiles: the sample, and the sample nudged (clamped to the data's range for display only).
    v.demo_nudged = (v.demo_x + v.delta).cwiseMax(app.display_lo).cwiseMin(app.display_hi);
    std::fill(v.rgba.begin(), v.rgba.end(), 0);
    sample_to_rgba(app, v.demo_x.data(), v.rgba.data(), 2 * app.tile_w, 0, 0);
    sample_to_rgba(app, v.demo_nudged.data(), v.rgba.data(), 2 * app.tile_w, app.tile_w, 0);
    gpu_image_upload(&v.image, v.rgba.data());
    v.demo_version = app.snap->version;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void sensitivity_configure(AppState& app, int p) {
  SensitivityView& v = app.panes[p].sensitivity;
  v.pass_snapshot.reset();
  v.norms.clear();
  v.mean_norm = v.max_norm = 0;
  std::fill(v.bins, v.bins + kSensitivityBins, 0);
  v.version = v.demo_version = v.bins_version = 0;
  v.bins_max = 0;
  v.time = -1;
  v.sample = v.toward = -1;
  v.spread = 0;
  v.spread_codes = 0;
  v.rgba.assign(size_t(app.tile_w) * app.tile_h * 4 * 2, 0);
  gpu_image_resize(&v.image, 2 * app.tile_w, app.tile_h, false);
}

static void sensitivity_update(AppState& app) {
  if (!app.view.show_sensitivity || !app.data || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    SensitivityView& v = pane.sensitivity;
    if (!v.pass_snapshot && v.version != app.snap->version && (v.version == 0 || app.now - v.time >= kSensitivityRefreshSeconds))
      sensitivity_pass_start(app, p);
    if (v.pass_snapshot) do sensitivity_pass_step(app, p);
      while (v.pass_snapshot && seconds_now() - start < kSensitivityFrameSeconds * (p + 1) / app.pane_count);
  }
  sensitivity_histograms(app);
  sensitivity_demo(app);
}

static bool sensitivity_in_sync(const AppState& app) {
  if (!app.view.show_sensitivity) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    const SensitivityView& v = pane.sensitivity;
    if (v.pass_snapshot || v.version != app.snap->version || v.demo_version != app.snap->version) return false;
  }
  return true;
}

static void sensitivity_free_gl(ModelPane& pane) { gpu_image_free(&pane.sensitivity.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// On the map: the nudged sample's code ringed, an arrow to where the nudge moves it.
static void sensitivity_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ModelPane& pane = app.panes[p];
  SensitivityView& v = pane.sensitivity;
  if (!app.view.show_sensitivity || v.demo_version == 0 || v.demo_codes.cols() != 2 || v.demo_codes.rows() != pane.latent)
    return;
  float a[2], b[2];
  plane_project(pane.plane, v.demo_codes.col(0).data(), a);
  plane_project(pane.plane, v.demo_codes.col(1).data(), b);
  const ImVec2 from = f.to_screen(a[0], a[1]), to = f.to_screen(b[0], b[1]);
  v.arrow_from = from;
  v.arrow_to = to;
  const float s = app.ui_scale;
  const ImU32 col = ImGui::ColorConvertFloat4ToU32(app.theme->warn_text);
  draw->AddCircle(from, 6 * s, app.theme->overlay_shadow, 16, 3.5f * s);
  draw->AddCircle(from, 6 * s, app.theme->overlay_line, 16, 1.5f * s);
  draw->AddLine(from, to, app.theme->overlay_shadow, 4 * s);
  draw->AddLine(from, to, col, 2 * s);
  draw->AddCircleFilled(to, 3.5f * s, col, 12);
}

void ui_pane_sensitivity(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  SensitivityView& v = pane.sensitivity;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, gap = 12 * s;
  v.row_min = origin;
  v.row_max = ImVec2(origin.x + width, origin.y + height);
  const int other = app.pane_count > 1 ? 1 - p : -1;
  const SensitivityView* o = other >= 0 ? &app.panes[other].sensitivity : nullptr;
  // Left: the histogram of ||J||_F, every pane on the same axis, the mean a line.
  const float hist_w = std::floor(0.4f * width);
  // The longest of these texts that fits `w` (the row narrows with the window and the UI scale).
  auto fitting = [](float w, const char* a, const char* b) { return ImGui::CalcTextSize(a).x <= w ? a : b; };
  char text[160], short_text[96];
  if (v.version == 0) {
    draw->AddText(origin, th.caption, fitting(hist_w, "Sensitivity: measuring ||J|| on held-out samples...", "measuring ||J||..."));
  } else {
    std::snprintf(short_text, sizeof short_text, "\xe2\x80\x96J\xe2\x80\x96_F mean %.3g", v.mean_norm);
    if (o && o->version != 0)
      std::snprintf(text, sizeof text, "\xe2\x80\x96J\xe2\x80\x96_F mean %.3g (other %.3g)", v.mean_norm, o->mean_norm);
    else
      std::snprintf(text, sizeof text, "\xe2\x80\x96J\xe2\x80\x96_F mean %.3g, %d held-out", v.mean_norm,
                    static_cast<int>(v.norms.size()));
    draw->PushClipRect(origin, ImVec2(origin.x + hist_w, origin.y + line), true);
    draw->AddText(origin, th.strong_text, fitting(hist_w, text, short_text));
    draw->PopClipRect();
    if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + hist_w, origin.y + line))) help_tooltip("sensitivity");
    const double most = v.bins_max > 0 ? v.bins_max : 1;
    const ImVec2 h0(origin.x, origin.y + line), h1(origin.x + hist_w, origin.y + height - line);
    draw->AddRect(h0, h1, th.grid_axis);
    int tallest = 1;
    for (int b = 0; b < kSensitivityBins; ++b) tallest = std::max(tallest, v.bins[b]);
    const float bw = (h1.x - h0.x) / kSensitivityBins;
    for (int b = 0; b < kSensitivityBins; ++b) {
      const float bh = float(v.bins[b]) / tallest * (h1.y - h0.y - 2 * s);
      draw->AddRectFilled(ImVec2(h0.x + b * bw, h1.y - bh), ImVec2(h0.x + (b + 1) * bw - 1, h1.y), pane_accent(p));
    }
    const float mx = h0.x + float(v.mean_norm / most) * (h1.x - h0.x);
    draw->AddLine(ImVec2(mx, h0.y), ImVec2(mx, h1.y), th.strong_text, 1.5f * s);
    if (o && o->version != 0) {  // the other model's mean, dashed, for the comparison
      const float ox = h0.x + float(o->mean_norm / most) * (h1.x - h0.x);
      for (float y = h0.y; y < h1.y; y += 6 * s) draw->AddLine(ImVec2(ox, y), ImVec2(ox, std::min(h1.y, y + 3 * s)), pane_accent(other), 1.5f * s);
    }
    std::snprintf(text, sizeof text, "0 .. %.3g", most);
    draw->AddText(ImVec2(h0.x, h1.y), th.caption, text);
    layout_rect(&app.layout, "sensitivity histogram", h0, h1);
    if (ImGui::IsMouseHoveringRect(h0, h1))
      ImGui::SetTooltip("||J||_F of the encoder for each of %d held-out samples (the same axis on every pane);\n"
                        "solid line: this model's mean, dashed: the other model's",
                        static_cast<int>(v.norms.size()));
  }
  // Right: the controls, the two tiles and the figures.
  const float rx = origin.x + hist_w + gap, rw = width - hist_w - gap;
  ImGui::SetCursorScreenPos(ImVec2(rx, origin.y));
  char id[40];
  std::snprintf(id, sizeof id, "##sensitivity_size%d", p);
  // The direction's combo shows its longest title whole: half the line where that is enough, else
  // as wide as that title, and a line of its own under the slider where the two do not fit side by side.
  const ChoiceList& list = choice_list<PerturbDirection>();
  const float spacing = ImGui::GetStyle().ItemSpacing.x, combo_need = choice_combo_width(list);
  const float slider_min = ImGui::CalcTextSize("nudge 0.000").x + 2 * ImGui::GetStyle().FramePadding.x;
  const bool stacked = combo_need + spacing + slider_min > rw;
  const float combo_w = stacked ? rw : std::max(combo_need, std::floor(0.5f * rw - spacing));
  ImGui::SetNextItemWidth(stacked ? rw : rw - combo_w - spacing);
  ImGui::SliderFloat(id, &app.view.sensitivity_size, kSizeMin, kSizeMax, "nudge %.3f", ImGuiSliderFlags_Logarithmic);
  control_help(app, "sensitivity_size");
  if (stacked) ImGui::SetCursorScreenPos(ImVec2(rx, ImGui::GetCursorScreenPos().y));
  else ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_w);
  std::snprintf(id, sizeof id, "##sensitivity_direction%d", p);
  if (ImGui::BeginCombo(id, choice_of(app.view.sensitivity_direction).title)) {
    for (int i = 0; i < list.count(); ++i) {
      if (ImGui::Selectable(list.rows[size_t(i)].title, i == static_cast<int>(app.view.sensitivity_direction)))
        app.view.sensitivity_direction = static_cast<PerturbDirection>(i);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", list.rows[size_t(i)].description);
    }
    ImGui::EndCombo();
  }
  control_help(app, "sensitivity_direction");
  const float top = origin.y + (stacked ? 2 : 1) * ImGui::GetFrameHeightWithSpacing();
  if (v.demo_version != 0) {
    // The two tiles, then the figures under them across the whole right side.
    const float tile = std::floor(std::min(2.5f * line, 0.25f * rw));
    const ImVec2 t0(rx, top);
    draw->AddImage(gpu_image_id(v.image), t0, ImVec2(t0.x + 2 * tile, t0.y + tile));
    layout_rect(&app.layout, "sensitivity tiles", t0, ImVec2(t0.x + 2 * tile, t0.y + tile));
    if (ImGui::IsMouseHoveringRect(t0, ImVec2(t0.x + 2 * tile, t0.y + tile)))
      ImGui::SetTooltip("Sample #%d, and the same nudged (%s)\nClick a point on the map to nudge another", v.sample,
                        choice_of(v.direction).title);
    // The figures, one a line, each in a long or a short form, clipped to what is left of the row.
    const float fx = rx, fw = rw, fy = t0.y + tile + ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 c0(fx, fy), c1(origin.x + width, origin.y + height);
    draw->PushClipRect(c0, c1, true);
    float y = fy;
    auto put = [&](ImU32 col, const char* t) {
      draw->AddText(ImVec2(fx, y), col, t);
      y += line;
    };
    std::snprintf(text, sizeof text, "\xe2\x80\x96\xce\xb4\xe2\x80\x96 %.3g moves the code %.3g", v.shift.input, v.shift.shift);
    std::snprintf(short_text, sizeof short_text, "code moves %.3g", v.shift.shift);
    put(th.strong_text, fitting(fw, text, short_text));
    std::snprintf(text, sizeof text, "%.3g per unit of input", v.shift.gain);
    std::snprintf(short_text, sizeof short_text, "%.3g per unit", v.shift.gain);
    put(th.caption, fitting(fw, text, short_text));
    if (v.spread > 0) {
      std::snprintf(text, sizeof text, "%.1f%% of the codes' spread", 100 * v.shift.shift / v.spread);
      std::snprintf(short_text, sizeof short_text, "%.1f%% of spread", 100 * v.shift.shift / v.spread);
      put(th.caption, fitting(fw, text, short_text));
    }
    if (o && o->demo_version != 0 && o->shift.shift > 0) {
      std::snprintf(text, sizeof text, "other model: %.3g (this / other %.2f)", o->shift.shift, v.shift.shift / o->shift.shift);
      std::snprintf(short_text, sizeof short_text, "other %.3g (x%.2f)", o->shift.shift, v.shift.shift / o->shift.shift);
      put(pane_accent(other), fitting(fw, text, short_text));
    }
    draw->PopClipRect();
    layout_rect(&app.layout, "sensitivity figures", c0, ImVec2(c1.x, std::min(c1.y, y)));
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void sensitivity_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "sensitivity=%d\nsensitivity_size=%g\nsensitivity_direction=%s\n", app.view.show_sensitivity ? 1 : 0,
               double(app.view.sensitivity_size), choice_name(app.view.sensitivity_direction));
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  for (int p = 0; p < app.pane_count; ++p) {
    const SensitivityView& v = app.panes[p].sensitivity;
    std::fprintf(f, "pane%d.sensitivity_version=%llu\npane%d.sensitivity_samples=%d\npane%d.jacobian_mean=%g\n", p,
                 static_cast<unsigned long long>(v.version), p, static_cast<int>(v.norms.size()), p, v.mean_norm);
    std::fprintf(f, "pane%d.nudge_sample=%d\npane%d.nudge_toward=%d\npane%d.nudge_input=%g\npane%d.nudge_shift=%g\n", p,
                 v.sample, p, v.toward, p, v.shift.input, p, v.shift.shift);
    std::fprintf(f, "pane%d.nudge_gain=%g\npane%d.nudge_spread=%g\npane%d.nudge_arrow=%d %d %d %d\n", p, v.shift.gain, p,
                 v.spread, p, static_cast<int>(v.arrow_from.x * scale.x), static_cast<int>(v.arrow_from.y * scale.y),
                 static_cast<int>(v.arrow_to.x * scale.x), static_cast<int>(v.arrow_to.y * scale.y));
  }
}

extern const PaneViewOps kSensitivityView = {"sensitivity", sensitivity_configure, sensitivity_update, sensitivity_in_sync,
                                             nullptr, sensitivity_draw_map, sensitivity_free_gl};
