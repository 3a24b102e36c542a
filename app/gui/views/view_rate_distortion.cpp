// The rate-distortion plot, in the row under each map (toolbar: "Rate-distortion"): compression as a
// trade between the bytes sent per image and how close the decoded image is. Across, on a log scale,
// the bytes (a code of k numbers is 4k bytes as float32; a JPEG is its file); up, the held-out PSNR
// (measure/rate_distortion.h, the same pooled PSNR as `latentlab reduce` and `train --json`): PCA at
// every code size from one fit, JPEG over qualities (the file, and its scan without the headers) as the
// everyday reference, this model's point, and every model point measured earlier on these data, so
// that changing the code size and measuring again draws the model's own curve. Measured when asked
// (the row's button or the script's rd-measure), never every frame: the worker runs on a thread of its
// own with a copy of the newest weights (view_job.h, as the linear probe's); the UI reads the result
// once the worker is done. PCA and JPEG depend on the data alone and are kept.
//
// Index:
//   [SECTION] The worker
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>

#include "gui_help.h"
#include "gui_state.h"
#include "measure/rate_distortion.h"
#include "measure/reduction.h"

// PCA is drawn from 1 to this many components (fewer when the data have fewer features).
constexpr int kRateDistortionMaxPca = 64;

//-----------------------------------------------------------------------------
// [SECTION] The worker
//-----------------------------------------------------------------------------

namespace {

// The model first (the point the learner asked about), then the curves of the data alone.
void rd_run(const Dataset& data, const Network& net, RateDistortionResult& r, const std::atomic<bool>& cancel) {
  try {
    r.model.psnr = network_held_psnr(net, data);
    if (!cancel && r.pca.empty()) r.pca = pca_psnr_curve(data, kRateDistortionMaxPca);
    if (!cancel && r.jpeg.empty() && data.is_image) {
      const Mat held = dataset_held_matrix(data);
      for (int q : kRateDistortionJpegQualities) {
        if (cancel) break;
        r.jpeg.push_back(jpeg_point(data, held, q));
      }
    }
  } catch (const std::exception&) {
    r.jpeg.clear();  // not images JPEG can write (a CSV, values outside [0, 1]): no JPEG curve
  }
}

}  // namespace

void rate_distortion_measure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  RateDistortionView& v = pane.rate_distortion;
  if (!app.data || !app.snap || p >= static_cast<int>(app.snap->networks.size()) || pane.latent == 0) return;
  RateDistortionResult preset;
  // PCA and JPEG depend on the data alone: taken from this pane's or another's last measurement.
  for (int q = 0; q < app.pane_count; ++q) {
    const RateDistortionView& w = app.panes[q].rate_distortion;
    if (w.data.lock() != app.data || w.shown.pca.empty()) continue;
    preset.pca = w.shown.pca, preset.jpeg = w.shown.jpeg;
    break;
  }
  // The kind's short name, without pane_heading's code size: the points of one kind at several
  // sizes are one curve.
  preset.model.model = pane.pca ? "PCA" : model_kind_short_name(pane.kind);
  preset.model.latent = app.snap->networks[p].config.latent;
  if (v.job.start(app.data, app.snap.get(), p, v.generation, std::move(preset), rd_run)) v.asked_time = app.now;  // one at a time
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

// New shapes: the model point no longer describes this pane (the history keeps it). New data: nothing
// measured describes them.
static void rd_configure(AppState& app, int p) {
  RateDistortionView& v = app.panes[p].rate_distortion;
  ++v.generation;
  if (v.data.lock() != app.data) {
    v.shown = RateDistortionResult{};
    v.history.clear();
    v.data = app.data;
  }
}

