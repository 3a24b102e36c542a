// The toolbar above the maps: map options, view switches, presenter mode, the label legend and the
// point count (or the interpolation's verdict). It flows like text: each entry of kToolbarEntries
// is drawn as one group, and when the next entry would not fit on the line it starts a new one;
// when they would take more than kToolbarMaxRows lines they go into a menu instead.
// An entry's width is the width its group took last frame (measured, never guessed), so adding a
// control is one function and one row in kToolbarEntries. Every entry reports its rectangle to the
// layout recorder under its name, and every control its tooltip from gui_help.cpp's table (control_help).
//
// Index:
//   [SECTION] Helpers
//   [SECTION] Entries
//   [SECTION] The entry list
//   [SECTION] Flow, legend and tail
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui_state.h"

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

// 12345 -> "12,345"
static const char* format_count(int value, char* buf, int size) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%d", value);
  int len = static_cast<int>(std::strlen(digits)), out = 0;
  for (int i = 0; i < len && out < size - 2; ++i) {
    if (i > 0 && (len - i) % 3 == 0 && digits[i - 1] != '-') buf[out++] = ',';
    buf[out++] = digits[i];
  }
  buf[out] = 0;
  return buf;
}

// A slider just wide enough for its widest text (`widest`) and its frame (combos: combo_width, gui_help.h).
static void set_width_for(const char* widest) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize(widest).x + 2 * style.FramePadding.x + 2 * style.ItemInnerSpacing.x);
}

static int widest_latent(const AppState& app) {
  int latent = 0;
  for (int p = 0; p < app.pane_count; ++p) latent = std::max(latent, app.panes[p].latent);
  return latent;
}

//-----------------------------------------------------------------------------
// [SECTION] Entries
//-----------------------------------------------------------------------------

static void entry_manifold(AppState& app) {
  ViewOptions& v = app.view;
  ImGui::Checkbox("Decoded manifold", &v.show_manifold);
  control_help(app, "manifold");
}

// The manifold's options: entries of their own, so that they wrap apart on a narrow toolbar.
static bool manifold_on(const AppState& app) { return app.view.show_manifold; }

static void entry_manifold_options(AppState& app) {
  ViewOptions& v = app.view;
  {
    set_width_for("32 tiles");
    ImGui::SliderInt("##tiles", &v.manifold_tiles, 8, 32, "%d tiles");
    control_help(app, "manifold_tiles");
  }
}

static void entry_manifold_grid(AppState& app) {
  ViewOptions& v = app.view;
  {
    int grid = static_cast<int>(v.manifold_grid);
    ImGui::SetNextItemWidth(choice_combo_width(choice_list<ManifoldGrid>()));
    if (choice_combo(app, "##grid", "manifold_grid", &grid, choice_list<ManifoldGrid>()))
      v.manifold_grid = static_cast<ManifoldGrid>(grid);
  }
}

static bool anomaly_on(const AppState& app) { return app.view.show_anomaly; }

// Disentanglement: only data with true factors have it.
static bool has_factors(const AppState& app) { return factors_available(app); }

static void entry_anomaly_score(AppState& app) {
  ImGui::SetNextItemWidth(choice_combo_width(choice_list<AnomalyScore>()));
  int score = static_cast<int>(app.view.anomaly_score);
  if (choice_combo(app, "##anomaly_score", "anomaly_score", &score, choice_list<AnomalyScore>()))
    app.view.anomaly_score = static_cast<AnomalyScore>(score);
}

static bool denoise_on(const AppState& app) { return app.view.show_denoise; }

static void entry_denoise_noise(AppState& app) {
  ImGui::SetNextItemWidth(choice_combo_width(choice_list<NoiseKind>()));
  int noise = static_cast<int>(app.view.denoise_noise);
  if (choice_combo(app, "##denoise_noise", "denoise_noise", &noise, choice_list<NoiseKind>()))
    app.view.denoise_noise = static_cast<NoiseKind>(noise);
  ImGui::SameLine();
  const HyperparamInfo& h = hyperparam_info(Hyperparam::NoiseLevel);
  set_width_for("level 0.00");
  ImGui::SliderFloat("##denoise_level", &app.view.denoise_level, float(h.slider_min), float(h.slider_max), "level %.2f");
  control_help(app, "denoise_level");
}

// Colour by: label, a true factor of the data (sprites, faces), or each sample's reconstruction error.
static void entry_color(AppState& app) {
  if (app.view.color_by > point_color_last(app)) app.view.color_by = 0;  // another dataset's factor
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Colour");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_width("reconstruction error"));
  if (ImGui::BeginCombo("##color_by", point_color_name(app, app.view.color_by))) {
    for (int mode = 0; mode <= point_color_last(app); ++mode)
      if (ImGui::Selectable(point_color_name(app, mode), mode == app.view.color_by)) app.view.color_by = mode;
    ImGui::EndCombo();
  }
  control_help(app, "color_by");
}

