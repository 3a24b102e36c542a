// The left column: Data, Model, Training and Loss panels, one function each, taking the app state.
// Settings that a running model can take (beta, noise, penalties, learning rate, batch size) go
// to the trainer at once; architecture changes (kind, sizes, activation, seed) wait for "Rebuild".
//
// Index:
//   [SECTION] Left column
//   [SECTION] Data panel
//   [SECTION] Model panel
//   [SECTION] Training panel
//   [SECTION] Loss panel: curves drawn offscreen with ImDrawList
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <imgui_internal.h>  // TempInputIsActive: is a slider being typed into (Ctrl+click)?

#include "gui_state.h"
#include <imgui_internal.h>  // the window's CursorMaxPos, for the layout recorder

namespace {
constexpr double kLossPlotSeconds = 0.2;  // a plot is redrawn on new history at most this often
const int kBatchSizes[] = {16, 32, 64, 128, 256, 512};
}  // namespace

// A small grey label on the left of a field, then the field's width: `width` (<= 0: the rest of the
// line, less -width).
static void field(const char* label, float label_w, float width) {
  ImGui::AlignTextToFramePadding();
  const float x = ImGui::GetCursorPosX();
  ImGui::TextDisabled("%s", label);
  ImGui::SameLine(x + label_w);
  ImGui::SetNextItemWidth(width > 0 ? width : ImGui::GetContentRegionAvail().x + width);
}

//-----------------------------------------------------------------------------
// [SECTION] Left column
//-----------------------------------------------------------------------------

// 380 pixels at 100% (what its panels are laid out for), never more than half the window.
float left_column_width(const AppState& app) {
  return std::round(std::min(380.0f * app.ui_scale, 0.5f * ImGui::GetIO().DisplaySize.x));
}

// A panel under its header, reported to the layout recorder as one rectangle: from where it starts
// to the farthest right any of its items reached (not a group: a group would move the panels'
// SameLine(x) positions by its offset).
static void left_panel(AppState& app, const char* name, void (*panel)(AppState&)) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float reached = ImGui::GetCurrentWindowRead()->DC.CursorMaxPos.x;
  panel(app);
  const float right = ImGui::GetCurrentWindowRead()->DC.CursorMaxPos.x;
  layout_rect(&app.layout, name, start, ImVec2(right > reached ? right : start.x + 1, ImGui::GetCursorScreenPos().y));
}

void ui_left_column(AppState& app) {
  controls_seen_begin_frame(app);
  const ImGuiIO& io = ImGui::GetIO();
  const float width = left_column_width(app);
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, io.DisplaySize.y));
  ImGui::SetNextWindowBgAlpha(0.0f);  // frame_backgrounds clears it in the theme's left_column_bg: cheaper than a quad
  ImGui::Begin("##left", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar);
  ui_menu_bar(app);
  layout_push_window(&app.layout, "left column", true);

  ui_lesson_panel(app);  // the open lesson first (gui_lessons.cpp); nothing when none is open
  ImGui::SetNextItemOpen(app.view.show_data, ImGuiCond_Always);
  app.view.show_data = ImGui::CollapsingHeader("Data");
  if (app.view.show_data) left_panel(app, "data panel", ui_data_panel);
  // The toolbar's "Arithmetic" switch shows its groups here, under the data they are drawn from.
  if (app.view.show_arith) {
    ImGui::SetNextItemOpen(true, ImGuiCond_Once);
    if (ImGui::CollapsingHeader("Latent arithmetic")) left_panel(app, "arithmetic panel", ui_arith_panel);
  }
  ImGui::SetNextItemOpen(app.view.show_model, ImGuiCond_Always);
  app.view.show_model = ImGui::CollapsingHeader("Model");
  if (app.view.show_model) left_panel(app, "model panel", ui_model_panel);
  ImGui::SetNextItemOpen(app.view.show_training, ImGuiCond_Always);
  app.view.show_training = ImGui::CollapsingHeader("Training");
  if (app.view.show_training) left_panel(app, "training panel", ui_training_panel);
  ImGui::SetNextItemOpen(app.view.show_loss, ImGuiCond_Always);
  app.view.show_loss = ImGui::CollapsingHeader("Loss");
  if (app.view.show_loss) left_panel(app, "loss panel", ui_loss_panel);
  layout_pop(&app.layout);
  ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] Data panel
//-----------------------------------------------------------------------------

static const char* base_name(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  size_t slash = path.rfind('/', end - 1);
  return path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
}

