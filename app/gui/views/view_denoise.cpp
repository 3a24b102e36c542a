// Denoising, in the row under each map (toolbar: "Denoising", with the noise's kind and level): a
// few held-out samples corrupted with that noise, each a triptych noisy input -> reconstruction ->
// clean original with the PSNR of the noisy input and of the reconstruction against the original,
// and beside them the PSNR of reconstructions against the noise level for both models (the curve
// of this pane's model bold, the other's thin, the noisy inputs' own PSNR dashed: what doing nothing
// gives). Every pane corrupts the same samples with the same seed, so in compare mode the same noisy
// input goes through both models side by side.
// The triptychs are reconstructed when the noise or the snapshot changes (at most every
// kDenoiseRefreshSeconds while training); the curve in chunks within kDenoiseFrameSeconds of a frame
// against one pinned snapshot, at most every kDenoiseCurveSeconds.
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
constexpr int kDenoiseCurveSamples = 128;         // held-out samples the curve averages over
constexpr int kDenoiseChunk = 32;                 // samples reconstructed at once in the curve's pass
constexpr double kDenoiseFrameSeconds = 0.002;    // the panes' share of a frame for the curve
constexpr double kDenoiseRefreshSeconds = 0.3;    // the triptychs on new weights at most this often
constexpr double kDenoiseCurveSeconds = 1.0;      // a new curve on new weights at most this often
constexpr uint64_t kDenoiseSeed = 7;              // the corruption's stream: the same for every pane

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The corruption of level index i (or of the triptychs' level, i = -1) for the same seed in every pane.
uint64_t noise_seed(int level_index) { return kDenoiseSeed * 1000003ull + uint64_t(level_index + 1); }
}  // namespace

float denoise_level_at(int i) {
  const HyperparamInfo& h = hyperparam_info(Hyperparam::NoiseLevel);
  return float(h.slider_min + (h.slider_max - h.slider_min) * i / (kDenoiseLevels - 1));
}

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The held-out samples: the first ones after the training set, or training samples when none is held out.
static void gather_held_out(const AppState& app, int count, Mat& out) {
  const Dataset& d = *app.data;
  const int held = d.count - d.train_count;
  const int first = held > 0 ? d.train_count : 0, n = std::min(count, held > 0 ? held : d.count);
  std::vector<int> idx(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) idx[size_t(i)] = first + i;
  out.resize(d.features(), n);
  d.gather(idx.data(), n, out);
}

static void denoise_triptychs(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  DenoiseView& d = pane.denoise;
  d.noise = app.view.denoise_noise;
  d.level = app.view.denoise_level;
  const int n = static_cast<int>(d.clean.cols());
  Rng rng(noise_seed(-1));
  noise_corrupt(d.noisy, d.clean, d.noise, d.level, rng, app.data->channels);
  reconstruct(net, d.noisy, d.code, d.out, d.ws);
  const int w = kDenoiseSamples * app.tile_w;
  std::fill(d.rgba.begin(), d.rgba.end(), 0);
  for (int k = 0; k < n; ++k) {
    d.psnr_noisy[k] = psnr(d.clean.col(k), d.noisy.col(k));
    d.psnr_out[k] = psnr(d.clean.col(k), d.out.col(k));
    sample_to_rgba(app, d.noisy.col(k).data(), d.rgba.data(), w, k * app.tile_w, 0);
    sample_to_rgba(app, d.out.col(k).data(), d.rgba.data(), w, k * app.tile_w, app.tile_h);
    sample_to_rgba(app, d.clean.col(k).data(), d.rgba.data(), w, k * app.tile_w, 2 * app.tile_h);
  }
  gpu_image_upload(&d.image, d.rgba.data());
  d.version = app.snap->version;
  d.time = app.now;
}

static void denoise_pass_start(AppState& app, int p) {
  DenoiseView& d = app.panes[p].denoise;
  d.pass_snapshot = app.snap;
  d.pass_noise = app.view.denoise_noise;
  d.pass_level = 0;
  d.pass_next = 0;
  d.curve_time = app.now;
  std::fill(d.pass_sum, d.pass_sum + kDenoiseLevels, 0.0);
  std::fill(d.pass_input_sum, d.pass_input_sum + kDenoiseLevels, 0.0);
}