// The hole map and the decoder's ||J||_F shade the same plane: turning one on turns the other off.
static void entry_holes(AppState& app) {
  bool on = app.view.show_holes;
  if (ImGui::Checkbox("Hole map", &on)) hole_map_show(app, on);
  control_help(app, "holes");
}

static void entry_prior(AppState& app) {
  bool any_vae = false;
  for (int p = 0; p < app.pane_count; ++p) any_vae |= model_kind_info(app.panes[p].kind).variational;
  if (!any_vae) ImGui::BeginDisabled();
  if (ImGui::Checkbox("Prior and sigma", &app.view.show_prior))
    for (int p = 0; p < app.pane_count; ++p) view_fit(app, p);
  control_help(app, "prior");
  if (!any_vae) ImGui::EndDisabled();
}

static void entry_link(AppState& app) {
  if (app.pane_count < 2) ImGui::BeginDisabled();
  ImGui::Checkbox("Link probes", &app.view.link_probes);
  control_help(app, "link_probes");
  if (app.pane_count < 2) ImGui::EndDisabled();
}

static void entry_interpolation(AppState& app) {
  if (ImGui::Checkbox("Interpolation", &app.interp.show) && !app.interp.show) {
    app.interp.playing = false;
    app.interp.pick = 0;
  }
  control_help(app, "interpolation");
}

// Samples and reconstructions make way for the interpolation's strips.
static void entry_samples(AppState& app) {
  if (app.interp.show) ImGui::BeginDisabled();
  ImGui::Checkbox("Samples", &app.view.show_gallery);
  control_help(app, "samples");
  if (app.interp.show) ImGui::EndDisabled();
}

static void entry_recon(AppState& app) {
  if (app.interp.show) ImGui::BeginDisabled();
  ImGui::Checkbox("Reconstructions", &app.view.show_recon);
  control_help(app, "reconstructions");
  if (app.interp.show) ImGui::EndDisabled();
}

// Which plane of a latent space wider than 2.
static bool show_plane(const AppState& app) { return widest_latent(app) > 2; }

static void entry_plane(AppState& app) {
  ViewOptions& v = app.view;
  const int latent = widest_latent(app);
  bool changed = false;
  int mode = v.plane_mode == PlaneMode::Pca ? 1 : 0;
  ImGui::SetNextItemWidth(combo_width("Two dimensions"));
  changed |= ImGui::Combo("##plane", &mode, "Two dimensions\0PCA plane\0");
  control_help(app, "plane");
  v.plane_mode = mode == 1 ? PlaneMode::Pca : PlaneMode::Dims;
  if (v.plane_mode == PlaneMode::Dims) {
    char widest[16];
    std::snprintf(widest, sizeof widest, "x: z%d", latent);
    int dx = v.dim_x + 1, dy = v.dim_y + 1;
    ImGui::SameLine();
    set_width_for(widest);
    changed |= ImGui::SliderInt("##dx", &dx, 1, latent, "x: z%d");
    control_help(app, "plane_x");
    ImGui::SameLine();
    set_width_for(widest);
    changed |= ImGui::SliderInt("##dy", &dy, 1, latent, "y: z%d");
    control_help(app, "plane_y");
    v.dim_x = dx - 1;
    v.dim_y = dy - 1;
  }
  if (changed) pane_plane_changed(app);
}

// Presenter mode: larger everything and a light, high-contrast theme for a projector in a lit room.
static void entry_presenter(AppState& app) {
  bool on = app.presenter.on;
  if (ImGui::Checkbox("Presenter", &on)) presenter_set(app, on);
  control_help(app, "presenter");
  if (!app.presenter.on) return;
  ImGui::SameLine();
  if (ImGui::SmallButton("-")) presenter_zoom(app, -1);
  control_help(app, "presenter_smaller");
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  if (app.presenter.fitted < app.presenter.scale) {  // the window cannot hold the size asked: what it shows instead
    ImGui::TextColored(app.theme->warn_text, "%d%% (%d%% asked)", static_cast<int>(std::lround(app.presenter.fitted * 100)),
                       static_cast<int>(std::lround(app.presenter.scale * 100)));
    if (ImGui::IsItemHovered()) help_tooltip("presenter_fitted");
  } else {
    ImGui::Text("%d%%", static_cast<int>(std::lround(app.presenter.scale * 100)));
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("+")) presenter_zoom(app, +1);
  control_help(app, "presenter_larger");
  ImGui::SameLine();
  bool light = app.presenter.light;
  if (ImGui::Checkbox("Light", &light)) presenter_set_theme(app, light);
  control_help(app, "presenter_light");
}

