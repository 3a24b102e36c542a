// Colourisation, in the row under each map on colour data (toolbar: "Colourise"): a few held-out
// samples, each a column grey input -> this model's colourisation -> original, with the PSNR of the
// first two against the original, and beside them the mean of both over kColouriseMeanSamples
// held-out samples (core/measure/colourise.h, the figures `latentlab train --json` reports). The grey
// input is the drop-colour corruption (every pixel's channels set to its luminance): a denoising AE
// trained with noise "Drop colour" learns to put the colour back; any other model is shown the same
// grey input, and the row says it was not trained for it. Both panes colourise the same samples.
// The columns are rebuilt when the snapshot changes (at most every kColouriseRefreshSeconds while
// training); the mean in chunks within kColouriseFrameSeconds of a frame against one pinned snapshot.
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
constexpr int kColouriseMeanSamples = 256;        // held-out samples the mean figures average over
constexpr int kColouriseChunk = 32;               // samples colourised at once in the mean's pass
constexpr double kColouriseFrameSeconds = 0.002;  // the panes' share of a frame for the mean
constexpr double kColouriseRefreshSeconds = 0.3;  // the columns on new weights at most this often
constexpr double kColouriseMeanSeconds = 1.0;     // a new mean on new weights at most this often

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Trained to colourise: a denoising AE whose corruption is drop colour.
bool trained_to_colourise(const Network& net) {
  return net.config.kind == ModelKind::Denoising && net.config.noise == NoiseKind::DropColour;
}
}  // namespace

bool colourise_available(const AppState& app) { return app.data && app.data->channels == 3; }

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The first `count` held-out samples (training samples when none is held out).
static void gather_held_out(const AppState& app, int count, Mat& out) {
  const Dataset& d = *app.data;
  const int held = d.count - d.train_count;
  const int first = held > 0 ? d.train_count : 0, n = std::min(count, held > 0 ? held : d.count);
  std::vector<int> idx(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) idx[size_t(i)] = first + i;
  out.resize(d.features(), n);
  d.gather(idx.data(), n, out);
}

static void colourise_columns(AppState& app, int p, const Network& net) {
  ColouriseView& c = app.panes[p].colourise;
  const int n = static_cast<int>(c.colour.cols());
  colour_drop(c.grey, c.colour, app.data->channels);
  reconstruct(net, c.grey, c.code, c.out, c.ws);
  const int w = kColouriseTiles * app.tile_w;
  std::fill(c.rgba.begin(), c.rgba.end(), 0);
  for (int k = 0; k < n; ++k) {
    c.psnr_grey[k] = psnr(c.colour.col(k), c.grey.col(k));
    c.psnr_out[k] = psnr(c.colour.col(k), c.out.col(k));
    sample_to_rgba(app, c.grey.col(k).data(), c.rgba.data(), w, k * app.tile_w, 0);
    sample_to_rgba(app, c.out.col(k).data(), c.rgba.data(), w, k * app.tile_w, app.tile_h);
    sample_to_rgba(app, c.colour.col(k).data(), c.rgba.data(), w, k * app.tile_w, 2 * app.tile_h);
  }
  gpu_image_upload(&c.image, c.rgba.data());
  c.trained = trained_to_colourise(net);
  c.version = app.snap->version;
  c.time = app.now;
}

