// Anomaly detection, in the row under each map (toolbar: "Anomaly"): core/measure/anomaly.h's score
// (-ELBO for a VAE, reconstruction error for an AE, or the score chosen beside the switch) of up to
// kAnomalySamples held-out samples, its histogram with a threshold slider (the 95th percentile until
// moved), the share above it, the kAnomalyTop most anomalous samples beside their reconstructions,
// and on the map the points above the threshold ringed. A pass scores chunks within kAnomalyFrameSeconds a frame against one
// snapshot, at most every kAnomalyRefreshSeconds on new weights. With a label held out of training (the
// Data panel's "Hold out of training", the policy of `latentlab anomaly --holdout-label K`), the row adds
// the ROC curve of the score at finding that label among the scored held-out samples, and its AUC: the
// figure `latentlab anomaly` prints for the same models.
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

namespace {
constexpr int kAnomalySamples = 2000;            // held-out samples a pass scores at most
constexpr int kAnomalyChunk = 32;                // samples scored at once (the least a pane does in a frame)
constexpr double kAnomalyFrameSeconds = 0.003;   // the panes' share of a frame (at least one chunk each)
constexpr int kAnomalyNearestTrain = 2000;       // training codes the nearest score measures against
// A new pass on new weights at most this often. While training the weights are always new, so this
// sets the share of frames that score: a pass takes a few frames of kAnomalyFrameSeconds, and at 2 s
// most frames score nothing (README, "The explorer's frame budget").
constexpr double kAnomalyRefreshSeconds = 2.0;
constexpr float kAnomalyDefaultQuantile = 0.95f; // the threshold until the user moves it

// The score pane p measures: the chosen one where it applies, else reconstruction error.
AnomalyScore pane_score(const AppState& app, const Network& net) {
  return anomaly_score_problem(net, app.view.anomaly_score).empty() ? app.view.anomaly_score : AnomalyScore::Recon;
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

float quantile(const std::vector<float>& sorted, float q) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(std::lround(q * (sorted.size() - 1))));
  return sorted[i];
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The samples scored: the map's held-out points first (point_indices holds them first), up to
// kAnomalySamples; training points only when there are no held-out ones.
static int anomaly_sample_count(const AppState& app) {
  const int n = static_cast<int>(app.point_indices.size());
  int held = 0;
  while (held < n && app.point_indices[held] >= app.data->train_count) ++held;
  return std::min(kAnomalySamples, held > 0 ? held : n);
}

static void anomaly_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  AnomalyView& a = pane.anomaly;
  const Network& net = app.snap->networks[p];
  a.time = app.now;
  a.pass_total = anomaly_sample_count(app);
  if (!pane_matches(app, pane, net) || a.pass_total == 0) return;
  const AnomalyScore score = pane_score(app, net);
  Mat train;  // (features, n) the training samples the nearest score measures against; empty otherwise
  if (score == AnomalyScore::Nearest) {
    const int n = std::min(kAnomalyNearestTrain, app.data->train_count);
    std::vector<int> idx(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) idx[size_t(i)] = i;
    train.resize(pane.features, n);
    app.data->gather(idx.data(), n, train);
  }
  anomaly_scorer_init(a.scorer, net, score, train);
  a.pass_snapshot = app.snap;
  a.pass_next = 0;
  a.pass_scores.assign(static_cast<size_t>(a.pass_total), 0.0f);
}

// The top-k (most anomalous first) and their reconstructions, with the pass's network.
static void anomaly_top(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  AnomalyView& a = pane.anomaly;
  const int n = static_cast<int>(a.scores.size());
  a.top_count = std::min(kAnomalyTop, n);
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) order[size_t(i)] = i;
  std::partial_sort(order.begin(), order.begin() + a.top_count, order.end(),
                    [&](int i, int j) { return a.scores[size_t(i)] > a.scores[size_t(j)]; });
  int samples[kAnomalyTop];
  for (int k = 0; k < a.top_count; ++k) {
    a.top[k] = order[size_t(k)];
    samples[k] = app.point_indices[size_t(a.top[k])];
  }
  if (a.top_count == 0) return;
  const Network& net = a.scorer.net;
  a.top_x.resize(pane.features, a.top_count);
  a.top_code.resize(pane.latent, a.top_count);
  a.top_out.resize(pane.features, a.top_count);
  app.data->gather(samples, a.top_count, a.top_x);
  network_encode(net, a.top_x, a.top_code, a.ws);
  network_decode(net, a.top_code, a.top_out, a.ws);
  const int w = kAnomalyTop * app.tile_w;
  std::fill(a.rgba.begin(), a.rgba.end(), 0);
  for (int k = 0; k < a.top_count; ++k) {
    dataset_sample_rgba(app, samples[k], a.rgba.data(), w, k * app.tile_w, 0);
    sample_to_rgba(app, a.top_out.col(k).data(), a.rgba.data(), w, k * app.tile_w, app.tile_h);
  }
  gpu_image_upload(&a.image, a.rgba.data());
}

