// What each code unit of an encoder does, over a batch of inputs: how busy it is (its mean |h|, in
// kind_figures.h's code_activity) and what it responds to, the mean of the inputs that drive it
// highest. The sparse AE's lesson: few busy units, each answering to a recognisable part of the data.
// The GUI's "Code units" view (app/gui/views/view_units.cpp) calls these on held-out samples.
//
//   std::vector<double> mean;  code_activity(code, mean, &active);   // kind_figures.h
//   std::vector<int> order;    code_unit_order(mean, order);         // busiest unit first
//   Mat favourite;             code_unit_favourites(code, x, 10, favourite);  // (features, latent)
#pragma once
#include <vector>

#include "models/model.h"

// The units 0..unit_mean.size()-1, largest mean activation first (ties: lower index first).
void code_unit_order(const std::vector<double>& unit_mean, std::vector<int>& order);

// out (features, latent): column j is the mean of the k inputs (columns of x) whose code value h_j is
// highest (signed: what drives the unit up; a sigmoid or ReLU code is off at its low end). k is
// clamped to 1..x.cols(). code (latent, n) and x (features, n) describe the same n samples; n >= 1.
void code_unit_favourites(ConstMatRef code, ConstMatRef x, int k, Mat& out);