// One chunk of the mean's pass; after the last the pass's means replace the shown ones.
static void colourise_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  ColouriseView& c = pane.colourise;
  const Network& net = c.pass_snapshot->networks[p];
  const int total = static_cast<int>(c.mean_x.cols());
  if (!pane_matches(app, pane, net) || total == 0) {
    c.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kColouriseChunk, total - c.pass_next);
  const ColouriseFigures f = colourise_figures(net, c.mean_x.middleCols(c.pass_next, m), app.data->channels, m);
  c.pass_sum += f.psnr_colourised * f.samples;
  c.pass_grey_sum += f.psnr_grey_baseline * f.samples;
  c.pass_next += m;
  if (c.pass_next < total) return;
  c.mean.psnr_colourised = c.pass_sum / total;
  c.mean.psnr_grey_baseline = c.pass_grey_sum / total;
  c.mean.samples = total;
  c.mean_version = c.pass_snapshot->version;
  c.pass_snapshot.reset();
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void colourise_configure(AppState& app, int p) {
  ColouriseView& c = app.panes[p].colourise;
  c.pass_snapshot.reset();
  c.version = c.mean_version = 0;
  c.time = c.mean_time = -1;
  c.mean = ColouriseFigures{};
  if (!colourise_available(app)) {
    c.colour.resize(0, 0), c.mean_x.resize(0, 0);
    return;
  }
  gather_held_out(app, kColouriseTiles, c.colour);
  c.grey.resize(c.colour.rows(), c.colour.cols());
  gather_held_out(app, kColouriseMeanSamples, c.mean_x);
  std::fill(c.psnr_grey, c.psnr_grey + kColouriseTiles, 0.0);
  std::fill(c.psnr_out, c.psnr_out + kColouriseTiles, 0.0);
  c.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * kColouriseTiles * 3, 0);
  gpu_image_resize(&c.image, kColouriseTiles * app.tile_w, 3 * app.tile_h, true);
}

static bool colourise_on(const AppState& app) { return app.view.show_colourise && colourise_available(app); }

static void colourise_update(AppState& app) {
  if (!colourise_on(app) || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const Network& net = app.snap->networks[p];
    ColouriseView& c = pane.colourise;
    if (!pane_matches(app, pane, net) || c.colour.cols() == 0) continue;
    if (c.version != app.snap->version && (c.version == 0 || app.now - c.time >= kColouriseRefreshSeconds))
      colourise_columns(app, p, net);
    if (!c.pass_snapshot && c.mean_version != app.snap->version &&
        (c.mean_version == 0 || app.now - c.mean_time >= kColouriseMeanSeconds)) {
      c.pass_snapshot = app.snap;
      c.pass_next = 0;
      c.pass_sum = c.pass_grey_sum = 0;
      c.mean_time = app.now;
    }
    if (c.pass_snapshot) do colourise_pass_step(app, p);
      while (c.pass_snapshot && seconds_now() - start < kColouriseFrameSeconds * (p + 1) / app.pane_count);
  }
}

static bool colourise_in_sync(const AppState& app) {
  if (!colourise_on(app)) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ColouriseView& c = app.panes[p].colourise;
    if (app.panes[p].latent == 0 || c.colour.cols() == 0) continue;
    if (c.pass_snapshot || c.version != app.snap->version || c.mean_version != app.snap->version) return false;
  }
  return true;
}

