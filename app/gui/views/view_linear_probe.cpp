// The linear probe, in the row under each map (toolbar: "Linear probe"): how much of the labels a
// linear classifier can read off this model's code, beside the raw pixels and PCA to the same number
// of dimensions (core/measure/reduction.h: a softmax classifier trained on the frozen training split's
// features, accuracy on the held-out split, with the 5-NN accuracy beside it; the same code as
// `latentlab train --json`'s linear_probe_accuracy and `latentlab reduce`). It is measured when asked
// (the row's button), never every frame: a probe on the raw pixels trains a classifier on every
// training sample and takes seconds, so the measurement runs on a worker thread of its own with a
// copy of the newest weights, and the row shows the last result with the training step it was taken at.
// The worker touches only what it was handed (view_job.h: the data, shared and immutable, and its
// copy of the network); the UI reads its results once the worker is done.
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

#include "gui_help.h"
#include "gui_state.h"
#include "measure/reduction.h"

//-----------------------------------------------------------------------------
// [SECTION] The worker
//-----------------------------------------------------------------------------

namespace {

// The three rows, cheapest first, so a cancel (the app closing) waits for one stage at most.
void probe_run(const Dataset& data, const Network& net, LinearProbeResult& r, const std::atomic<bool>& cancel) {
  const ReductionFigures model = reduction_figures_network(net, data);
  r.model = model.linear_probe_accuracy, r.model_knn = model.knn_accuracy;
  if (!cancel) {
    const ReductionFigures pca = reduction_figures_pca(pca_fit(dataset_train_matrix(data), net.config.latent), data);
    r.pca = pca.linear_probe_accuracy, r.pca_knn = pca.knn_accuracy;
  }
  if (!cancel) r.raw = linear_probe_raw(data);
}

}  // namespace

void linear_probe_measure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  LinearProbeView& v = pane.linear_probe;
  if (!app.data || !app.snap || p >= static_cast<int>(app.snap->networks.size()) || pane.latent == 0) return;
  LinearProbeResult preset;
  preset.latent = app.snap->networks[p].config.latent;
  preset.features = app.data->features();
  if (v.job.start(app.data, app.snap.get(), p, v.generation, preset, probe_run)) v.asked_time = app.now;  // one at a time
}

bool linear_probe_busy(const AppState& app) {
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].linear_probe.job.busy()) return true;
  return false;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

// New data or new shapes: what was measured no longer describes this pane. A job still running
// keeps running (it holds its own copies); its result is dropped when it lands.
static void probe_configure(AppState& app, int p) {
  LinearProbeView& v = app.panes[p].linear_probe;
  ++v.generation;
  v.shown = LinearProbeResult{};
}

// Collects a finished job's result (and lets its thread go).
static void probe_update(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    LinearProbeView& v = app.panes[p].linear_probe;
    LinearProbeResult r;
    if (v.job.collect(&r) && r.generation == v.generation) v.shown = r;
  }
}

// A finished job counts until update has collected it, so a script's `sync` sees its figures.
static bool probe_in_sync(const AppState& app) {
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].linear_probe.job.pending()) return false;
  return true;
}

static void probe_free_gl(ModelPane& pane) { pane.linear_probe.job.cancel(); }  // the app is closing: wait for the worker

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

void ui_pane_linear_probe(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  LinearProbeView& v = pane.linear_probe;
  const Theme& th = *app.theme;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  v.row_min = origin;
  v.row_max = ImVec2(origin.x + width, origin.y + height);
  ImGui::PushID(p);
  ImGui::BeginChild("linear probe", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
  const bool busy = v.job.busy();
  ImGui::BeginDisabled(busy || pane.latent == 0);
  if (ImGui::Button(busy ? "Measuring..." : "Measure")) linear_probe_measure(app, p);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) help_tooltip("linear_probe");
  ImGui::SameLine();
  // The caption's long form where it fits, else the short one.
  char text[96], short_text[48];
  if (busy) {
    std::snprintf(text, sizeof text, "training classifiers on frozen codes (%.0f s)", app.now - v.asked_time);
    std::snprintf(short_text, sizeof short_text, "%.0f s", app.now - v.asked_time);
  } else if (v.shown.version) {
    std::snprintf(text, sizeof text, "held-out accuracy, weights of step %lld", static_cast<long long>(v.shown.step));
    std::snprintf(short_text, sizeof short_text, "step %lld", static_cast<long long>(v.shown.step));
  } else {
    std::snprintf(text, sizeof text, "softmax classifier on frozen codes");
    std::snprintf(short_text, sizeof short_text, "not measured");
  }
  const float room = ImGui::GetContentRegionAvail().x;
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.caption), "%s", fitting_caption(room, text, short_text));
  if (ImGui::IsItemHovered()) help_tooltip("linear_probe");
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("probe table", 4, flags)) {
    ImGui::TableSetupColumn("features", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("dims", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("probe", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("5-NN", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const LinearProbeResult& r = v.shown;
    char name[64];
    pane_heading(app, p, true, name, sizeof name);  // "AE", "VAE": the table is narrow
    const int d = r.version ? r.latent : pane.latent;
    struct Row {
      const char* name;
      int dims;
      double probe, knn;
    } rows[] = {
        {"raw pixels", r.version ? r.features : (app.data ? app.data->features() : 0), r.raw, std::nan("")},
        {"PCA", d, r.pca, r.pca_knn},
        {name, d, r.model, r.model_knn},
    };
    for (const Row& row : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.name);
      ImGui::TableNextColumn();
      ImGui::Text("%d", row.dims);
      for (double value : {row.probe, row.knn}) {
        ImGui::TableNextColumn();
        if (r.version && !std::isnan(value)) ImGui::Text("%.3f", value);
        else ImGui::TextDisabled("-");
      }
    }
    ImGui::EndTable();
  }
  layout_rect(&app.layout, "linear probe", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  ImGui::EndChild();
  ImGui::PopID();
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void linear_probe_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "linear_probe=%d\nlinear_probe_busy=%d\n", app.view.show_linear_probe ? 1 : 0, linear_probe_busy(app) ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const LinearProbeResult& r = app.panes[p].linear_probe.shown;
    std::fprintf(f, "pane%d.probe_version=%llu\npane%d.probe_step=%lld\npane%d.probe_latent=%d\n", p,
                 static_cast<unsigned long long>(r.version), p, static_cast<long long>(r.step), p, r.latent);
    std::fprintf(f, "pane%d.probe_raw=%.4f\npane%d.probe_pca=%.4f\npane%d.probe_model=%.4f\npane%d.probe_pca_knn=%.4f\n"
                 "pane%d.probe_model_knn=%.4f\n", p, r.raw, p, r.pca, p, r.model, p, r.pca_knn, p, r.model_knn);
  }
}

extern const PaneViewOps kLinearProbeView = {"linear probe", probe_configure, probe_update, probe_in_sync,
                                             nullptr, nullptr, probe_free_gl};
