// Rate-distortion: held-out PSNR against the bytes sent per image, the curves of the GUI's
// rate-distortion plot (issue 17, "Compression"). A code is sent as float32 numbers; PCA is measured
// at every code size from one fit (the top k components of a fit are the fit of size k); the models'
// points and JPEG (jpeg_reference.h) are measured with the same pooled PSNR as reduction.h.
//   std::vector<double> pca = pca_psnr_curve(data, 64);  // pca[k - 1]: PCA with k components
#pragma once
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

constexpr double kCodeBytesPerNumber = 4.0;  // a code's numbers are sent as float32
// The JPEG qualities of the plot's reference curve, smallest file first.
constexpr int kRateDistortionJpegQualities[] = {1, 3, 5, 10, 20, 30, 50, 75};

// Held-out PSNR of PCA (fitted on the training split) with k = 1..max_k components, as
// reduction_figures_pca measures it; max_k is cut to the features and the training samples.
// Uses that the components are orthonormal: the held-out residual with k components is the centred
// energy less the energy of the first k codes, so one projection gives every k.
std::vector<double> pca_psnr_curve(const Dataset& data, int max_k);
// Held-out PSNR of the network's reconstructions from its (mean) codes: reduction_figures_network's psnr.
double network_held_psnr(const Network& net, const Dataset& data);