static void colourise_free_gl(ModelPane& pane) { gpu_image_free(&pane.colourise.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

void ui_pane_colourise(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  ColouriseView& c = pane.colourise;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, gap = 12 * s;
  c.row_min = origin;
  c.row_max = ImVec2(origin.x + width, origin.y + height);
  if (c.version == 0) {
    draw->AddText(origin, th.caption, "Colourise: colouring grey held-out samples...");
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  const int n = static_cast<int>(c.colour.cols());
  // The caption: the mean over many held-out samples once measured, else over the columns shown.
  double grey = 0, out = 0;
  int over = n;
  if (c.mean_version) {
    grey = c.mean.psnr_grey_baseline, out = c.mean.psnr_colourised, over = c.mean.samples;
  } else {
    for (int k = 0; k < n; ++k) grey += c.psnr_grey[k] / n, out += c.psnr_out[k] / n;
  }
  char text[160], short_text[96], tiny_text[48];
  std::snprintf(text, sizeof text, "grey %.1f dB \xe2\x86\x92 colourised %.1f dB (vs original, %d held out)", grey, out, over);
  std::snprintf(short_text, sizeof short_text, "grey %.1f \xe2\x86\x92 colourised %.1f dB", grey, out);
  std::snprintf(tiny_text, sizeof tiny_text, "%.1f \xe2\x86\x92 %.1f dB", grey, out);
  const char* caption = fitting_caption(width, text, short_text, tiny_text);
  draw->AddText(origin, out > grey ? th.strong_text : th.caption, caption);
  layout_rect(&app.layout, "colourise caption", origin,
              ImVec2(origin.x + ImGui::CalcTextSize(caption).x, origin.y + ImGui::GetTextLineHeight()));
  if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + line))) help_tooltip("colourise");
  // The columns: rows grey input, colourisation, original; the note at the right.
  const float body_top = origin.y + line, body_h = height - line;
  const float cell = std::floor(std::min(body_h / 3, 0.55f * width / kColouriseTiles));
  const ImVec2 t0(origin.x, body_top);
  const float tw = 1.0f / kColouriseTiles, third = 1.0f / 3;
  const bool label_tiles = cell >= 2.2f * ImGui::GetTextLineHeight();
  for (int k = 0; k < n; ++k)
    for (int r = 0; r < 3; ++r) {
      const ImVec2 a(t0.x + k * cell, t0.y + r * cell), b(a.x + cell, a.y + cell);
      draw->AddImage(gpu_image_id(c.image), a, b, ImVec2(k * tw, r * third), ImVec2((k + 1) * tw, (r + 1) * third));
      if (r < 2 && label_tiles) {  // the tile's PSNR in its bottom-left corner
        char db[16];
        std::snprintf(db, sizeof db, "%.1f", r == 0 ? c.psnr_grey[k] : c.psnr_out[k]);
        const ImVec2 size = ImGui::CalcTextSize(db), at(a.x + 1 * s, b.y - size.y - 1 * s);
        draw->AddRectFilled(at, ImVec2(at.x + size.x + 2 * s, at.y + size.y), th.overlay_shadow);
        draw->AddText(ImVec2(at.x + 1 * s, at.y), r == 0 ? th.caption : pane_accent(p), db);
      }
      if (ImGui::IsMouseHoveringRect(a, b))
        ImGui::SetTooltip("Held-out sample %d\ngrey input: %.1f dB\ncolourised: %.1f dB\n(rows: grey input, this model's "
                          "colourisation, original; PSNR against the original)",
                          k + 1, c.psnr_grey[k], c.psnr_out[k]);
    }
  layout_rect(&app.layout, "colourise columns", t0, ImVec2(t0.x + n * cell, t0.y + 3 * cell));
  const float nx = t0.x + n * cell + gap, note_w = origin.x + width - nx;
  if (note_w >= 60 * s) {
    const char* note = c.trained ? "Rows: grey input, colourised, original. Trained on grey inputs (drop colour)."
                                 : "Rows: grey input, colourised, original. Not trained on grey inputs (drop colour).";
    const int lines = std::max(0, int(std::min(body_h, 3 * cell) / ImGui::GetTextLineHeight()));
    const float used = draw_text_clamped(draw, ImVec2(nx, body_top), th.caption, note, note_w, lines);
    if (used > 0) layout_rect(&app.layout, "colourise note", ImVec2(nx, body_top), ImVec2(nx + note_w, body_top + used));
  }
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void colourise_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "colourise=%d\ncolourise_available=%d\n", app.view.show_colourise ? 1 : 0, colourise_available(app) ? 1 : 0);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  for (int p = 0; p < app.pane_count; ++p) {
    const ColouriseView& c = app.panes[p].colourise;
    std::fprintf(f, "pane%d.colourise_version=%llu\npane%d.colourise_trained=%d\npane%d.colourise_mean_version=%llu\n", p,
                 static_cast<unsigned long long>(c.version), p, c.trained ? 1 : 0, p,
                 static_cast<unsigned long long>(c.mean_version));
    std::fprintf(f, "pane%d.colourise_psnr_grey=%.3f\npane%d.colourise_psnr_out=%.3f\npane%d.colourise_samples=%d\n", p,
                 c.mean.psnr_grey_baseline, p, c.mean.psnr_colourised, p, c.mean.samples);
    std::fprintf(f, "pane%d.colourise_row=%d %d %d %d\n", p, static_cast<int>(c.row_min.x * scale.x),
                 static_cast<int>(c.row_min.y * scale.y), static_cast<int>((c.row_max.x - c.row_min.x) * scale.x),
                 static_cast<int>((c.row_max.y - c.row_min.y) * scale.y));
  }
}

extern const PaneViewOps kColouriseView = {"colourise", colourise_configure, colourise_update, colourise_in_sync,
                                           nullptr, nullptr, colourise_free_gl};
