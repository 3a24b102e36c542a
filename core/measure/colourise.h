// Image colourisation, measured: a model shown the greyscale image and asked for the colour one
// (the denoising AE with the "dropcolour" corruption, models/kinds.h NoiseKind::DropColour: each
// pixel's three channels set to its luminance). Its held-out PSNR is set beside what doing nothing
// gives: the grey input itself, the grey value copied to all three channels.
// `latentlab train --json` reports both on colour data; the GUI's colourisation row calls the same code.
//
//   ColouriseFigures f = colourise_figures(net, held_out, data.channels);   // held_out (features, n)
//   f.psnr_colourised > f.psnr_grey_baseline   // the model put back some of the colour
#pragma once
#include "models/model.h"

// Held-out samples measured (the first ones): enough for a mean to 0.1 dB, cheap for any model.
constexpr int kColouriseSamples = 1000;

struct ColouriseFigures {
  double psnr_colourised = 0;     // dB, mean over samples of PSNR(x, g(f(grey(x))))
  double psnr_grey_baseline = 0;  // dB, mean over samples of PSNR(x, grey(x))
  int samples = 0;
};

// grey (features, n) = x with each pixel's channels set to its luminance (models/model.h
// noise_corrupt, NoiseKind::DropColour); x is (y, x, c) interleaved with `channels` per pixel.
void colour_drop(MatRef grey, ConstMatRef x, int channels);

// Both figures on the first min(n, max_samples) columns of held_out, which must be colour
// (channels 3). Deterministic. Throws InputError for grey data, no samples or the wrong height.
ColouriseFigures colourise_figures(const Network& net, ConstMatRef held_out, int channels,
                                   int max_samples = kColouriseSamples);