//-----------------------------------------------------------------------------
// [SECTION] The entry list
//-----------------------------------------------------------------------------

constexpr int kToolbarMaxRows = 3;  // more, and the entries overflow into the "View options" menu

// A view's on/off switch: one checkbox and its tooltip, which most entries are.
struct ToolbarSwitch {
  const char* label;
  bool ViewOptions::*flag;
  const char* help_key;                  // gui_help.cpp's table
};

struct ToolbarEntry {
  const char* name;                      // for the layout check
  bool (*shown)(const AppState& app);    // null: always
  void (*draw)(AppState& app);           // its widgets, left to right; null: `toggle`
  ToolbarSwitch toggle = {};            // used when draw is null
};

const ToolbarEntry kToolbarEntries[] = {
    {"toolbar: hole map", nullptr, entry_holes},
    {"toolbar: decoder jacobian", nullptr, ui_decoder_jacobian_switch},
    {"toolbar: manifold", nullptr, entry_manifold},
    {"toolbar: manifold tiles", manifold_on, entry_manifold_options},
    {"toolbar: manifold grid", manifold_on, entry_manifold_grid},
    {"toolbar: points", nullptr, nullptr, {"Points", &ViewOptions::show_points, "points"}},
    {"toolbar: colour", nullptr, entry_color},
    {"toolbar: prior", nullptr, entry_prior},
    {"toolbar: link probes", nullptr, entry_link},
    {"toolbar: interpolation", nullptr, entry_interpolation},
    {"toolbar: inside the VAE", nullptr, nullptr, {"Inside the VAE", &ViewOptions::show_kl, "inside_vae"}},
    {"toolbar: anomaly", nullptr, nullptr, {"Anomaly", &ViewOptions::show_anomaly, "anomaly"}},
    {"toolbar: anomaly score", anomaly_on, entry_anomaly_score},
    {"toolbar: denoising", nullptr, nullptr, {"Denoising", &ViewOptions::show_denoise, "denoise"}},
    {"toolbar: denoising noise", denoise_on, entry_denoise_noise},
    {"toolbar: colourise", colourise_available, nullptr, {"Colourise", &ViewOptions::show_colourise, "colourise"}},
    {"toolbar: linear probe", nullptr, nullptr, {"Linear probe", &ViewOptions::show_linear_probe, "linear_probe"}},
    {"toolbar: rate-distortion", nullptr, nullptr, {"Rate-distortion", &ViewOptions::show_rate_distortion, "rate_distortion"}},
    {"toolbar: feed it anything", nullptr, nullptr, {"Feed it anything", &ViewOptions::show_feed, "feed"}},
    {"toolbar: code units", nullptr, nullptr, {"Code units", &ViewOptions::show_units, "units"}},
    {"toolbar: sensitivity", nullptr, nullptr, {"Sensitivity", &ViewOptions::show_sensitivity, "sensitivity"}},
    {"toolbar: factors", has_factors, nullptr, {"Factors", &ViewOptions::show_factors, "factors"}},
    {"toolbar: arithmetic", nullptr, nullptr, {"Arithmetic", &ViewOptions::show_arith, "arithmetic"}},
    {"toolbar: PCA map", nullptr, nullptr, {"PCA map", &ViewOptions::show_pca, "pca_map"}},
    {"toolbar: samples", nullptr, entry_samples},
    {"toolbar: reconstructions", nullptr, entry_recon},
    {"toolbar: plane", show_plane, entry_plane},
    {"toolbar: presenter", nullptr, entry_presenter},
};
constexpr int kToolbarEntryCount = static_cast<int>(sizeof kToolbarEntries / sizeof kToolbarEntries[0]);
static_assert(kToolbarEntryCount <= kToolbarMaxEntries, "raise kToolbarMaxEntries");

//-----------------------------------------------------------------------------
// [SECTION] Flow, legend and tail
//-----------------------------------------------------------------------------

// Puts the cursor where something `width` wide goes next: on this line after `gap`, or at the
// start of the next line when it would not fit (`first`: the line is already fresh).
static void flow_next(bool first, float width, float gap) {
  if (first) return;
  ImGui::SameLine(0, gap);
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
}

// Rows the shown entries take at `width`, from the widths they took when last drawn.
static int toolbar_rows(const AppState& app, float width, float gap) {
  int rows = 1;
  float x = -gap;
  for (int i = 0; i < kToolbarEntryCount; ++i) {
    const ToolbarEntry& e = kToolbarEntries[i];
    if (e.shown && !e.shown(app)) continue;
    const float w = app.toolbar.widths[i];
    if (x > 0 && x + gap + w > width) ++rows, x = w;
    else x += gap + w;
  }
  return rows;
}