// One chunk of one level; after the last level the pass's means replace the shown curve.
static void denoise_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  DenoiseView& d = pane.denoise;
  const Network& net = d.pass_snapshot->networks[p];
  const int total = static_cast<int>(d.curve_clean.cols());
  if (!pane_matches(app, pane, net) || total == 0) {
    d.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kDenoiseChunk, total - d.pass_next);
  const Eigen::Ref<const Mat> clean = d.curve_clean.middleCols(d.pass_next, m);
  // Each chunk's stream depends on the level and the chunk's place only, so every pane and every
  // pass corrupts the same sample the same way.
  Rng rng(noise_seed(d.pass_level) * 31 + uint64_t(d.pass_next));
  d.curve_noisy.resize(pane.features, m);
  noise_corrupt(d.curve_noisy, clean, d.pass_noise, denoise_level_at(d.pass_level), rng, app.data->channels);
  reconstruct(net, d.curve_noisy, d.curve_code, d.curve_out, d.ws);
  for (int j = 0; j < m; ++j) {
    d.pass_sum[d.pass_level] += psnr(clean.col(j), d.curve_out.col(j));
    d.pass_input_sum[d.pass_level] += psnr(clean.col(j), d.curve_noisy.col(j));
  }
  d.pass_next += m;
  if (d.pass_next < total) return;
  d.pass_next = 0;
  if (++d.pass_level < kDenoiseLevels) return;
  for (int i = 0; i < kDenoiseLevels; ++i) {
    d.curve[i] = d.pass_sum[i] / total;
    d.curve_input[i] = d.pass_input_sum[i] / total;
  }
  d.curve_noise = d.pass_noise;
  d.curve_version = d.pass_snapshot->version;
  d.pass_snapshot.reset();
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void denoise_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  DenoiseView& d = pane.denoise;
  d.pass_snapshot.reset();
  d.version = d.curve_version = 0;
  d.time = d.curve_time = -1;
  d.level = -1;
  gather_held_out(app, kDenoiseSamples, d.clean);
  d.noisy.resize(d.clean.rows(), d.clean.cols());
  gather_held_out(app, kDenoiseCurveSamples, d.curve_clean);
  std::fill(d.psnr_noisy, d.psnr_noisy + kDenoiseSamples, 0.0);
  std::fill(d.psnr_out, d.psnr_out + kDenoiseSamples, 0.0);
  d.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * kDenoiseSamples * 3, 0);
  gpu_image_resize(&d.image, kDenoiseSamples * app.tile_w, 3 * app.tile_h, true);
}

static bool triptychs_stale(const AppState& app, const DenoiseView& d) {
  return d.version != app.snap->version || d.noise != app.view.denoise_noise || d.level != app.view.denoise_level;
}

static bool curve_stale(const AppState& app, const DenoiseView& d) {
  return d.curve_version != app.snap->version || d.curve_noise != app.view.denoise_noise;
}

static void denoise_update(AppState& app) {
  if (!app.view.show_denoise || !app.data || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const Network& net = app.snap->networks[p];
    if (!pane_matches(app, pane, net)) continue;
    DenoiseView& d = pane.denoise;
    const bool settings_moved = d.noise != app.view.denoise_noise || d.level != app.view.denoise_level;
    if (triptychs_stale(app, d) && (d.version == 0 || settings_moved || app.now - d.time >= kDenoiseRefreshSeconds))
      denoise_triptychs(app, p, net);
    // A new noise kind starts a new curve at once; new weights, at most every kDenoiseCurveSeconds.
    if (d.pass_snapshot && d.pass_noise != app.view.denoise_noise) d.pass_snapshot.reset();
    if (!d.pass_snapshot && curve_stale(app, d) &&
        (d.curve_version == 0 || d.curve_noise != app.view.denoise_noise || app.now - d.curve_time >= kDenoiseCurveSeconds))
      denoise_pass_start(app, p);
    if (d.pass_snapshot) do denoise_pass_step(app, p);
      while (d.pass_snapshot && seconds_now() - start < kDenoiseFrameSeconds * (p + 1) / app.pane_count);
  }
}