void ui_data_panel(AppState& app) {
  const Dataset& d = *app.data;
  const std::vector<std::string>& builtins = app.builtin_names;
  bool is_builtin = false;
  for (const std::string& name : builtins) is_builtin |= name == app.data_spec.source;
  const float open_w = ImGui::CalcTextSize("Open file...").x + 2 * ImGui::GetStyle().FramePadding.x;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - open_w - ImGui::GetStyle().ItemSpacing.x);
  char preview[160];
  std::snprintf(preview, sizeof preview, "%s", is_builtin ? app.data_spec.source.c_str() : base_name(app.data_spec.source));
  if (ImGui::BeginCombo("##dataset", preview)) {
    for (const std::string& name : builtins) {
      if (ImGui::Selectable(name.c_str(), name == app.data_spec.source) && name != app.data_spec.source) {
        DataSpec spec;
        spec.source = name;
        app_load_data(app, spec);
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", builtin_dataset_find(name)->description);
    }
    ImGui::EndCombo();
  }
  control_help(app, "dataset");
  ImGui::SameLine();
  if (ImGui::Button("Open file...")) file_browser_open(app, BrowseTarget::Data);
  control_help(app, "open_file");
  if (!app.data_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->error_text);
    ImGui::TextWrapped("%s", app.data_error.c_str());
    ImGui::PopStyleColor();
    ImGui::TextDisabled("The current dataset stays loaded.");
    ImGui::SameLine();
    if (ImGui::SmallButton("Dismiss")) app.data_error.clear();
    control_help(app, "dismiss_data_error");
  }

  // Summary.
  const int labels = app.label_total;
  if (d.is_image)
    ImGui::Text("%d samples, %d x %d %s", d.count, d.width, d.height, d.channels == 3 ? "colour" : "grey");
  else
    ImGui::Text("%d samples, %d features", d.count, d.features());
  ImGui::SameLine();
  if (labels > 0) ImGui::TextDisabled("%d labels, %d held out", labels, d.test_count());
  else ImGui::TextDisabled("unlabelled, %d held out", d.test_count());
  ui_data_holdout(app);  // gui_data.cpp: hold a label out of training
  // The load's warnings (skipped files, a header row, remapped labels): the first few in full, as
  // long as this dataset is loaded; all of them on hover.
  if (!d.warnings.empty()) {
    const int count = static_cast<int>(d.warnings.size());
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->warn_text);
    ImGui::BeginGroup();
    for (int i = 0; i < count && i < kMaxShownWarnings; ++i) ImGui::TextWrapped("warning: %s", d.warnings[i].c_str());
    if (count > kMaxShownWarnings) ImGui::Text("... and %d more warnings (hover)", count - kMaxShownWarnings);
    ImGui::EndGroup();
    ImGui::PopStyleColor();
    if (count > kMaxShownWarnings && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
      for (int i = 0; i < count && i < 50; ++i) ImGui::TextUnformatted(d.warnings[i].c_str());
      if (count > 50) ImGui::Text("... and %d more", count - 50);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }

  // A grid of samples; hover for the label, click to select.
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = w * app.data_grid.height / std::max(1, app.data_grid.width);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(gpu_image_id(app.data_grid), ImVec2(w, h));
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int col = std::min(kGridCols - 1, std::max(0, static_cast<int>((m.x - p0.x) / w * kGridCols)));
    const int row = std::min(kGridRows - 1, std::max(0, static_cast<int>((m.y - p0.y) / h * kGridRows)));
    const int sample = static_cast<int>(static_cast<int64_t>(row * kGridCols + col) * d.count / (kGridCols * kGridRows));
    const int label = sample < static_cast<int>(d.labels.size()) ? d.labels[sample] : -1;
    char name[64];
    ImGui::SetTooltip("sample #%d, label %s", sample, label_name(app, label, name, sizeof name));
    if (ImGui::IsItemClicked()) {
      if (!ImGui::GetIO().KeyShift) app.selected_count = 0;
      if (app.selected_count < kMaxSelected) app.selected[app.selected_count++] = sample;
      ++app.selection_serial;
    }
  }
  control_help(app, "data_grid");  // after the sample's own tooltip: adds to it
  if (app.selected_count > 0) {
    ImGui::TextDisabled("Selected:");
    for (int i = 0; i < app.selected_count; ++i) {
      ImGui::SameLine();
      const int s = app.selected[i];
      const int label = s < static_cast<int>(d.labels.size()) ? d.labels[s] : -1;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(label_color(label)));
      ImGui::Text("#%d", s);
      ImGui::PopStyleColor();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Clear")) {
      app.selected_count = 0;
      ++app.selection_serial;
    }
    control_help(app, "clear_selection");
  }
  ImGui::Spacing();
}

//-----------------------------------------------------------------------------
// [SECTION] Model panel
//-----------------------------------------------------------------------------

std::vector<ModelConfig> edit_to_configs(const ModelEdit& edit, std::string* error) {
  ModelConfig base = edit.config;
  base.hidden.clear();
  const char* s = edit.hidden;
  while (*s) {
    while (*s == ' ' || *s == ',') ++s;
    if (!*s) break;
    char* end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (end == s || v < 1 || v > 8192) {
      *error = "hidden sizes must be a comma-separated list of widths in [1, 8192], e.g. 400,200";
      return {};
    }
    base.hidden.push_back(static_cast<int>(v));
    s = end;
  }
  if (base.latent < 1 || base.latent > 64) {
    *error = "latent dimensions must be in [1, 64]";
    return {};
  }
  error->clear();
  if (edit.twin) return compare_configs(base, edit.pair);
  return {base};
}

void app_set_architecture(AppState& app, Architecture to) {
  // The hidden widths mean another thing in each: the MLP's layers, or the conv stack's one dense
  // layer. Widths still at one network's default become the other's.
  ModelEdit& e = app.edit;
  if (std::strcmp(e.hidden, default_hidden_text(e.config.arch)) == 0)
    std::snprintf(e.hidden, sizeof e.hidden, "%s", default_hidden_text(to));
  e.config.arch = to;
}

void app_rebuild_models(AppState& app) {
  std::vector<ModelConfig> configs = edit_to_configs(app.edit, &app.edit.error);
  if (!app.edit.error.empty()) return;
  // The core's one check of an architecture and of its batch budget, here on the main thread, so
  // that a refused size is a message under the button instead of a "rebuild refused" event later.
  for (ModelConfig& c : configs) {
    c = fit_to_data(c, *app.data);
    OptimizerConfig opt;
    opt.lr = app.lr;
    app.edit.error = fitted_training_problem(c, *app.data, opt, app.batch);
    if (!app.edit.error.empty()) return;
  }
  app.trainer->rebuild(std::move(configs));
  for (ModelPane& pane : app.panes) pane.latent = 0;  // resized when the new networks arrive
}