static void toolbar_entry(AppState& app, int i) {
  ImGui::BeginGroup();
  const ToolbarEntry& e = kToolbarEntries[i];
  if (e.draw) {
    e.draw(app);
  } else {
    ImGui::Checkbox(e.toggle.label, &(app.view.*e.toggle.flag));
    control_help(app, e.toggle.help_key);
  }
  ImGui::EndGroup();
  app.toolbar.widths[i] = ImGui::GetItemRectSize().x;
}

void ui_toolbar(AppState& app) {
  const float gap = 18 * app.ui_scale;
  ImGui::AlignTextToFramePadding();
  bool first = true;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  if (toolbar_rows(app, ImGui::GetContentRegionAvail().x, gap) > kToolbarMaxRows) {
    // Too many rows for the maps to keep their size (a large UI scale on a small screen): the
    // entries go into a menu, one per line.
    if (ImGui::Button("View options...")) ImGui::OpenPopup("##toolbar_menu");
    control_help(app, "view_options");
    layout_item(&app.layout, "toolbar: view options");
    if (ImGui::BeginPopup("##toolbar_menu")) {
      for (int i = 0; i < kToolbarEntryCount; ++i)
        if (!kToolbarEntries[i].shown || kToolbarEntries[i].shown(app)) toolbar_entry(app, i);
      ImGui::EndPopup();
    }
    first = false;
  } else {
    for (int i = 0; i < kToolbarEntryCount; ++i) {
      const ToolbarEntry& e = kToolbarEntries[i];
      if (e.shown && !e.shown(app)) continue;
      flow_next(first, app.toolbar.widths[i], gap);
      first = false;
      toolbar_entry(app, i);
      layout_item(&app.layout, e.name);
    }
  }
  if (app.toolbar.plant_overlap) {  // a test's deliberate overlap, drawn and reported like any label
    const ImVec2 back = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(start.x + 20 * app.ui_scale, start.y));
    ImGui::TextUnformatted("PLANTED OVERLAP");
    layout_item(&app.layout, "planted label");
    ImGui::SetCursorScreenPos(back);
  }

  // Legend: one swatch per label among the points, with its count; at most kMaxLegendLabels of
  // them, so that a file with thousands of labels cannot cover the maps.
  if (!app.data) return;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float radius = 5 * app.ui_scale;
  char name[64], count[32];
  const int labels = static_cast<int>(app.label_counts.size());
  const int shown = std::min(labels, kMaxLegendLabels);
  const float h = ImGui::GetTextLineHeight();
  for (int k = 0; k < shown; ++k) {
    const int label = app.label_counts[k].label;
    label_name(app, label, name, sizeof name);
    const float swatch = radius * 2 + 2 * app.ui_scale, inner = 4 * app.ui_scale;
    flow_next(false, swatch + inner + ImGui::CalcTextSize(name).x, k == 0 ? gap : 14 * app.ui_scale);
    ImGui::BeginGroup();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    draw->AddCircleFilled(ImVec2(pos.x + radius, pos.y + h * 0.5f), radius, label_color(label), 16);
    ImGui::Dummy(ImVec2(swatch, h));
    ImGui::SameLine(0, inner);
    ImGui::TextUnformatted(name);
    ImGui::EndGroup();
    layout_item(&app.layout, "toolbar: legend label");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s points on each map", format_count(app.label_counts[k].points, count, sizeof count));
  }
  char tail[96];
  if (labels > shown) {
    std::snprintf(tail, sizeof tail, "... and %d more labels", labels - shown);
    flow_next(false, ImGui::CalcTextSize(tail).x, 14 * app.ui_scale);
    ImGui::TextDisabled("%s", tail);
    layout_item(&app.layout, "toolbar: more labels");
  }
  if (labels == 0) {
    const char* text = "Unlabelled data: every point is grey.";
    flow_next(false, ImGui::CalcTextSize(text).x, gap);
    ImGui::TextDisabled("%s", text);
    layout_item(&app.layout, "toolbar: unlabelled");
  }
  if (app.interp.show) {  // the interpolation's verdict takes the place of the point count, on lines of its own
    ImGui::BeginGroup();
    ui_interp_summary(app);
    ImGui::EndGroup();
    layout_item(&app.layout, "toolbar: interpolation summary");
    ImGui::Spacing();
    return;
  }
  const int n = static_cast<int>(app.point_indices.size());
  const int held = std::min(n, app.data->test_count());
  char total[32], held_text[32];
  std::snprintf(tail, sizeof tail, "%s points (%s held-out)", format_count(n, total, sizeof total),
                format_count(held, held_text, sizeof held_text));
  flow_next(false, ImGui::CalcTextSize(tail).x, gap);
  ImGui::TextDisabled("%s", tail);
  layout_item(&app.layout, "toolbar: point count");
  ImGui::Spacing();
}