// Collects a finished job's result (and lets its thread go). A model point measured on these data
// joins the history even when the shapes have changed since it was asked.
static void rd_update(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    RateDistortionView& v = app.panes[p].rate_distortion;
    RateDistortionResult r;
    std::shared_ptr<const Dataset> measured_on;
    if (!v.job.collect(&r, &measured_on) || measured_on != app.data) continue;
    auto same = [&](const RateDistortionPoint& q) { return q.model == r.model.model && q.latent == r.model.latent; };
    v.history.erase(std::remove_if(v.history.begin(), v.history.end(), same), v.history.end());
    v.history.push_back(r.model);
    std::sort(v.history.begin(), v.history.end(), [](const RateDistortionPoint& a, const RateDistortionPoint& b) {
      return a.model != b.model ? a.model < b.model : a.latent < b.latent;
    });
    if (r.generation == v.generation) v.shown = r;
    else v.shown.pca = r.pca, v.shown.jpeg = r.jpeg;
  }
}

// A finished job counts until update has collected it, so a script's `sync` sees its figures.
static bool rd_in_sync(const AppState& app) {
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].rate_distortion.job.pending()) return false;
  return true;
}

static void rd_free_gl(ModelPane& pane) { pane.rate_distortion.job.cancel(); }  // the app is closing: wait for the worker

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

namespace {

struct PlotFrame {
  ImVec2 min, max;           // the plotting area
  double lx0, lx1, y0, y1;   // log10 bytes across, dB up
  ImVec2 at(double bytes, double psnr) const {
    const double u = (std::log10(std::max(bytes, 1e-3)) - lx0) / (lx1 - lx0), w = (psnr - y0) / (y1 - y0);
    return ImVec2(min.x + float(u) * (max.x - min.x), max.y - float(w) * (max.y - min.y));
  }
};

ImU32 with_alpha(ImU32 c, int alpha) { return (c & ~IM_COL32_A_MASK) | (ImU32(alpha) << IM_COL32_A_SHIFT); }

void format_bytes(double bytes, char* out, size_t n) {
  if (bytes >= 1000) std::snprintf(out, n, "%.0f kB", bytes / 1000);
  else std::snprintf(out, n, "%.0f B", bytes);
}

// The series of the plot, in the order of the legend.
struct Series {
  std::string name;
  ImU32 color;
  std::vector<ImVec2> points;  // (bytes, dB)
  bool line, filled;
  int pane = -1;               // a models series: whose history its points are, in order
};

}  // namespace