// The running models differ from the panel's architecture settings (checked every frame the
// panel is open, so it parses into a fixed array instead of allocating). Hyperparameters that
// apply on rebuild count; the live ones are already the running models'.
static bool edit_differs(const AppState& app) {
  if (!app.snap || app.snap->networks.empty()) return false;
  const ModelEdit& e = app.edit;
  int hidden[64], count = 0;
  for (const char* s = e.hidden; *s && count < 64;) {
    while (*s == ' ' || *s == ',') ++s;
    if (!*s) break;
    char* end = nullptr;
    hidden[count++] = static_cast<int>(std::strtol(s, &end, 10));
    if (end == s) return true;
    s = end;
  }
  const size_t models = e.twin ? 2 : 1;
  if (size_t(app.pca.models) != models) return true;  // (app.snap has the PCA map's network after them)
  const ComparePairInfo& pair = compare_pair_info(e.pair);
  for (size_t i = 0; i < models; ++i) {
    const ModelConfig& have = app.snap->networks[i].config;
    const ModelKind want_kind = e.twin ? pair.kinds[i] : e.config.kind;
    const CompareShape shape = e.twin ? pair.shapes[i] : CompareShape::Same;  // compare_configs' shape
    const bool reshaped = shape != CompareShape::Same;
    const int want_count = reshaped ? 0 : count, want_latent = compare_shape_latent(shape, e.config.latent);
    if (have.kind != want_kind || have.arch != e.config.arch || static_cast<int>(have.hidden.size()) != want_count ||
        have.latent != want_latent ||
        have.activation != e.config.activation || have.seed != e.config.seed)
      return true;
    for (int k = 0; k < want_count; ++k)
      if (have.hidden[k] != hidden[k]) return true;
    for (Hyperparam h : model_kind_info(have.kind).hyperparams)
      if (!hyperparam_info(h).live && hyperparam_applies(have, h) && hyperparam_get(have, h) != hyperparam_get(e.config, h))
        return true;
  }
  return false;
}

// A refused setting's message is about the values it was refused for: once one of them is edited,
// the message says what is wrong with the values now, or goes away when nothing is.
static void edit_changed(AppState& app) {
  ModelEdit& e = app.edit;
  if (e.error.empty()) return;
  std::vector<ModelConfig> configs = edit_to_configs(e, &e.error);
  for (ModelConfig& c : configs) {
    if (!e.error.empty()) break;
    e.error = model_config_problem(fit_to_data(c, *app.data));
  }
}