static bool denoise_in_sync(const AppState& app) {
  if (!app.view.show_denoise) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const DenoiseView& d = app.panes[p].denoise;
    if (app.panes[p].latent == 0) continue;
    if (d.pass_snapshot || triptychs_stale(app, d) || curve_stale(app, d)) return false;
  }
  return true;
}

static void denoise_free_gl(ModelPane& pane) { gpu_image_free(&pane.denoise.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// The curve: PSNR against level for every pane's model (this pane's bold), the noisy inputs' own
// PSNR dashed, the level shown now a vertical line.
static void draw_curve(AppState& app, int p, ImDrawList* draw, ImVec2 a, ImVec2 b) {
  const Theme& th = *app.theme;
  const float s = app.ui_scale;
  draw->AddRectFilled(a, b, th.map_background);
  draw->AddRect(a, b, th.grid_axis);
  double lo = 1e9, hi = -1e9;
  bool any = false;
  for (int q = 0; q < app.pane_count; ++q) {
    const DenoiseView& d = app.panes[q].denoise;
    if (d.curve_version == 0) continue;
    any = true;
    for (int i = 0; i < kDenoiseLevels; ++i) {
      lo = std::min({lo, d.curve[i], d.curve_input[i]});
      hi = std::max(hi, d.curve[i]);
    }
  }
  // The models' curves set the top: a noisy input at a level of 0 is the original itself (100 dB),
  // and would flatten them; the dashed line runs off the top there, clipped.
  const double top = hi;
  for (int q = 0; q < app.pane_count; ++q)
    for (int i = 0; app.panes[q].denoise.curve_version && i < kDenoiseLevels; ++i)
      hi = std::max(hi, std::min(app.panes[q].denoise.curve_input[i], top + 3));
  if (!any) {
    draw->AddText(ImVec2(a.x + 4 * s, a.y + 4 * s), th.caption, "measuring...");
    return;
  }
  lo = std::floor(lo);
  hi = std::max(lo + 2, std::ceil(hi));
  const float pad = 4 * s;
  const ImVec2 pa(a.x + pad, a.y + pad), pb(b.x - pad, b.y - pad);
  const auto at = [&](int i, double db) {
    return ImVec2(pa.x + (pb.x - pa.x) * i / (kDenoiseLevels - 1), pb.y - float((db - lo) / (hi - lo)) * (pb.y - pa.y));
  };
  // The level shown now.
  const HyperparamInfo& h = hyperparam_info(Hyperparam::NoiseLevel);
  const float t = float((app.view.denoise_level - h.slider_min) / (h.slider_max - h.slider_min));
  const float x_now = pa.x + std::min(1.0f, std::max(0.0f, t)) * (pb.x - pa.x);
  draw->AddLine(ImVec2(x_now, pa.y), ImVec2(x_now, pb.y), th.grid_minor, 1.0f * s);
  draw->PushClipRect(a, b, true);
  // The noisy inputs (the same for every pane), dashed.
  const DenoiseView& own = app.panes[p].denoise;
  const DenoiseView& ref = own.curve_version ? own : app.panes[1 - p].denoise;
  for (int i = 0; i + 1 < kDenoiseLevels; ++i) {
    const ImVec2 u = at(i, ref.curve_input[i]), v = at(i + 1, ref.curve_input[i + 1]);
    for (int k = 0; k < 4; k += 2)
      draw->AddLine(ImVec2(u.x + (v.x - u.x) * k / 4, u.y + (v.y - u.y) * k / 4),
                    ImVec2(u.x + (v.x - u.x) * (k + 1) / 4, u.y + (v.y - u.y) * (k + 1) / 4), th.caption, 1.0f * s);
  }
  for (int pass = 0; pass < 2; ++pass)  // the other model first, this one over it
    for (int q = 0; q < app.pane_count; ++q) {
      if ((q == p) != (pass == 1)) continue;
      const DenoiseView& d = app.panes[q].denoise;
      if (d.curve_version == 0) continue;
      for (int i = 0; i + 1 < kDenoiseLevels; ++i)
        draw->AddLine(at(i, d.curve[i]), at(i + 1, d.curve[i + 1]), pane_accent(q), (q == p ? 2.5f : 1.2f) * s);
    }
  draw->PopClipRect();
  char text[32];
  std::snprintf(text, sizeof text, "%.0f dB", hi);
  draw->AddText(ImVec2(pa.x + 2 * s, pa.y), th.tick_text, text);
  std::snprintf(text, sizeof text, "%.0f dB", lo);
  draw->AddText(ImVec2(pa.x + 2 * s, pb.y - ImGui::GetTextLineHeight()), th.tick_text, text);
  if (ImGui::IsMouseHoveringRect(a, b)) {
    const int i = std::min(kDenoiseLevels - 1, std::max(0, int(std::lround((ImGui::GetMousePos().x - pa.x) /
                                                                          (pb.x - pa.x) * (kDenoiseLevels - 1)))));
    char lines[320];
    int len = std::snprintf(lines, sizeof lines, "PSNR against noise level (%s), %d held-out samples\nlevel %.2f: noisy input %.1f dB",
                            choice_of(own.curve_noise).title, kDenoiseCurveSamples, denoise_level_at(i), ref.curve_input[i]);
    for (int q = 0; q < app.pane_count && len < int(sizeof lines); ++q)
      if (app.panes[q].denoise.curve_version)
        len += std::snprintf(lines + len, sizeof lines - size_t(len), "\n%s: %.1f dB", pane_title(app.panes[q]),
                             app.panes[q].denoise.curve[i]);
    ImGui::SetTooltip("%s\n(bold: this model; dashed: the noisy input itself; line: the level shown)", lines);
  }
}

void ui_pane_denoise(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  DenoiseView& d = pane.denoise;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, gap = 12 * s;
  d.row_min = origin;
  d.row_max = ImVec2(origin.x + width, origin.y + height);
  if (d.version == 0) {
    draw->AddText(origin, th.caption, "Denoising: reconstructing noisy held-out samples...");
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  const int n = static_cast<int>(d.clean.cols());
  double mean_noisy = 0, mean_out = 0;
  for (int k = 0; k < n; ++k) mean_noisy += d.psnr_noisy[k] / n, mean_out += d.psnr_out[k] / n;
  // The caption's long form where it fits, else shorter ones.
  char text[160], short_text[96], tiny_text[48];
  std::snprintf(text, sizeof text, "%s %.2f: noisy %.1f dB \xe2\x86\x92 reconstruction %.1f dB (vs clean)",
                choice_of(d.noise).title, d.level, mean_noisy, mean_out);
  std::snprintf(short_text, sizeof short_text, "noisy %.1f \xe2\x86\x92 recon. %.1f dB", mean_noisy, mean_out);
  std::snprintf(tiny_text, sizeof tiny_text, "%.1f \xe2\x86\x92 %.1f dB", mean_noisy, mean_out);
  const char* caption = fitting_caption(width, text, short_text, tiny_text);
  draw->AddText(origin, th.strong_text, caption);
  layout_rect(&app.layout, "denoise caption", origin, ImVec2(origin.x + ImGui::CalcTextSize(caption).x, origin.y + ImGui::GetTextLineHeight()));
  if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + line))) help_tooltip("denoise");
  // The triptychs: a column per sample, rows noisy, reconstruction, clean; the curve at the right.
  const float body_top = origin.y + line, body_h = height - line;
  const float cell = std::floor(std::min(body_h / 3, 0.55f * width / kDenoiseSamples));
  const float trip_w = n * cell;
  const ImVec2 t0(origin.x, body_top);
  const float tw = 1.0f / kDenoiseSamples, third = 1.0f / 3;
  const bool label_tiles = cell >= 2.2f * ImGui::GetTextLineHeight();
  for (int k = 0; k < n; ++k)
    for (int r = 0; r < 3; ++r) {
      const ImVec2 a(t0.x + k * cell, t0.y + r * cell), b(a.x + cell, a.y + cell);
      draw->AddImage(gpu_image_id(d.image), a, b, ImVec2(k * tw, r * third), ImVec2((k + 1) * tw, (r + 1) * third));
      if (r < 2 && label_tiles) {  // the tile's PSNR in its bottom-left corner
        char db[16];
        std::snprintf(db, sizeof db, "%.1f", r == 0 ? d.psnr_noisy[k] : d.psnr_out[k]);
        const ImVec2 size = ImGui::CalcTextSize(db), at(a.x + 1 * s, b.y - size.y - 1 * s);
        draw->AddRectFilled(at, ImVec2(at.x + size.x + 2 * s, at.y + size.y), th.overlay_shadow);
        draw->AddText(ImVec2(at.x + 1 * s, at.y), r == 0 ? th.caption : pane_accent(p), db);
      }
      if (ImGui::IsMouseHoveringRect(a, b))
        ImGui::SetTooltip("Held-out sample %d, %s %.2f\nnoisy input: %.1f dB\nreconstruction: %.1f dB\n(rows: noisy input, "
                          "this model's reconstruction, clean original; PSNR against the clean original)",
                          k + 1, choice_of(d.noise).title, d.level, d.psnr_noisy[k], d.psnr_out[k]);
    }
  layout_rect(&app.layout, "denoise triptychs", t0, ImVec2(t0.x + trip_w, t0.y + 3 * cell));
  const float cx = t0.x + trip_w + gap;
  if (origin.x + width - cx >= 60 * s) {
    const ImVec2 c0(cx, body_top), c1(origin.x + width, body_top + std::min(body_h, 3 * cell));
    draw_curve(app, p, draw, c0, c1);
    layout_rect(&app.layout, "denoise curve", c0, c1);
  }
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void denoise_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "denoise=%d\ndenoise_noise=%s\ndenoise_level=%g\n", app.view.show_denoise ? 1 : 0,
               choice_name(app.view.denoise_noise), app.view.denoise_level);
  std::fprintf(f, "denoise_levels=");
  for (int i = 0; i < kDenoiseLevels; ++i) std::fprintf(f, "%s%g", i ? "," : "", denoise_level_at(i));
  std::fprintf(f, "\n");
  for (int p = 0; p < app.pane_count; ++p) {
    const DenoiseView& d = app.panes[p].denoise;
    const int n = static_cast<int>(d.clean.cols());
    double noisy = 0, out = 0;
    for (int k = 0; k < n; ++k) noisy += d.psnr_noisy[k] / std::max(1, n), out += d.psnr_out[k] / std::max(1, n);
    std::fprintf(f, "pane%d.denoise_version=%llu\npane%d.denoise_psnr_noisy=%.3f\npane%d.denoise_psnr_out=%.3f\n", p,
                 static_cast<unsigned long long>(d.version), p, noisy, p, out);
    std::fprintf(f, "pane%d.denoise_curve_version=%llu\npane%d.denoise_curve_noise=%s\npane%d.denoise_curve=", p,
                 static_cast<unsigned long long>(d.curve_version), p, choice_name(d.curve_noise), p);
    for (int i = 0; i < kDenoiseLevels; ++i) std::fprintf(f, "%s%.3f", i ? "," : "", d.curve[i]);
    std::fprintf(f, "\npane%d.denoise_curve_input=", p);
    for (int i = 0; i < kDenoiseLevels; ++i) std::fprintf(f, "%s%.3f", i ? "," : "", d.curve_input[i]);
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.denoise_row=%d %d %d %d\n", p, static_cast<int>(d.row_min.x * scale.x),
                 static_cast<int>(d.row_min.y * scale.y), static_cast<int>((d.row_max.x - d.row_min.x) * scale.x),
                 static_cast<int>((d.row_max.y - d.row_min.y) * scale.y));
  }
}

extern const PaneViewOps kDenoiseView = {"denoise", denoise_configure, denoise_update, denoise_in_sync, nullptr, nullptr,
                                         denoise_free_gl};
