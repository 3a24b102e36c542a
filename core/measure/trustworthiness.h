// Trustworthiness (Venna & Kaski, 2001): does a low-dimensional map invent neighbours? For each
// point, the k nearest neighbours in the map that are NOT among its k nearest in the data are
// penalised by how far down the data's ranking they really sit. 1 = every map neighbour is a true
// neighbour; a random map of many points scores about 0.5.
//   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_i(k)} (r(i, j) - k)
// with r(i, j) the rank of j among i's neighbours in the data (1 = nearest) and U_i(k) the map's k
// nearest of i that are not the data's k nearest.
#pragma once
#include "nn/tensor.h"

// x (D, n) the samples, codes (d, n) their map. Needs n >= 2k + 2 (the normaliser assumes k < n/2);
// returns NaN otherwise. O(n^2 (D + d)) time and n^2 floats of memory: callers bound n (a fixed
// subsample; reduction_figures takes the first kTrustworthinessSamples held-out samples). Ties in
// either space are broken by sample index.
double trustworthiness(ConstMatRef x, ConstMatRef codes, int k);