// A row's tooltip in the kind picker: what the kind is for and its loss, from the kinds table.
static void kind_row_tooltip(int row) {
  const ModelKindInfo& k = model_kind_info(static_cast<ModelKind>(row));
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
  ImGui::TextUnformatted(k.about);
  ImGui::Spacing();
  ImGui::Text("loss = %s", k.loss_symbols);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

// The title's text, the frame's padding on both sides, and the arrow button (a square as tall as the frame).
float choice_combo_width(const ChoiceList& list) {
  const char* widest = list.rows[0].title;
  float widest_x = 0;
  for (const Choice& row : list.rows) {
    const float x = ImGui::CalcTextSize(row.title).x;
    if (x > widest_x) widest = row.title, widest_x = x;
  }
  return combo_width(widest);
}

float combo_width(const char* widest) {
  return ImGui::CalcTextSize(widest).x + 2 * ImGui::GetStyle().FramePadding.x + ImGui::GetFrameHeight();
}

bool choice_combo(AppState& app, const char* id, const char* help_key, int* value, const ChoiceList& list,
                  void (*row_tooltip)(int)) {
  bool changed = false;
  const int current = std::clamp(*value, 0, list.count() - 1);
  if (ImGui::BeginCombo(id, list.rows[static_cast<size_t>(current)].title)) {
    for (int i = 0; i < list.count(); ++i) {
      const Choice& row = list.rows[static_cast<size_t>(i)];
      if (ImGui::Selectable(row.title, i == current) && i != current) {
        *value = i;
        changed = true;
      }
      if (ImGui::IsItemHovered()) {
        if (row_tooltip) row_tooltip(i);
        else ImGui::SetTooltip("%s", row.description);
      }
    }
    ImGui::EndCombo();
  }
  control_help(app, help_key);
  return changed;
}

// One hyperparameter's control, drawn from its row of the table: a combo for a choice, a number
// field for an integer, a slider (logarithmic where the row says) otherwise. A live one goes to
// the trainer at once; the others mark the panel as edited, for Rebuild. Returns that mark.
static bool hyperparam_control(AppState& app, Hyperparam id, float label_w, float width) {
  const HyperparamInfo& h = hyperparam_info(id);
  ModelConfig& c = app.edit.config;
  char widget[48];
  std::snprintf(widget, sizeof widget, "##%s", h.key);
  field(h.label, label_w, width);
  bool changed = false;
  double value = hyperparam_get(c, id);
  switch (h.type) {
    case HyperparamType::Choice: {
      int v = static_cast<int>(value);
      changed = choice_combo(app, widget, h.key, &v, *h.choices);
      value = v;
      break;
    }
    case HyperparamType::Integer: {
      int v = static_cast<int>(value);
      changed = ImGui::InputInt(widget, &v, 0);
      control_help(app, h.key);
      value = std::clamp(static_cast<double>(v), h.min, h.max);
      break;
    }
    case HyperparamType::Real: {
      // Sliders clamp what is typed into them (Ctrl+click) to their span, so a value the trainer
      // would refuse never leaves the panel.
      float v = static_cast<float>(value);
      const ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp | (h.log_slider ? ImGuiSliderFlags_Logarithmic : 0);
      changed = ImGui::SliderFloat(widget, &v, static_cast<float>(h.slider_min), static_cast<float>(h.slider_max),
                                   h.format, flags);
      control_help(app, h.key);
      value = v;
      break;
    }
  }
  if (!changed) return false;
  hyperparam_set(c, id, value);
  if (!h.live) return true;
  app.trainer->set_hyperparameter(id, value);
  return false;
}

// What the running models are, one block each from the kinds table: the title, what the kind is
// for, its loss as a formula with each term's latest training value, and the measured wall time of
// one of its training steps (the trainer's, on this machine), against the first model's.
static void running_kinds_summary(AppState& app) {
  if (!app.snap || app.snap->networks.empty()) return;
  const Snapshot& snap = *app.snap;
  const bool open = ImGui::TreeNode("What these models are");  // closed: the Training panel stays in view
  control_help(app, "kinds_summary");
  if (!open) return;
  const size_t models = std::min<size_t>(snap.history.size(), kMaxPanes);  // the trained ones, not the PCA map
  for (size_t i = 0; i < models; ++i) {
    const ModelConfig& c = snap.networks[i].config;
    const ModelKindInfo& k = model_kind_info(c.kind);
    ImGui::Text("%s, code of %d", k.choice.title, c.latent);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", k.about);
    ImGui::TextWrapped("loss = %s", k.loss_symbols);
    ImGui::PopTextWrapPos();
    const std::vector<LossPoint>& train = snap.history[i].train;
    if (!train.empty()) {
      const LossParts& p = train.back().parts;
      if (!k.penalty)
        ImGui::Text("   = %.2f", p.recon);
      else if (k.variational)  // the penalty is the unweighted KL; the loss adds beta times it
        ImGui::Text("   = %.2f + %.2f x %.3g = %.2f  (recon, beta x KL)", p.recon, c.beta, p.penalty, p.total);
      else
        ImGui::Text("   = %.2f + %.3g = %.2f  (recon, %s)", p.recon, p.penalty, p.total, k.penalty);
      if (k.critic && i < snap.critic.size() && !snap.critic[i].alpha.empty()) {
        const CriticReadout& r = snap.critic[i];
        double guess = 0, alpha = 0;
        for (size_t j = 0; j < r.alpha.size(); ++j) guess += r.guess[j], alpha += r.alpha[j];
        ImGui::Text("   the critic's own loss %.4f; its mean guess of alpha %.3f (true %.3f), on real blends %.3f",
                    p.critic, guess / r.alpha.size(), alpha / r.alpha.size(), r.real_guess);
      }
    }
    if (i < snap.step_ms.size() && snap.step_ms[i] > 0) {
      if (i > 0 && snap.step_ms[0] > 0)
        ImGui::Text("   %.2f ms per training step, %.1fx the first model's", snap.step_ms[i],
                    snap.step_ms[i] / snap.step_ms[0]);
      else
        ImGui::Text("   %.2f ms per training step", snap.step_ms[i]);
    }
  }
  ImGui::TreePop();
}

void ui_model_panel(AppState& app) {
  ModelEdit& e = app.edit;
  const float s = app.ui_scale;
  const float label_w = 78 * s, half = 0.5f * (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x);
  const ImGuiSliderFlags clamp = ImGuiSliderFlags_AlwaysClamp;
  bool edited = false;  // an architecture setting changed this frame
  int mode = e.twin ? 0 : 1;
  edited |= ImGui::RadioButton("Compare two models", &mode, 0);
  control_help(app, "mode_twin");
  ImGui::SameLine();
  edited |= ImGui::RadioButton("One model", &mode, 1);
  control_help(app, "mode_single");
  e.twin = mode == 0;
  if (e.twin) {
    field("Pair", label_w, 0);
    int pair = static_cast<int>(e.pair);
    if (choice_combo(app, "##pair", "pair", &pair, choice_list<ComparePair>())) {
      e.pair = static_cast<ComparePair>(pair);
      edited = true;
    }
  } else {
    field("Type", label_w, 0);
    int kind = static_cast<int>(e.config.kind);
    if (choice_combo(app, "##kind", "kind", &kind, choice_list<ModelKind>(), kind_row_tooltip)) {
      e.config.kind = static_cast<ModelKind>(kind);
      edited = true;
    }
  }
  field("Network", label_w, 0);
  int arch = static_cast<int>(e.config.arch);
  if (choice_combo(app, "##arch", "arch", &arch, choice_list<Architecture>())) {
    app_set_architecture(app, static_cast<Architecture>(arch));
    edited = true;
  }
  field("Hidden", label_w, half - label_w);
  edited |= ImGui::InputTextWithHint("##hidden", "e.g. 400,200", e.hidden, sizeof e.hidden, ImGuiInputTextFlags_CharsNoBlank);
  control_help(app, "hidden");
  ImGui::SameLine();
  field("Latent", 62 * s, 0);
  edited |= ImGui::SliderInt("##latent", &e.config.latent, 1, 16, "%d dims", clamp);
  control_help(app, "latent");
  // As wide as its longest title, when that is more than half the line (the seed field takes the rest).
  field("Activation", label_w, std::max(half - label_w, choice_combo_width(choice_list<Activation>())));
  int activation = static_cast<int>(e.config.activation);
  if (choice_combo(app, "##activation", "activation", &activation, choice_list<Activation>())) {
    e.config.activation = static_cast<Activation>(activation);
    edited = true;
  }
  ImGui::SameLine();
  field("Seed", 62 * s, 0);
  int seed = static_cast<int>(e.config.seed);
  if (ImGui::InputInt("##seed", &seed, 0)) {
    e.config.seed = static_cast<uint64_t>(std::max(0, seed));
    edited = true;
  }
  control_help(app, "seed");

  // The kind's own settings, from its row of the table, two to a line (the first of a pair gets
  // the wide label column, the second a narrow one), except a choice whose longest title does not
  // fit half a line: it takes a line of its own. In compare mode, the right-hand model's.
  const ModelKindInfo& kind = model_kind_info(e.twin ? compare_pair_info(e.pair).kinds[1] : e.config.kind);
  Hyperparam shown[kHyperparamCount];
  int count = 0;
  for (Hyperparam id : kind.hyperparams)
    if (hyperparam_applies(e.config, id)) shown[count++] = id;
  const float second_label_w = 62 * s;
  auto fits = [&](Hyperparam id, float width) {
    const HyperparamInfo& h = hyperparam_info(id);
    return h.type != HyperparamType::Choice || choice_combo_width(*h.choices) <= width;
  };
  bool second = false;  // the next control is the second of a pair
  for (int i = 0; i < count; ++i) {
    if (second) ImGui::SameLine();
    const bool pair = !second && i + 1 < count && fits(shown[i], half - label_w) &&
                      fits(shown[i + 1], half - second_label_w);  // the rest of the line
    edited |= hyperparam_control(app, shown[i], second ? second_label_w : label_w, pair ? half - label_w : 0);
    second = pair;
  }
  if (edited) edit_changed(app);

  const bool dirty = edit_differs(app);
  if (dirty) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.26f, 0.40f, 0.75f, 1.0f));
  if (ImGui::Button(dirty ? "Rebuild models (settings changed)" : "Rebuild models", ImVec2(-FLT_MIN, 0)))
    app_rebuild_models(app);
  if (dirty) ImGui::PopStyleColor();
  control_help(app, "rebuild");
  if (ImGui::IsItemHovered() && app.snap) {  // adds to the tooltip: what the models weigh now
    ImGui::BeginTooltip();
    for (size_t i = 0; i < size_t(app.pca.models) && i < kMaxPanes; ++i)
      ImGui::TextDisabled("%s: %zu parameters", model_kind_name(app.snap->networks[i].config.kind),
                          app.snap->networks[i].parameter_count());
    ImGui::EndTooltip();
  }
  if (!e.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->error_text);
    ImGui::TextWrapped("%s", e.error.c_str());
    ImGui::PopStyleColor();
  }
  running_kinds_summary(app);
}