static void rd_draw_plot(AppState& app, int p, ImVec2 o, ImVec2 o1) {
  const RateDistortionView& v = app.panes[p].rate_distortion;
  const RateDistortionResult& r = v.shown;
  const Theme& th = *app.theme;
  const float s = app.ui_scale, line = ImGui::GetTextLineHeight();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool current = r.version && r.generation == v.generation;

  std::vector<Series> series;
  Series pca{"PCA, k numbers", th.series_total, {}, true, false};
  for (size_t k = 0; k < r.pca.size(); ++k) pca.points.push_back(ImVec2(float(kCodeBytesPerNumber * (k + 1)), float(r.pca[k])));
  Series file{"JPEG file", th.series_penalty, {}, true, false}, scan{"JPEG scan only", with_alpha(th.series_penalty, 120), {}, true, false};
  for (const JpegPoint& j : r.jpeg) {
    file.points.push_back(ImVec2(float(j.bytes), float(j.psnr)));
    scan.points.push_back(ImVec2(float(j.scan_bytes), float(j.psnr)));
  }
  for (Series* x : {&pca, &file, &scan})
    if (!x->points.empty()) series.push_back(*x);
  // Every pane's measured models, each in its pane's colour, so that compare mode puts both kinds on
  // one plot beside PCA (the AE's curve and the VAE's), this pane's first.
  for (int k = 0; k < app.pane_count; ++k) {
    const int q = (p + k) % app.pane_count;
    const RateDistortionView& w = app.panes[q].rate_distortion;
    if (w.history.empty() || w.data.lock() != app.data) continue;
    Series models{q == p ? "this pane:" : "other pane:", pane_accent(q), {}, false, true, q};
    for (size_t i = 0; i < w.history.size(); ++i) {
      const RateDistortionPoint& h = w.history[i];
      models.points.push_back(ImVec2(float(kCodeBytesPerNumber * h.latent), float(h.psnr)));
      if (i == 0 || h.model != w.history[i - 1].model) models.name += (i ? ", " : " ") + h.model;
    }
    series.push_back(models);
  }

  draw->AddRectFilled(o, o1, th.map_background);
  if (series.empty()) {
    draw->AddText(ImVec2(o.x + 6 * s, o.y + 6 * s), th.caption, "Measure draws held-out PSNR against bytes sent per image");
    return;
  }
  double bx0 = 1e30, bx1 = 0, y0 = 1e30, y1 = -1e30;
  for (const Series& x : series)
    for (const ImVec2& q : x.points) bx0 = std::min(bx0, double(q.x)), bx1 = std::max(bx1, double(q.x)),
                                     y0 = std::min(y0, double(q.y)), y1 = std::max(y1, double(q.y));
  const double pad_db = std::max(1.0, 0.06 * (y1 - y0));
  // The plotting area inside the frame: room for the dB ticks on the left and the byte ticks below.
  PlotFrame f{ImVec2(o.x + ImGui::CalcTextSize("100").x + 8 * s, o.y + line * 0.5f + 2 * s),
              ImVec2(o1.x - 8 * s, o1.y - line - 6 * s), std::log10(bx0) - 0.15, std::log10(bx1) + 0.15,
              y0 - pad_db, y1 + pad_db};
  if (f.max.x - f.min.x < 40 * s || f.max.y - f.min.y < 30 * s) return;
  draw->PushClipRect(o, o1, true);
  // The x axis's name in the tick row, at its left; a decade's label that would overlap it is left out.
  const char* x_name = "bytes sent per image (log)";
  const float x_name_end = f.min.x + ImGui::CalcTextSize(x_name).x + 8 * s;
  draw->AddText(ImVec2(f.min.x, f.max.y + 3 * s), th.axis_name, x_name);
  // Decades across, with their minor ticks; whole dB up, every 2, 5 or 10 by the room.
  for (int e = int(std::floor(f.lx0)); e <= int(std::ceil(f.lx1)); ++e)
    for (int m = 1; m < 10; ++m) {
      const double b = m * std::pow(10.0, e), lb = std::log10(b);
      if (lb < f.lx0 || lb > f.lx1) continue;
      const float x = f.at(b, f.y0).x;
      draw->AddLine(ImVec2(x, f.min.y), ImVec2(x, f.max.y), m == 1 ? th.grid_axis : th.grid_minor, 1.0f);
      if (m != 1) continue;
      char t[24];
      format_bytes(b, t, sizeof t);
      if (x - ImGui::CalcTextSize(t).x * 0.5f < x_name_end) continue;
      draw->AddText(ImVec2(x - ImGui::CalcTextSize(t).x * 0.5f, f.max.y + 3 * s), th.tick_text, t);
    }
  const double span = f.y1 - f.y0, room = (f.max.y - f.min.y) / (line * 1.6);
  const double step = span / 2 <= room ? 2 : span / 5 <= room ? 5 : 10;
  for (double db = std::ceil(f.y0 / step) * step; db <= f.y1; db += step) {
    const float y = f.at(bx0, db).y;
    draw->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), th.grid_minor, 1.0f);
    char t[16];
    std::snprintf(t, sizeof t, "%.0f", db);
    draw->AddText(ImVec2(f.min.x - ImGui::CalcTextSize(t).x - 4 * s, y - line * 0.5f), th.tick_text, t);
  }
  draw->AddText(ImVec2(f.min.x + 4 * s, f.min.y + 2 * s), th.axis_name, "held-out PSNR, dB");

  for (const Series& x : series) {
    std::vector<ImVec2> at;
    for (const ImVec2& q : x.points) at.push_back(f.at(q.x, q.y));
    if (x.line && at.size() > 1) draw->AddPolyline(at.data(), int(at.size()), x.color, 0, 1.8f * s);
    for (const ImVec2& q : at) {
      if (x.filled) draw->AddCircle(q, 4.0f * s, x.color, 12, 1.5f * s);
      else draw->AddCircleFilled(q, 2.0f * s, x.color, 8);
    }
  }
  // The models' curves: each pane's points of one kind joined in order of code size; this pane's newest filled.
  for (const Series& x : series) {
    if (x.pane < 0) continue;
    const std::vector<RateDistortionPoint>& h = app.panes[x.pane].rate_distortion.history;
    for (size_t i = 1; i < h.size(); ++i)
      if (h[i].model == h[i - 1].model)
        draw->AddLine(f.at(kCodeBytesPerNumber * h[i - 1].latent, h[i - 1].psnr),
                      f.at(kCodeBytesPerNumber * h[i].latent, h[i].psnr), with_alpha(x.color, 150), 1.2f * s);
  }
  if (current) draw->AddCircleFilled(f.at(kCodeBytesPerNumber * r.model.latent, r.model.psnr), 5.0f * s, pane_accent(p), 16);

  // The legend, under the y axis name (the empty corner: PSNR rises with bytes).
  float ly = f.min.y + line + 6 * s;
  for (const Series& x : series) {
    const ImVec2 a(f.min.x + 8 * s, ly + line * 0.5f);
    if (x.filled) draw->AddCircleFilled(ImVec2(a.x + 7 * s, a.y), 4.0f * s, x.color, 12);
    else draw->AddLine(a, ImVec2(a.x + 14 * s, a.y), x.color, 2.0f * s);
    draw->AddText(ImVec2(a.x + 20 * s, ly), th.caption, x.name.c_str());
    ly += line + 1 * s;
  }
  draw->PopClipRect();
  layout_rect(&app.layout, "rate-distortion plot", o, o1);

  // Hover: the nearest point's figures.
  if (ImGui::IsMouseHoveringRect(o, o1)) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const Series* best = nullptr;
    size_t best_i = 0;
    float best_d = (10 * s) * (10 * s);
    for (const Series& x : series)
      for (size_t i = 0; i < x.points.size(); ++i) {
        const ImVec2 q = f.at(x.points[i].x, x.points[i].y);
        const float d = (q.x - mouse.x) * (q.x - mouse.x) + (q.y - mouse.y) * (q.y - mouse.y);
        if (d < best_d) best_d = d, best = &x, best_i = i;
      }
    if (best == &series[0] && !r.pca.empty()) ImGui::SetTooltip("PCA, %d numbers: %.0f bytes, %.2f dB", int(best_i + 1), best->points[best_i].x, best->points[best_i].y);
    else if (best && best->line) ImGui::SetTooltip("%s, quality %d: %.0f bytes, %.2f dB", best->name.c_str(),
                                                   kRateDistortionJpegQualities[best_i], best->points[best_i].x, best->points[best_i].y);
    else if (best) {
      const RateDistortionPoint& h = app.panes[best->pane].rate_distortion.history[best_i];
      ImGui::SetTooltip("%s, code %d: %.0f bytes, %.2f dB", h.model.c_str(), h.latent, best->points[best_i].x, best->points[best_i].y);
    }
    else help_tooltip("rate_distortion");
  }
}