// The histogram of the shown scores, kAnomalyBins bins from the smallest to the largest.
static void anomaly_histogram(AnomalyView& a) {
  std::fill(a.bins, a.bins + kAnomalyBins, 0);
  if (a.sorted.empty()) return;
  const float lo = a.sorted.front(), hi = a.sorted.back(), span = hi > lo ? hi - lo : 1;
  for (float v : a.sorted) ++a.bins[std::min(kAnomalyBins - 1, static_cast<int>((v - lo) / span * kAnomalyBins))];
}

// The ROC curve of the shown scores at finding the held-out label (positives: scored held-out samples
// of that label; training points, scored only when nothing is held out, never count).
static void anomaly_roc(const AppState& app, AnomalyView& a) {
  a.roc_label = -1;
  a.roc = RocCurve{};
  const int k = app.holdout_label;
  if (k < 0 || app.data->labels.empty()) return;
  std::vector<float> scores;
  std::vector<bool> positive;
  for (size_t i = 0; i < a.scores.size(); ++i) {
    const int sample = app.point_indices[i];
    if (sample < app.data->train_count) continue;
    scores.push_back(a.scores[i]);
    positive.push_back(app.data->labels[size_t(sample)] == k);
  }
  a.roc = roc_curve(scores, positive);
  if (std::isfinite(a.roc.auc)) a.roc_label = k;
}

// One chunk; at the end of the pass the scores replace the shown ones.
static void anomaly_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  AnomalyView& a = pane.anomaly;
  if (!pane_matches(app, pane, a.pass_snapshot->networks[p])) {
    a.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kAnomalyChunk, a.pass_total - a.pass_next);
  a.indices.assign(app.point_indices.begin() + a.pass_next, app.point_indices.begin() + a.pass_next + m);
  a.x.resize(pane.features, m);
  app.data->gather(a.indices.data(), m, a.x);
  anomaly_scores(a.scorer, a.x, a.chunk);
  std::copy(a.chunk.begin(), a.chunk.end(), a.pass_scores.begin() + a.pass_next);
  a.pass_next += m;
  if (a.pass_next < a.pass_total) return;
  if (a.score != a.scorer.score) a.threshold_moved = false;  // another score: another scale
  a.score = a.scorer.score;
  a.scores.swap(a.pass_scores);
  a.sorted = a.scores;
  std::sort(a.sorted.begin(), a.sorted.end());
  a.p95 = quantile(a.sorted, kAnomalyDefaultQuantile);
  if (!a.threshold_moved) a.threshold = a.p95;
  anomaly_histogram(a);
  anomaly_top(app, p);
  anomaly_roc(app, a);
  a.version = a.pass_snapshot->version;
  a.pass_snapshot.reset();
}

float anomaly_share_above(const AnomalyView& a) {
  if (a.sorted.empty()) return 0;
  const auto above = a.sorted.end() - std::upper_bound(a.sorted.begin(), a.sorted.end(), a.threshold);
  return float(above) / float(a.sorted.size());
}

void anomaly_set_quantile(AppState& app, int p, float q) {
  AnomalyView& a = app.panes[p].anomaly;
  a.threshold = quantile(a.sorted, std::min(1.0f, std::max(0.0f, q)));
  a.threshold_moved = true;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void anomaly_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  AnomalyView& a = pane.anomaly;
  a.pass_snapshot.reset();
  a.scores.clear();
  a.sorted.clear();
  std::fill(a.bins, a.bins + kAnomalyBins, 0);
  a.top_count = 0;
  a.threshold_moved = false;
  a.version = 0;
  a.time = -1;
  a.roc_label = -1;
  a.roc = RocCurve{};
  a.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * kAnomalyTop * 2, 0);
  gpu_image_resize(&a.image, kAnomalyTop * app.tile_w, 2 * app.tile_h, true);
}