//-----------------------------------------------------------------------------
// [SECTION] Training panel
//-----------------------------------------------------------------------------

void training_set_rate(AppState& app, float lr) {
  if (!(lr > 0) || !std::isfinite(lr)) return;  // the field clamps; a script or a future caller might not
  app.lr = app.lr_field = lr;
  app.trainer->set_learning_rate(lr);
}

// The overfitting lesson's setting (README, "What each kind is for"): 100 training digits of 400, a
// 1024-wide hidden layer and a 64-unit code, small batches: the training loss keeps falling while the
// held-out loss turns up after a few dozen epochs; early stopping keeps the best held-out weights.
struct OverfitPreset {
  int count = 400, train = 100;
  const char* hidden = "1024";
  int latent = kWideCodeLatent;
  int batch = 32;
  int patience = 4;
};

void training_set_early_stop(AppState& app, bool on, int patience) {
  app.early_stop = on;
  app.early_stop_patience = std::max(1, patience);
  app.trainer->set_early_stop(on ? app.early_stop_patience : 0);
}

void training_overfit_preset(AppState& app) {
  const OverfitPreset preset;
  DataSpec spec;  // the built-in digits
  spec.count = preset.count;
  spec.train_count = preset.train;
  std::snprintf(app.edit.hidden, sizeof app.edit.hidden, "%s", preset.hidden);
  app.edit.config.latent = preset.latent;
  if (!app_load_data(app, spec)) return;
  app_rebuild_models(app);
  app.batch = preset.batch;
  app.trainer->set_batch_size(app.batch);
  training_set_early_stop(app, true, preset.patience);
}

void ui_training_panel(AppState& app) {
  Trainer& t = *app.trainer;
  const bool running = app.snap && app.snap->running;
  const float w = ImGui::GetContentRegionAvail().x;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  if (running) {
    if (ImGui::Button("Pause", ImVec2(w * 0.34f, 0))) t.pause();
    control_help(app, "pause");
  } else {
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.50f, 0.32f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.25f, 0.60f, 0.38f, 1.0f));
    if (ImGui::Button("Train", ImVec2(w * 0.34f, 0))) t.start();
    ImGui::PopStyleColor(2);
    control_help(app, "train");
  }
  ImGui::SameLine();
  if (running) ImGui::BeginDisabled();
  char label[32];
  std::snprintf(label, sizeof label, "Step %d", app.step_count);
  if (ImGui::Button(label, ImVec2(w * 0.33f - spacing, 0))) t.step(app.step_count);
  control_help(app, "step");
  if (ImGui::BeginPopupContextItem("steps")) {
    for (int n : {1, 10, 100, 1000}) {
      char item[16];
      std::snprintf(item, sizeof item, "%d", n);
      if (ImGui::MenuItem(item, nullptr, app.step_count == n)) app.step_count = n;
    }
    ImGui::EndPopup();
  }
  if (running) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(-FLT_MIN, 0))) t.reset();
  control_help(app, "reset");

  const float label_w = 78 * app.ui_scale;
  const float half = 0.5f * (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x);
  field("Rate", label_w, half - label_w);
  // Dragging applies the rate at once; a typed rate (Ctrl+click) when the field is left, so that the
  // keystrokes on the way ("0", "0.") never reach the trainer and every message is about the rate
  // that is in use. The field shows app.lr whenever it is not being edited.
  if (ImGui::GetActiveID() != ImGui::GetID("##lr")) app.lr_field = app.lr;
  const bool rate_moved = ImGui::SliderFloat("##lr", &app.lr_field, 1e-5f, 1e-1f, "%.0e",
                                             ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  const bool typing = ImGui::TempInputIsActive(ImGui::GetItemID());
  if ((rate_moved && !typing) || ImGui::IsItemDeactivatedAfterEdit()) training_set_rate(app, app.lr_field);
  control_help(app, "rate");
  ImGui::SameLine();
  field("Batch", 62 * app.ui_scale, 0);
  int batch_index = 3;
  for (int i = 0; i < IM_ARRAYSIZE(kBatchSizes); ++i)
    if (kBatchSizes[i] == app.batch) batch_index = i;
  char batch_text[16];
  std::snprintf(batch_text, sizeof batch_text, "%d", app.batch);
  if (ImGui::BeginCombo("##batch", batch_text)) {
    for (int i = 0; i < IM_ARRAYSIZE(kBatchSizes); ++i) {
      std::snprintf(batch_text, sizeof batch_text, "%d", kBatchSizes[i]);
      // A batch larger than the training set would be refused, and the field would name a size not in use.
      const ImGuiSelectableFlags too_large = kBatchSizes[i] > app.data->train_count ? ImGuiSelectableFlags_Disabled : 0;
      if (ImGui::Selectable(batch_text, i == batch_index, too_large)) {
        app.batch = kBatchSizes[i];
        t.set_batch_size(app.batch);
      }
    }
    ImGui::EndCombo();
  }
  control_help(app, "batch");

  // Early stopping: the switch, its patience, the overfitting preset; the best step is marked on the loss plot.
  bool early = app.early_stop;
  if (ImGui::Checkbox("Early stopping", &early)) training_set_early_stop(app, early, app.early_stop_patience);
  control_help(app, "early_stop");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(40 * app.ui_scale, 0.45f * ImGui::GetContentRegionAvail().x));
  int patience = app.early_stop_patience;
  if (ImGui::SliderInt("##patience", &patience, 1, 20, "patience %d")) training_set_early_stop(app, app.early_stop, patience);
  control_help(app, "early_stop_patience");
  if (ImGui::Button("Overfitting preset")) training_overfit_preset(app);
  control_help(app, "overfit_preset");

  if (!app.snap) return;
  const Snapshot& s = *app.snap;
  ImGui::Text("step %lld", static_cast<long long>(s.step));
  ImGui::SameLine();
  if (running) ImGui::TextDisabled("epoch %d, %.0f samples/s per model", s.epoch, s.samples_per_sec);
  else ImGui::TextDisabled("epoch %d, paused", s.epoch);
  // Against the rate the same snapshot was trained with (not app.lr): a rate just set and not yet
  // taken would otherwise read "lowered" for a moment.
  for (size_t i = 0; i < s.learning_rates.size(); ++i)
    if (s.learning_rates[i] < s.learning_rate * (1 - 1e-3f)) {
      ImGui::PushStyleColor(ImGuiCol_Text, app.theme->warn_text);
      ImGui::Text("%s: learning rate lowered to %.1e", model_kind_name(s.networks[i].config.kind), s.learning_rates[i]);
      ImGui::PopStyleColor();
    }
  // Each model's best held-out step: the weights early stopping keeps (a marker on its loss plot).
  for (size_t i = 0; i < s.best_step.size() && i < s.networks.size(); ++i)
    if (s.best_step[i] > 0)
      ImGui::TextDisabled("%s: best held-out at step %lld%s", model_kind_name(s.networks[i].config.kind),
                          static_cast<long long>(s.best_step[i]), s.early_stopped ? ", kept (stopped early)" : "");
  const size_t shown = std::min<size_t>(kEventsShown, s.events.size());
  for (size_t i = s.events.size() - shown; i < s.events.size(); ++i) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->warn_text);
    ImGui::TextWrapped("step %lld: %s", static_cast<long long>(s.events[i].step), s.events[i].message.c_str());
    ImGui::PopStyleColor();
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Loss panel: curves drawn offscreen with ImDrawList
//-----------------------------------------------------------------------------