void ui_pane_rate_distortion(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  RateDistortionView& v = pane.rate_distortion;
  const Theme& th = *app.theme;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  v.row_min = origin;
  v.row_max = ImVec2(origin.x + width, origin.y + height);
  ImGui::PushID(p);
  ImGui::BeginChild("rate distortion", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
  const bool busy = v.job.busy();
  ImGui::BeginDisabled(busy || pane.latent == 0);
  if (ImGui::Button(busy ? "Measuring..." : "Measure")) rate_distortion_measure(app, p);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) help_tooltip("rate_distortion");
  ImGui::SameLine();
  // The caption's long form where it fits, else the short one. The JPEG note is honest about where
  // its curve starts: its smallest file is mostly headers, far right of the small codes.
  char text[200], mid_text[120], short_text[64];
  mid_text[0] = 0;
  if (busy) {
    std::snprintf(text, sizeof text, "PSNR against bytes sent per image: measuring (%.0f s)", app.now - v.asked_time);
    std::snprintf(short_text, sizeof short_text, "%.0f s", app.now - v.asked_time);
  } else if (!v.shown.jpeg.empty()) {
    std::snprintf(text, sizeof text, "PSNR against bytes sent per image; JPEG's smallest file is %.0f bytes (headers), so it starts right of the codes",
                  v.shown.jpeg.front().bytes);
    std::snprintf(mid_text, sizeof mid_text, "PSNR against bytes sent per image; JPEG's smallest file: %.0f B, mostly headers",
                  v.shown.jpeg.front().bytes);
    std::snprintf(short_text, sizeof short_text, "JPEG from %.0f B", v.shown.jpeg.front().bytes);
  } else {
    std::snprintf(text, sizeof text, "held-out PSNR against bytes sent per image (code: 4 bytes a number)");
    std::snprintf(short_text, sizeof short_text, "PSNR against bytes sent");
  }
  const float room = ImGui::GetContentRegionAvail().x;
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.caption), "%s", fitting_caption(room, text, mid_text, short_text));
  if (ImGui::IsItemHovered()) help_tooltip("rate_distortion");
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 o1(origin.x + width, origin.y + height);
  if (o1.y - o.y > 20 * app.ui_scale) rd_draw_plot(app, p, o, o1);
  ImGui::EndChild();
  ImGui::PopID();
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

