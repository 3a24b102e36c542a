// The PCA map (pca_map.h): fitting the data's PCA, the snapshot with its network appended, the
// linear autoencoder's match, and the line under the PCA pane's title.
#include <algorithm>
#include <cstdio>

#include "gui_state.h"
#include "io/errors.h"

namespace {

// Fits the PCA when the data or the models' latent size changed; false: no PCA map (error says why).
bool pca_map_fit(AppState& app, int latent) {
  PcaMap& m = app.pca;
  if (m.fit_data.lock() == app.data && m.fit_latent == latent) return m.error.empty();
  m.fit_data = app.data;
  m.fit_latent = latent;
  m.error.clear();
  m.match_version = 0;
  const int n = std::min(app.data->train_count, kPcaMapFitSamples);
  try {
    if (n < 1) throw InputError("no training samples to fit PCA on");
    Mat x(app.data->features(), n);
    app.data->copy_range(0, n, x);
    m.pca = pca_fit(x, latent);
    m.net = pca_network(m.pca);
    m.kept = m.pca.total_variance > 0 ? m.pca.variances.cast<double>().sum() / m.pca.total_variance : 1.0;
  } catch (const InputError& e) {
    m.error = e.what();
  }
  return m.error.empty();
}

}  // namespace

std::shared_ptr<const Snapshot> pca_map_snapshot(AppState& app, std::shared_ptr<const Snapshot> trainer) {
  PcaMap& m = app.pca;
  m.models = static_cast<int>(trainer->networks.size());
  if (!app.view.show_pca || !app.data || trainer->networks.empty() || m.models >= kMaxPanes) return trainer;
  const Network& first = trainer->networks[0];
  if (first.config.input_size != app.data->features()) return trainer;  // the trainer has not switched data yet
  if (!pca_map_fit(app, first.config.latent)) return trainer;
  if (m.source != trainer || !m.derived) {
    auto derived = std::make_shared<Snapshot>(*trainer);
    derived->networks.push_back(m.net);
    m.source = std::move(trainer);
    m.derived = std::move(derived);
  }
  // A linear autoencoder beside it: how far its decoder's plane is from the PCA's.
  if (m.match_version != m.source->version) {
    m.match_version = m.source->version;
    for (int p = 0; p < 2; ++p) {
      m.match_degrees[p] = NAN;
      if (p >= m.models) continue;
      const Mat w = linear_decoder_weights(m.source->networks[p]);
      if (w.size() > 0 && w.cols() == m.pca.components.cols())
        m.match_degrees[p] = largest_principal_angle(w, m.pca.components);
    }
  }
  return m.derived;
}

bool pca_pane(const AppState& app, int p) { return app.view.show_pca && p == app.pca.models && p < app.pane_count; }

bool pca_pane_header(const AppState& app, char* buf, int size) {
  const PcaMap& m = app.pca;
  int len = std::snprintf(buf, size, "keeps %.0f%% of the variance", 100 * m.kept);
  for (int p = 0; p < 2 && len < size; ++p)
    if (!std::isnan(m.match_degrees[p]))
      len += std::snprintf(buf + len, size - len, " | linear %s: %.1f\xc2\xb0 off",
                           model_kind_short_name(app.panes[p].kind), m.match_degrees[p]);
  return true;
}