struct PlotFrame {
  ImVec2 min, max;
  double x0, x1, y0, y1;  // data bounds (y in log10 when log)
  bool log;
  ImVec2 at(double x, double y) const {
    const double yy = log ? std::log10(std::max(y, 1e-30)) : y;
    return ImVec2(static_cast<float>(min.x + (x - x0) / (x1 - x0) * (max.x - min.x)),
                  static_cast<float>(max.y - (yy - y0) / (y1 - y0) * (max.y - min.y)));
  }
};

constexpr int kSeriesCritic = 3;  // ACAI's critic loss L_d: drawn on its own scale (plot_critic)

static double series_value(const LossPoint& p, int series) {
  return series == 0 ? p.parts.total : series == 1 ? p.parts.recon : series == 2 ? p.parts.penalty : p.parts.critic;
}

// Training points as a line (at most about one vertex per pixel), held-out points as dots.
static void plot_series(ImDrawList* draw, const PlotFrame& f, const std::vector<LossPoint>& train,
                        const std::vector<LossPoint>& test, int series, ImU32 color, ImU32 fill, float scale) {
  const int n = static_cast<int>(train.size());
  const int stride = std::max(1, n / std::max(1, static_cast<int>(f.max.x - f.min.x)));
  for (int i = 0; i < n; i += stride) {
    const double v = series_value(train[i], series);
    if (f.log && v <= 0) continue;
    draw->PathLineTo(f.at(static_cast<double>(train[i].step), v));
  }
  draw->PathStroke(color, 0, 1.5f * scale);
  for (const LossPoint& p : test) {
    const double v = series_value(p, series);
    if (f.log && v <= 0) continue;
    const ImVec2 c = f.at(static_cast<double>(p.step), v);
    draw->AddCircleFilled(c, 3.2f * scale, fill, 12);
    draw->AddCircle(c, 3.2f * scale, color, 12, 1.5f * scale);
  }
}

// The plot's frame (data bounds) from the history; false when there is nothing to draw yet.
static bool plot_frame(const ModelHistory& h, int series_count, bool log, ImVec2 p0, ImVec2 size, float s,
                       PlotFrame* f) {
  const float axis_w = 44 * s;
  f->min = ImVec2(p0.x + axis_w, p0.y + 8 * s);
  f->max = ImVec2(p0.x + size.x - 8 * s, p0.y + size.y - 8 * s);
  f->log = log;
  f->x0 = 0;
  f->x1 = 1;
  double lo = 1e300, hi = -1e300;
  for (const std::vector<LossPoint>* v : {&h.train, &h.test})
    for (const LossPoint& pt : *v) {
      f->x1 = std::max(f->x1, static_cast<double>(pt.step));
      for (int k = 0; k < series_count; ++k) {
        const double y = series_value(pt, k);
        if (log && y <= 0) continue;
        const double yy = log ? std::log10(y) : y;
        lo = std::min(lo, yy);
        hi = std::max(hi, yy);
      }
    }
  if (lo > hi) return false;
  if (!log) lo = std::min(lo, 0.0);
  const double pad = std::max(1e-6, (hi - lo) * 0.06);
  f->y0 = lo - (log ? pad : 0);
  f->y1 = hi + pad;
  return true;
}

// ACAI's critic loss L_d (a squared error on alpha in [0, 0.5], hundredths, where the autoencoder's
// loss is in nats) on its own scale over the plot's height, named bottom left in its colour: log
// from its smallest to its largest value when the plot is log, else linear from 0 to its 98th
// percentile (the first steps' spike would flatten the rest; the clip cuts it).
static void plot_critic(ImDrawList* draw, const PlotFrame& f, const ModelHistory& h, const Theme& theme, ImU32 plate,
                        float s) {
  std::vector<double> v;
  for (const std::vector<LossPoint>* list : {&h.train, &h.test})
    for (const LossPoint& pt : *list)
      if (std::isfinite(pt.parts.critic) && pt.parts.critic > 0) v.push_back(pt.parts.critic);
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  PlotFrame own = f;
  char text[64];
  if (f.log) {
    const double lo = std::log10(v.front()), hi = std::log10(v.back()), pad = std::max(1e-6, (hi - lo) * 0.06);
    own.y0 = lo - pad;
    own.y1 = hi + pad;
    std::snprintf(text, sizeof text, "critic %.2g - %.2g", v.front(), v.back());
  } else {
    const double hi = v[std::min(v.size() - 1, v.size() * 98 / 100)];
    own.y0 = 0;
    own.y1 = hi * 1.06;
    std::snprintf(text, sizeof text, "critic 0 - %.2g", hi);
  }
  plot_series(draw, own, h.train, h.test, kSeriesCritic, theme.series_critic, theme.map_background, s);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 tp(f.min.x + 4 * s, f.max.y - ts.y - 2 * s);
  draw->AddRectFilled(ImVec2(tp.x - 3 * s, tp.y - 1 * s), ImVec2(tp.x + ts.x + 3 * s, tp.y + ts.y + 1 * s), plate, 3);
  draw->AddText(tp, theme.series_critic, text);
}