static void write_list(FILE* f, int p, const char* key, const std::vector<double>& values) {
  std::fprintf(f, "pane%d.%s=", p, key);
  for (size_t i = 0; i < values.size(); ++i) std::fprintf(f, "%s%.4f", i ? "," : "", values[i]);
  std::fprintf(f, "\n");
}

void rate_distortion_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "rate_distortion=%d\n", app.view.show_rate_distortion ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const RateDistortionView& v = app.panes[p].rate_distortion;
    const RateDistortionResult& r = v.shown;
    const bool current = r.version && r.generation == v.generation;
    std::fprintf(f, "pane%d.rd_version=%llu\npane%d.rd_busy=%d\npane%d.rd_model_current=%d\npane%d.rd_model_latent=%d\n"
                 "pane%d.rd_model_psnr=%.4f\npane%d.rd_history=%d\n", p, static_cast<unsigned long long>(r.version), p,
                 v.job.busy() ? 1 : 0, p, current ? 1 : 0, p, r.model.latent, p, r.model.psnr, p, int(v.history.size()));
    write_list(f, p, "rd_pca_psnr", r.pca);
    std::vector<double> q, bytes, scan, psnr, hist_latent, hist_psnr;
    for (size_t i = 0; i < r.jpeg.size(); ++i)
      q.push_back(r.jpeg[i].quality), bytes.push_back(r.jpeg[i].bytes), scan.push_back(r.jpeg[i].scan_bytes), psnr.push_back(r.jpeg[i].psnr);
    for (const RateDistortionPoint& h : v.history) hist_latent.push_back(h.latent), hist_psnr.push_back(h.psnr);
    write_list(f, p, "rd_jpeg_quality", q);
    write_list(f, p, "rd_jpeg_bytes", bytes);
    write_list(f, p, "rd_jpeg_scan_bytes", scan);
    write_list(f, p, "rd_jpeg_psnr", psnr);
    write_list(f, p, "rd_history_latent", hist_latent);
    write_list(f, p, "rd_history_psnr", hist_psnr);
  }
}

extern const PaneViewOps kRateDistortionView = {"rate-distortion", rd_configure, rd_update, rd_in_sync,
                                                nullptr, nullptr, rd_free_gl};