static void anomaly_update(AppState& app) {
  if (!app.view.show_anomaly || !app.data || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    AnomalyView& a = pane.anomaly;
    const bool stale = a.version != app.snap->version || a.score != pane_score(app, app.snap->networks[p]);
    if (!a.pass_snapshot && stale && (a.version == 0 || app.now - a.time >= kAnomalyRefreshSeconds))
      anomaly_pass_start(app, p);
    // Chunks until this pane's share of the frame's budget is spent (the panes split it in turn).
    if (a.pass_snapshot) do anomaly_pass_step(app, p);
      while (a.pass_snapshot && seconds_now() - start < kAnomalyFrameSeconds * (p + 1) / app.pane_count);
  }
}

static bool anomaly_in_sync(const AppState& app) {
  if (!app.view.show_anomaly) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    if (pane.anomaly.pass_snapshot || pane.anomaly.version != app.snap->version) return false;
    if (p < static_cast<int>(app.snap->networks.size()) && pane.anomaly.score != pane_score(app, app.snap->networks[p]))
      return false;
  }
  return true;
}

static void anomaly_free_gl(ModelPane& pane) { gpu_image_free(&pane.anomaly.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// On the map: every scored point above the threshold, ringed.
static void anomaly_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  const ModelPane& pane = app.panes[p];
  const AnomalyView& a = pane.anomaly;
  if (!app.view.show_anomaly || a.version == 0) return;
  const size_t n = std::min(a.scores.size(), pane.plane_xy.size() / 2);
  const ImU32 ring = ImGui::ColorConvertFloat4ToU32(app.theme->error_text);
  const float r = 5 * app.ui_scale;
  // Drawn every frame through Dear ImGui, and software GL pays for every triangle: rings off the
  // map are skipped, 8 segments still read as a circle at this size, and a whole-pixel width takes
  // Dear ImGui's textured line path (a third of the triangles of a fractional width's geometry).
  const float thickness = std::max(1.0f, std::round(1.5f * app.ui_scale));
  for (size_t i = 0; i < n; ++i) {
    if (!(a.scores[i] > a.threshold)) continue;
    const ImVec2 c = f.to_screen(pane.plane_xy[2 * i], pane.plane_xy[2 * i + 1]);
    if (c.x < f.min.x - r || c.x > f.max.x + r || c.y < f.min.y - r || c.y > f.max.y + r) continue;
    draw->AddCircle(c, r, ring, 8, thickness);
  }
}

// What the score measures, when it is one that a simple image fools: how hard the sample is to
// reconstruct, not how unfamiliar it is.
static const char* anomaly_caveat(AnomalyScore score) {
  if (score != AnomalyScore::Recon && score != AnomalyScore::Elbo) return nullptr;
  return "This score measures how hard a sample is to reconstruct, not how unfamiliar it is: simple images "
         "(a 1) score low even from a class never trained on. The 'nearest' score (distance to the nearest "
         "training code) asks whether the code is familiar.";
}

// The ROC curve in a square at `o`: false positive rate across, true positive rate up, the diagonal
// (chance) dashed, the AUC in the corner; hover says what it means.
static void anomaly_draw_roc(AppState& app, const AnomalyView& a, ImVec2 o, float side) {
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale;
  const ImVec2 o1(o.x + side, o.y + side);
  draw->AddRect(o, o1, th.grid_axis);
  for (int k = 0; k < 10; k += 2) {  // the chance diagonal, dashed
    const float t0 = k / 10.0f, t1 = (k + 1) / 10.0f;
    draw->AddLine(ImVec2(o.x + t0 * side, o1.y - t0 * side), ImVec2(o.x + t1 * side, o1.y - t1 * side), th.grid_axis, s);
  }
  const size_t n = std::min(a.roc.fpr.size(), a.roc.tpr.size());
  for (size_t i = 1; i < n; ++i)
    draw->AddLine(ImVec2(o.x + float(a.roc.fpr[i - 1]) * side, o1.y - float(a.roc.tpr[i - 1]) * side),
                  ImVec2(o.x + float(a.roc.fpr[i]) * side, o1.y - float(a.roc.tpr[i]) * side), th.strong_text, 1.5f * s);
  char text[32];
  std::snprintf(text, sizeof text, "AUC %.2f", a.roc.auc);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  if (ts.x <= side) draw->AddText(ImVec2(o1.x - ts.x - 2 * s, o1.y - ts.y - 2 * s), th.strong_text, text);
  layout_rect(&app.layout, "anomaly roc", o, o1);
  if (ImGui::IsMouseHoveringRect(o, o1)) {
    char label[48];
    label_name(app, a.roc_label, label, sizeof label);
    ImGui::SetTooltip("ROC curve of this score at finding the held-out %s among the held-out samples:\n"
                      "across, the share of other samples called anomalous; up, the share of %s found.\n"
                      "AUC %.3f: 1 = every %s scores above every other sample, 0.5 = chance (the dashed line),\n"
                      "below 0.5 = the %s look MORE familiar than the digits the model trained on.",
                      label, label, a.roc.auc, label, label);
  }
}

void ui_pane_anomaly(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  AnomalyView& a = pane.anomaly;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, gap = 12 * s;
  a.row_min = origin;
  a.row_max = ImVec2(origin.x + width, origin.y + height);
  char text[256];
  const char* title = choice_of(a.score).title;
  if (a.version == 0) {
    draw->AddText(origin, th.caption, "Anomaly: scoring the held-out samples...");
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  const float share = anomaly_share_above(a);
  const int above = static_cast<int>(std::lround(share * a.sorted.size()));
  // The caption's long form where it fits the row, else shorter ones.
  char short_text[160], tiny_text[64];
  char label[32] = "", auc[80] = "";
  if (a.roc_label >= 0) {
    label_name(app, a.roc_label, label, sizeof label);
    std::snprintf(auc, sizeof auc, "AUC (held-out %s) %.2f; ", label, a.roc.auc);
  }
  std::snprintf(text, sizeof text, "%s%s of %d held-out: %.1f%% (%d) above %.4g", auc, title,
                static_cast<int>(a.sorted.size()), 100 * share, above, a.threshold);
  std::snprintf(short_text, sizeof short_text, "%s%s: %.1f%% (%d) above", auc, title, 100 * share, above);
  if (a.roc_label >= 0) std::snprintf(tiny_text, sizeof tiny_text, "AUC (held-out %s) %.2f", label, a.roc.auc);
  else std::snprintf(tiny_text, sizeof tiny_text, "%.1f%% (%d) above", 100 * share, above);
  const char* caption = fitting_caption(width, text, short_text, tiny_text);
  draw->AddText(origin, th.strong_text, caption);
  if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + line))) help_tooltip("anomaly");
  // The caveat under everything, wrapped to the row; a hover tooltip instead where the row is short.
  const char* caveat = anomaly_caveat(a.score);
  float caveat_h = caveat ? ImGui::CalcTextSize(caveat, nullptr, false, width).y : 0;
  const float slider_h = ImGui::GetFrameHeightWithSpacing();
  if (caveat && height - line - slider_h - caveat_h < 3 * line) caveat_h = 0;
  const float body_top = origin.y + line, body_h = height - line - slider_h - caveat_h;
  // The top-k: each original over its reconstruction, kTopRows rows of pairs, right of the histogram.
  constexpr int kTopRows = 2, kTopCols = (kAnomalyTop + kTopRows - 1) / kTopRows;
  const float cell = std::floor(std::min((body_h + slider_h) / (2 * kTopRows), 0.55f * width / kTopCols));
  const float top_w = kTopCols * cell;
  // The ROC square (with a hold-out) between the histogram and the top-k, as tall as the body.
  const float roc_side = a.roc_label >= 0 ? std::floor(std::min(body_h, 0.3f * width)) : 0;
  const float roc_w = roc_side > 0 ? roc_side + gap : 0;
  const float hist_w = std::max(40 * s, width - top_w - gap - roc_w);
  const float tx = origin.x + width - top_w;
  const float tw = 1.0f / kAnomalyTop;
  for (int k = 0; k < a.top_count; ++k) {
    const float px = tx + (k % kTopCols) * cell, py = body_top + (k / kTopCols) * 2 * cell;
    const ImVec2 o(px, py), r(px, py + cell);
    draw->AddImage(gpu_image_id(a.image), o, ImVec2(o.x + cell, o.y + cell), ImVec2(k * tw, 0), ImVec2((k + 1) * tw, 0.5f));
    draw->AddImage(gpu_image_id(a.image), r, ImVec2(r.x + cell, r.y + cell), ImVec2(k * tw, 0.5f), ImVec2((k + 1) * tw, 1));
    if (ImGui::IsMouseHoveringRect(o, ImVec2(o.x + cell, r.y + cell)))
      ImGui::SetTooltip("#%d most anomalous: sample #%d, score %.4g\n(top: the sample, bottom: its reconstruction)", k + 1,
                        app.point_indices[size_t(a.top[k])], a.scores[size_t(a.top[k])]);
  }
  if (a.top_count > 0)
    layout_rect(&app.layout, "anomaly top-k", ImVec2(tx, body_top), ImVec2(tx + top_w, body_top + 2 * kTopRows * cell));
  // The histogram: bins above the threshold in the warning colour, the threshold a vertical line.
  const ImVec2 h0(origin.x, body_top), h1(origin.x + hist_w, body_top + body_h);
  draw->AddRect(h0, h1, th.grid_axis);
  int most = 1;
  for (int b = 0; b < kAnomalyBins; ++b) most = std::max(most, a.bins[b]);
  const float lo = a.sorted.front(), hi = a.sorted.back(), span = hi > lo ? hi - lo : 1;
  const float bw = (h1.x - h0.x) / kAnomalyBins;
  const ImU32 hot = ImGui::ColorConvertFloat4ToU32(th.error_text);
  for (int b = 0; b < kAnomalyBins; ++b) {
    const float bh = float(a.bins[b]) / most * (h1.y - h0.y - 2 * s);
    const bool over = lo + (b + 0.5f) * span / kAnomalyBins > a.threshold;
    draw->AddRectFilled(ImVec2(h0.x + b * bw, h1.y - bh), ImVec2(h0.x + (b + 1) * bw - 1, h1.y), over ? hot : pane_accent(p));
  }
  const float cut = h0.x + std::min(1.0f, std::max(0.0f, (a.threshold - lo) / span)) * (h1.x - h0.x);
  draw->AddLine(ImVec2(cut, h0.y), ImVec2(cut, h1.y), th.strong_text, 1.5f * s);
  layout_rect(&app.layout, "anomaly histogram", h0, h1);
  if (roc_side > 0) anomaly_draw_roc(app, a, ImVec2(h1.x + gap, body_top), roc_side);
  // The slider under the histogram, over the same range.
  ImGui::SetCursorScreenPos(ImVec2(origin.x, h1.y + ImGui::GetStyle().ItemSpacing.y));
  ImGui::SetNextItemWidth(hist_w);
  char id[24];
  std::snprintf(id, sizeof id, "##anomaly_threshold%d", p);
  if (ImGui::SliderFloat(id, &a.threshold, lo, hi, "threshold %.4g")) a.threshold_moved = true;
  control_help(app, "anomaly_threshold");
  if (caveat_h > 0) {
    draw->AddText(nullptr, 0.0f, ImVec2(origin.x, origin.y + height - caveat_h), th.caption, caveat, nullptr, width);
    layout_rect(&app.layout, "anomaly caveat", ImVec2(origin.x, origin.y + height - caveat_h),
                ImVec2(origin.x + width, origin.y + height));
  } else if (caveat && ImGui::IsMouseHoveringRect(h0, h1)) {
    ImGui::SetTooltip("%s", caveat);
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void anomaly_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "anomaly=%d\nanomaly_score=%s\n", app.view.show_anomaly ? 1 : 0, choice_name(app.view.anomaly_score));
  for (int p = 0; p < app.pane_count; ++p) {
    const AnomalyView& a = app.panes[p].anomaly;
    std::fprintf(f, "pane%d.anomaly_version=%llu\npane%d.anomaly_score=%s\npane%d.anomaly_samples=%d\n", p,
                 static_cast<unsigned long long>(a.version), p, choice_name(a.score), p, static_cast<int>(a.sorted.size()));
    std::fprintf(f, "pane%d.anomaly_p95=%g\npane%d.anomaly_threshold=%g\npane%d.anomaly_share=%g\npane%d.anomaly_top=", p,
                 a.p95, p, a.threshold, p, anomaly_share_above(a), p);
    for (int k = 0; k < a.top_count; ++k) std::fprintf(f, "%s%g", k ? "," : "", a.scores[size_t(a.top[k])]);
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.anomaly_holdout=%d\npane%d.anomaly_auc=%g", p, a.roc_label, p, a.roc_label >= 0 ? a.roc.auc : -1.0);
    std::fprintf(f, "\npane%d.anomaly_row=%d %d %d %d\n", p, static_cast<int>(a.row_min.x * scale.x),
                 static_cast<int>(a.row_min.y * scale.y), static_cast<int>((a.row_max.x - a.row_min.x) * scale.x),
                 static_cast<int>((a.row_max.y - a.row_min.y) * scale.y));
  }
}

extern const PaneViewOps kAnomalyView = {"anomaly", anomaly_configure, anomaly_update, anomaly_in_sync, nullptr,
                                         anomaly_draw_map, anomaly_free_gl};