// Everything but the hover: background, grid, series, step count and title, into `draw`.
static void plot_build(AppState& app, int p, ImDrawList* draw, ImVec2 p0, ImVec2 size, bool has_frame,
                       const PlotFrame& f) {
  const ModelHistory& h = app.snap->history[p];
  const bool has_penalty = model_kind_info(app.panes[p].kind).penalty != nullptr;
  const float s = app.ui_scale;
  const Theme& theme = *app.theme;
  const ImU32 plate = (theme.map_background & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 220);  // under text over the curves
  draw->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), theme.map_background, 4);
  if (!has_frame) {
    draw->AddText(ImVec2(f.min.x + 8 * s, f.min.y + 8 * s), theme.caption, "no steps yet");
    return;
  }
  // Horizontal grid: decades on a log scale, 4 divisions otherwise.
  char text[32];
  draw->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
  if (f.log) {
    for (double e = std::floor(f.y0); e <= f.y1; e += 1) {
      const bool wide = f.y1 - f.y0 > 2.5;  // many decades: label only the powers of ten
      for (int m : {1, 2, 5}) {
        if (wide && m != 1) continue;
        const double yy = e + std::log10(static_cast<double>(m));
        if (yy < f.y0 || yy > f.y1) continue;
        const float y = static_cast<float>(f.max.y - (yy - f.y0) / (f.y1 - f.y0) * (f.max.y - f.min.y));
        draw->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), m == 1 ? theme.grid_axis : theme.grid_minor);
        std::snprintf(text, sizeof text, "%g", m * std::pow(10.0, e));
        draw->AddText(ImVec2(p0.x + 6 * s, y - ImGui::GetTextLineHeight() * 0.5f), theme.tick_text, text);
      }
    }
  } else {
    for (int k = 0; k <= 4; ++k) {
      const double yy = f.y0 + (f.y1 - f.y0) * k / 4;
      const float y = static_cast<float>(f.max.y - (yy - f.y0) / (f.y1 - f.y0) * (f.max.y - f.min.y));
      draw->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), theme.grid_minor);
      std::snprintf(text, sizeof text, "%.0f", yy);
      draw->AddText(ImVec2(p0.x + 6 * s, y - ImGui::GetTextLineHeight() * 0.5f), theme.tick_text, text);
    }
  }
  if (has_penalty) plot_series(draw, f, h.train, h.test, 2, theme.series_penalty, theme.map_background, s);
  plot_series(draw, f, h.train, h.test, 1, theme.series_recon, theme.map_background, s);
  plot_series(draw, f, h.train, h.test, 0, theme.series_total, theme.map_background, s);
  if (model_kind_info(app.panes[p].kind).critic) plot_critic(draw, f, h, theme, plate, s);
  // The best held-out step (early stopping's weights): a dashed line in the held-out colour.
  if (p < static_cast<int>(app.snap->best_step.size()) && app.snap->best_step[p] > 0) {
    const float x = static_cast<float>(f.min.x + (app.snap->best_step[p] - f.x0) / (f.x1 - f.x0) * (f.max.x - f.min.x));
    const float dash = 5 * s;
    for (float y = f.min.y; y < f.max.y; y += 2 * dash)
      draw->AddLine(ImVec2(x, y), ImVec2(x, std::min(f.max.y, y + dash)), theme.series_heldout, 1.5f * s);
    const char* mark = app.snap->early_stopped ? "kept" : "best";
    const ImVec2 ms = ImGui::CalcTextSize(mark);
    // Under the model's name (top right), where the line meets the plot's top.
    const float mx = std::min(x + 3 * s, f.max.x - ms.x), my = f.min.y + ms.y + 6 * s;
    draw->AddRectFilled(ImVec2(mx - 2 * s, my), ImVec2(mx + ms.x + 2 * s, my + ms.y), plate, 3);
    draw->AddText(ImVec2(mx, my), theme.series_heldout, mark);
  }
  std::snprintf(text, sizeof text, "step %.0f", f.x1);
  const ImVec2 step_size = ImGui::CalcTextSize(text);
  const ImVec2 step_pos(f.max.x - step_size.x, f.max.y - step_size.y);
  draw->AddRectFilled(ImVec2(step_pos.x - 4 * s, step_pos.y), ImVec2(f.max.x + 4 * s, f.max.y + 4 * s), plate, 3);
  draw->AddText(step_pos, theme.tick_text, text);
  draw->PopClipRect();
  // The model's name, top right, in its accent colour over a dark plate.
  const char* title = pane_title(app.panes[p]);
  const ImVec2 ts = ImGui::CalcTextSize(title);
  const ImVec2 tp(f.max.x - ts.x - 4 * s, p0.y + 5 * s);
  draw->AddRectFilled(ImVec2(tp.x - 4 * s, tp.y - 1 * s), ImVec2(tp.x + ts.x + 4 * s, tp.y + ts.y + 1 * s), plate, 3);
  draw->AddText(tp, pane_accent(p), title);
}

