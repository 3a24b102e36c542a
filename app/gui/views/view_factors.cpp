// Disentanglement, in the row under each map (toolbar: "Factors") on data with true factors (sprites,
// faces): how much each latent dimension knows about each factor, I(z_j; factor_k), as a heatmap
// (factors down, dimensions across, each cell as a share of the factor's entropy, the best dimension
// of each factor framed), the MIG and each factor's gap beside it, and in plain words what was
// measured about beta and the MIG on this data set. The estimator is core/measure/mig.h's, the one
// `latentlab train --json` reports (mean codes, 20-bin histograms), on the map's held-out points (the
// map's codes are mu for a VAE), measured when the map's codes change and at most every
// kFactorsSeconds: nothing per frame but the drawing.
//
// Index:
//   [SECTION] Measuring
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui_state.h"

namespace {
constexpr int kFactorsSamples = 2000;       // held-out map points measured at most
constexpr double kFactorsSeconds = 1.0;     // a new measure on new codes at most this often
}  // namespace

bool factors_available(const AppState& app) { return app.data && app.data->factors.rows() > 0; }

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The map's held-out points come first in point_indices: those, up to kFactorsSamples (all points
// when none is held out).
static void factors_measure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  FactorsView& fv = pane.factors;
  const Dataset& d = *app.data;
  const int points = static_cast<int>(std::min<size_t>(app.point_indices.size(), size_t(pane.codes.cols())));
  int held = 0;
  while (held < points && app.point_indices[held] >= d.train_count) ++held;
  const int n = std::min(kFactorsSamples, held > 0 ? held : points);
  const int nf = static_cast<int>(d.factors.rows());
  fv.codes.resize(pane.latent, n);
  fv.factors.resize(nf, n);
  for (int i = 0; i < n; ++i) {
    fv.codes.col(i) = pane.codes.col(i);
    fv.factors.col(i) = d.factors.col(app.point_indices[i]);
  }
  fv.mig = mig_compute(fv.codes, fv.factors);
  fv.samples = n;
  fv.codes_version = pane.codes_version;
  fv.time = app.now;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void factors_configure(AppState& app, int p) {
  FactorsView& fv = app.panes[p].factors;
  fv.mig = Mig{};
  fv.samples = 0;
  fv.codes_version = 0;
  fv.time = -1;
}

static void factors_update(AppState& app) {
  if (!app.view.show_factors || !factors_available(app)) return;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || pane.codes_version == 0) continue;
    if (pane.factors.codes_version != pane.codes_version && app.now - pane.factors.time >= kFactorsSeconds)
      factors_measure(app, p);
  }
}

static bool factors_in_sync(const AppState& app) {
  if (!app.view.show_factors || !factors_available(app)) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    if (pane.codes_version == 0 || pane.factors.codes_version != pane.codes_version) return false;
  }
  return true;
}

static void factors_free_gl(ModelPane&) {}

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

