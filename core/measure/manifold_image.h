// The decoded manifold as a picture: a tiles x tiles grid of points on a 2-D plane of the latent
// space, each lifted to a code and decoded, laid out as one image of tiles. Written once for the
// app's Export > Decoded manifold (app/gui/gui_export.cpp, on the map's plane and view) and for
// `latentlab train --export-manifold FILE.png` (app/cli/cli_args.cpp, on the plane of the first two
// latent dimensions through the held-out codes' mean).
//
//   ManifoldLayout g;  g.tiles = 24;  g.quantiles = true;        // Kingma & Welling's figure
//   Mat x;  manifold_decode(net, g, lift, &x);                  // x (features, tiles * tiles), row by row
//   std::vector<uint8_t> rgba = tiles_rgba(x, g.tiles, g.tiles, tile_format_of(data));
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

struct ManifoldLayout {
  int tiles = 24;            // per side
  bool quantiles = false;    // at the prior's quantiles Phi^-1((i + 0.5) / tiles) on both axes; else linear:
  float center[2] = {0, 0};  // the square about `center` on the plane, `half_extent` to each edge
  float half_extent = 3;
};

// Phi^-1(p), the standard normal's quantile, p in (0, 1) (Acklam's rational approximation, relative
// error below 1.2e-9: enough for tile positions).
double normal_quantile(double p);
// The grid's plane coordinates: us left to right, vs top to bottom (the top row is the highest v, as on the map).
void manifold_grid_coords(const ManifoldLayout& g, std::vector<float>* us, std::vector<float>* vs);
// Every grid point lifted to a code by lift(u, v, z) (z: the network's latent size), then decoded:
// *x becomes (features, tiles * tiles), tile (row r, column c) in column r * tiles + c.
void manifold_decode(const Network& net, const ManifoldLayout& g, const std::function<void(float, float, float*)>& lift,
                     Mat* x);

// How a sample is drawn as a tile: image data as itself; other data as its features in a near-square
// block, row by row; values mapped from [lo, hi] (the data's range when outside [0, 1]).
struct TileFormat {
  int width = 1, height = 1, channels = 1;
  float lo = 0, hi = 1;
};
TileFormat tile_format_of(const Dataset& d);
// The columns of x as tiles, `cols` across and `rows` down, in one RGBA image (grey data in all three
// channels; an RGB image's three channels as they are).
std::vector<uint8_t> tiles_rgba(const Mat& x, int cols, int rows, const TileFormat& f);

// `latentlab ... --export-manifold`: the manifold of `net` on the plane of latent dimensions 0 and 1
// through the mean code of the held-out samples (the training samples when none are held out), at the
// prior's quantiles for a variational kind, else on the square about the codes' mean reaching 3
// standard deviations of the wider axis. Written as a PNG atomically; false and *error otherwise.
bool manifold_png_write(const Network& net, const Dataset& data, int tiles, const std::string& path, std::string* error);