// The plot is drawn into its own draw list and rendered offscreen (loss_plots_render) when its
// size, scale or kind changes at once, and on new history at most every kLossPlotSeconds, one plot
// per frame; every frame shows that drawing as one opaque image, with the hover on top.
static void plot_losses(AppState& app, int p, ImVec2 size) {
  const ModelHistory& h = app.snap->history[p];
  const ModelKind kind = app.panes[p].kind;
  const char* penalty = model_kind_info(kind).penalty;  // nullptr: the kind's loss has no second term
  const bool has_penalty = penalty != nullptr;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  // Whole framebuffer pixels, so that the image is a 1:1 copy.
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const int width = std::max(1, static_cast<int>(std::floor(size.x * fb.x)));
  const int height = std::max(1, static_cast<int>(std::floor(size.y * fb.y)));
  size = ImVec2(width / fb.x, height / fb.y);
  ImGui::Dummy(size);
  const bool hovered = ImGui::IsItemHovered();

  PlotFrame f;
  const bool has_frame = plot_frame(h, has_penalty ? 3 : 2, app.view.log_scale, p0, size, s, &f);
  LossPlot& plot = app.loss_plots[p];
  if (!plot.list) plot.list = std::make_unique<ImDrawList>(ImGui::GetDrawListSharedData());
  const bool reshaped = plot.version == 0 || plot.width != width || plot.height != height ||
                        plot.log != f.log || plot.scale != s || plot.kind != kind;
  const bool stale = plot.version != app.snap->version && app.now - plot.time >= kLossPlotSeconds &&
                     app.loss_plot_frame != app.frame;
  if (reshaped || stale) {
    ImDrawList* list = plot.list.get();
    list->_ResetForNewFrame();
    // A long history can pass 65,536 vertices: let ImGui start new vertex ranges (the OpenGL3
    // backend supports it) instead of wrapping its 16-bit indices.
    list->Flags |= ImDrawListFlags_AllowVtxOffset;
    list->PushTextureID(ImGui::GetIO().Fonts->TexID);
    list->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y));
    plot_build(app, p, list, p0, size, has_frame, f);
    list->PopClipRect();
    list->PopTextureID();
    plot.origin = p0;
    plot.width = width;
    plot.height = height;
    plot.log = f.log;
    plot.scale = s;
    plot.kind = kind;
    plot.version = app.snap->version;
    plot.time = app.now;
    plot.pending = true;
    app.loss_plot_frame = app.frame;
  }
  if (plot.target.texture) draw_target_opaque(draw, plot.target.texture, p0, ImVec2(p0.x + size.x, p0.y + size.y));

  // Hover: the nearest training point's values.
  if (hovered && has_frame && !h.train.empty()) {
    const float mx = ImGui::GetIO().MousePos.x;
    const double step = f.x0 + (mx - f.min.x) / (f.max.x - f.min.x) * (f.x1 - f.x0);
    auto it = std::lower_bound(h.train.begin(), h.train.end(), step,
                               [](const LossPoint& a, double v) { return static_cast<double>(a.step) < v; });
    if (it == h.train.end()) --it;
    const ImVec2 c = f.at(static_cast<double>(it->step), it->parts.total);
    draw->AddLine(ImVec2(c.x, f.min.y), ImVec2(c.x, f.max.y), app.theme->grid_axis);
    ImGui::BeginTooltip();
    ImGui::Text("step %lld (epoch %.2f)", static_cast<long long>(it->step), it->epoch);
    ImGui::Text("total %.2f   recon %.2f", it->parts.total, it->parts.recon);
    if (has_penalty) ImGui::Text("%s %.3f", penalty, it->parts.penalty);
    if (model_kind_info(kind).critic) ImGui::Text("critic's loss %.4f", it->parts.critic);
    ImGui::EndTooltip();
  }
}

// A legend swatch: a short line (training) or a ring (held-out) and a name.
static void legend_item(ImU32 color, const char* name, bool ring, float s) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float y = pos.y + ImGui::GetTextLineHeight() * 0.5f;
  if (ring) {
    draw->AddCircle(ImVec2(pos.x + 7 * s, y), 3.2f * s, color, 12, 1.5f * s);
  } else {
    draw->AddLine(ImVec2(pos.x, y), ImVec2(pos.x + 14 * s, y), color, 2 * s);
  }
  ImGui::Dummy(ImVec2(16 * s, ImGui::GetTextLineHeight()));
  ImGui::SameLine(0, 3 * s);
  ImGui::TextUnformatted(name);
}

void ui_loss_panel(AppState& app) {
  if (!app.snap) return;
  const float s = app.ui_scale;
  bool any_vae = false;  // ACAI's critic curve is named inside its plot (plot_critic): the row is full
  for (int p = 0; p < app.pane_count; ++p) any_vae |= model_kind_info(app.panes[p].kind).variational;
  legend_item(app.theme->series_total, "total", false, s);
  ImGui::SameLine(0, 10 * s);
  legend_item(app.theme->series_recon, "recon", false, s);
  ImGui::SameLine(0, 10 * s);
  legend_item(app.theme->series_penalty, any_vae ? "KL / penalty" : "penalty", false, s);
  ImGui::SameLine(0, 10 * s);
  legend_item(app.theme->series_heldout, "held-out", true, s);
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize("log").x - ImGui::GetFrameHeight() -
                  ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::Checkbox("log", &app.view.log_scale);
  control_help(app, "log_scale");
  const int n = std::min(app.pane_count, static_cast<int>(app.snap->history.size()));
  const float avail_h = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().WindowPadding.y;
  const float gap = ImGui::GetStyle().ItemSpacing.y;
  const float plot_h = std::max(80 * s, std::min(220 * s, (avail_h - (n - 1) * gap) / std::max(1, n)));
  for (int p = 0; p < n; ++p) plot_losses(app, p, ImVec2(ImGui::GetContentRegionAvail().x, plot_h));
}

void loss_plots_render(AppState& app) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  const float* bg = app.theme->left_column_bg;
  const float background[4] = {bg[0], bg[1], bg[2], 1.0f};
  for (LossPlot& plot : app.loss_plots) {
    if (!plot.pending) continue;
    map_target_resize(&plot.target, plot.width, plot.height);
    map_target_render_list(&plot.target, plot.list.get(), plot.origin, fb, background);
    plot.pending = false;
  }
}

void loss_plots_free(AppState& app) {
  for (LossPlot& plot : app.loss_plots) {
    map_target_free(&plot.target);
    plot.list.reset();
  }
}
