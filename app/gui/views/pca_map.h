// The PCA map: principal component analysis of the DATA (not of the codes) to the models' latent
// size, shown as one more map beside the models' maps, with the same colouring, hover, probe and
// views. PCA is a linear autoencoder (core/measure/pca.h pca_network), so the pane is an ordinary
// model pane whose network is that fixed linear encoder and decoder: decoding a point on it is the
// linear reconstruction mean + W z, and every view works on it unchanged.
//
// How it reaches the panes: the views read app.snap->networks[p]. With the map on, app.snap is the
// trainer's snapshot with the PCA network appended (made once per trainer publish, not per frame),
// so the PCA pane is the last one; everything that means "the trained models" uses pca.models.
#pragma once
#include <cmath>
#include <memory>
#include <string>

#include "data/dataset.h"
#include "measure/pca.h"
#include "models/model.h"
#include "train/trainer.h"

// PCA is fitted on at most this many training samples (the first ones): the covariance of 784
// features costs features^2 per sample on the main thread, once per dataset and latent size.
constexpr int kPcaMapFitSamples = 4000;

struct PcaMap {
  int models = 0;                                  // the trainer's networks: the panes before the PCA map
  std::shared_ptr<const Snapshot> source;          // the trainer's snapshot `derived` was made from
  std::shared_ptr<const Snapshot> derived;         // source + the PCA network
  std::weak_ptr<const Dataset> fit_data;           // what the PCA was fitted for
  int fit_latent = 0;
  Pca pca;
  Network net;                                     // pca_network(pca)
  double kept = 0;                                 // the share of the variance its components keep
  std::string error;                               // why there is no PCA map (e.g. latent > features)
  // A linear autoencoder is PCA: for each trained model that is one (linear_decoder_weights), the
  // largest principal angle between its decoder's columns and the PCA's components, in degrees.
  uint64_t match_version = 0;                      // the snapshot it was measured on
  double match_degrees[2] = {NAN, NAN};
};

struct AppState;
// The snapshot the views read this frame: the trainer's, or with the map on, a copy with the PCA
// network appended (fitting the PCA first when the data or the latent size changed).
std::shared_ptr<const Snapshot> pca_map_snapshot(AppState& app, std::shared_ptr<const Snapshot> trainer);
bool pca_pane(const AppState& app, int p);         // pane p is the PCA map
// The line beside the PCA pane's title (in place of a loss): the variance kept, and for a linear
// autoencoder beside it, how far its plane is from PCA's.
bool pca_pane_header(const AppState& app, char* buf, int size);