void ui_pane_factors(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  FactorsView& fv = pane.factors;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing(), font = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  fv.row_min = origin;
  fv.row_max = ImVec2(origin.x + width, origin.y + height);
  ImGui::Dummy(ImVec2(width, height));
  if (!factors_available(app)) {
    const char* text = "Disentanglement needs data with true factors (sprites, faces).";
    draw->AddText(nullptr, 0.0f, origin, th.caption, text, nullptr, width);
    layout_rect(&app.layout, "factors note", origin, ImVec2(origin.x + std::min(width, ImGui::CalcTextSize(text, nullptr, false, width).x),
                                                         origin.y + ImGui::CalcTextSize(text, nullptr, false, width).y));
    return;
  }
  if (fv.codes_version == 0) {
    draw->AddText(origin, th.caption, "Disentanglement: measuring...");
    return;
  }
  const Dataset& d = *app.data;
  const int latent = static_cast<int>(fv.mig.mi.rows()), nf = static_cast<int>(fv.mig.mi.cols());
  char text[160];
  std::snprintf(text, sizeof text, "MIG %.3f", fv.mig.mig);
  const float title_w = ImGui::CalcTextSize(text).x;
  draw->AddText(origin, th.strong_text, text);
  layout_rect(&app.layout, "factors title", origin, ImVec2(origin.x + title_w, origin.y + font));
  std::snprintf(text, sizeof text, "I(z; factor) / H(factor), %d held-out", fv.samples);
  if (title_w + 12 * s + ImGui::CalcTextSize(text).x <= width) {
    const ImVec2 at(origin.x + title_w + 12 * s, origin.y);
    draw->AddText(at, th.caption, text);
    layout_rect(&app.layout, "factors caption", at, ImVec2(at.x + ImGui::CalcTextSize(text).x, at.y + font));
  }
  // The heatmap: factor names on the left, each factor's gap on the right, cells between.
  float name_w = 0;
  for (const std::string& name : d.factor_names) name_w = std::max(name_w, ImGui::CalcTextSize(name.c_str()).x);
  name_w += 6 * s;
  const float gap_w = ImGui::CalcTextSize("gap 0.00").x + 6 * s;
  const float cell_w = std::max(3.0f, std::min(28 * s, (width - name_w - gap_w) / std::max(1, latent)));
  // Rows a line high where the row keeps two lines for the note under them; shorter (and unnamed) below that.
  const float cell_h = std::max(4.0f, std::min(font + 2 * s, (height - 4 * line) / std::max(1, nf)));
  const ImVec2 h0(origin.x + name_w, origin.y + line);
  for (int k = 0; k < nf; ++k) {
    const float y = h0.y + k * cell_h;
    const double entropy = fv.mig.entropy[size_t(k)];
    if (cell_h >= font) draw->AddText(ImVec2(origin.x, y + 0.5f * (cell_h - font)), th.tick_text, d.factor_names[size_t(k)].c_str());
    for (int j = 0; j < latent; ++j) {
      const float t = entropy > 0 ? float(std::min(1.0, fv.mig.mi(j, k) / entropy)) : 0.0f;
      const ImVec2 c0(h0.x + j * cell_w, y), c1(h0.x + (j + 1) * cell_w - 1, y + cell_h - 1);
      draw->AddRectFilled(c0, c1, value_ramp_color(t));
      if (j == fv.mig.best_dim[size_t(k)]) draw->AddRect(c0, c1, th.strong_text, 0, 0, 1.5f * s);
    }
    std::snprintf(text, sizeof text, "gap %.2f", fv.mig.gap[size_t(k)]);
    if (cell_h >= font) draw->AddText(ImVec2(h0.x + latent * cell_w + 6 * s, y + 0.5f * (cell_h - font)), th.caption, text);
  }
  const ImVec2 h1(h0.x + latent * cell_w + gap_w, h0.y + nf * cell_h);
  layout_rect(&app.layout, "factors heatmap", ImVec2(origin.x, h0.y), ImVec2(std::min(origin.x + width, h1.x), h1.y));
  float y = h1.y;
  // The dimensions' names under their columns where they fit.
  if (ImGui::CalcTextSize("z00").x < cell_w) {
    for (int j = 0; j < latent; ++j) {
      std::snprintf(text, sizeof text, "z%d", j + 1);
      const float tw = ImGui::CalcTextSize(text).x;
      draw->AddText(ImVec2(h0.x + (j + 0.5f) * cell_w - 0.5f * tw, y), th.tick_text, text);
    }
    layout_rect(&app.layout, "factors dims", ImVec2(h0.x, y), ImVec2(h0.x + latent * cell_w, y + font));
    y += line;
  }
  // What was measured about beta and the MIG on this set, or what the MIG is: as much as the row
  // holds, the whole on hover.
  const BuiltinDataset* builtin = builtin_dataset_find(app.data_spec.source);
  const char* note = builtin && builtin->disentanglement_note
                         ? builtin->disentanglement_note
                         : "MIG: for each factor, the gap between the two dimensions that know most about it, over "
                           "its entropy, averaged; 1 = each factor in one dimension alone, 0 = none stands out.";
  // Beside the heatmap where the row is wide enough, else under it.
  const float bottom = origin.y + height;
  const bool beside = origin.x + width - (h1.x + 16 * s) >= 260 * s;
  const ImVec2 n0 = beside ? ImVec2(h1.x + 16 * s, h0.y) : ImVec2(origin.x, y + 2 * s);
  const ImVec2 n1(origin.x + width, bottom);
  const float wrap = n1.x - n0.x;
  if (n1.y - n0.y >= font) {
    const int lines = static_cast<int>((n1.y - n0.y) / font);
    const float note_h = draw_text_clamped(draw, n0, ImGui::ColorConvertFloat4ToU32(th.warn_text), note, wrap, lines);
    layout_rect(&app.layout, "factors note", n0, ImVec2(n1.x, n0.y + note_h));
    if (ImGui::IsMouseHoveringRect(n0, n1)) ImGui::SetTooltip("%s", note);
  }
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void factors_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "factors=%d\n", app.view.show_factors ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const FactorsView& fv = app.panes[p].factors;
    std::fprintf(f, "pane%d.factors_version=%llu\npane%d.factors_samples=%d\npane%d.factors_mig=%.17g\npane%d.factors_entropy=",
                 p, static_cast<unsigned long long>(fv.codes_version), p, fv.samples, p, fv.mig.mig, p);
    for (size_t k = 0; k < fv.mig.entropy.size(); ++k) std::fprintf(f, "%s%.17g", k ? "," : "", fv.mig.entropy[k]);
    std::fprintf(f, "\npane%d.factors_gap=", p);
    for (size_t k = 0; k < fv.mig.gap.size(); ++k) std::fprintf(f, "%s%.17g", k ? "," : "", fv.mig.gap[k]);
    // I(z_j; factor_k), one factor after the other, dimensions within: "k0j0 k0j1 ...;k1j0 ..."
    std::fprintf(f, "\npane%d.factors_mi=", p);
    for (Eigen::Index k = 0; k < fv.mig.mi.cols(); ++k)
      for (Eigen::Index j = 0; j < fv.mig.mi.rows(); ++j)
        std::fprintf(f, "%s%.17g", j ? " " : k ? ";" : "", fv.mig.mi(j, k));
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.factors_row=%d %d %d %d\n", p, static_cast<int>(fv.row_min.x * scale.x),
                 static_cast<int>(fv.row_min.y * scale.y), static_cast<int>((fv.row_max.x - fv.row_min.x) * scale.x),
                 static_cast<int>((fv.row_max.y - fv.row_min.y) * scale.y));
  }
}

extern const PaneViewOps kFactorsView = {"factors", factors_configure, factors_update, factors_in_sync, nullptr, nullptr,
                                         factors_free_gl};
