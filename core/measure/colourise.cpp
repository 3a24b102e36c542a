// The figures of colourise.h. The grey input is the drop-colour corruption the model trains on,
// so that the measure and the training see the same grey image.
#include "measure/colourise.h"

#include <algorithm>

#include "io/errors.h"
#include "measure/kind_figures.h"

void colour_drop(MatRef grey, ConstMatRef x, int channels) {
  Rng unused(1);  // the corruption draws nothing
  noise_corrupt(grey, x, NoiseKind::DropColour, 1.0f, unused, channels);
}

ColouriseFigures colourise_figures(const Network& net, ConstMatRef held_out, int channels, int max_samples) {
  if (channels != 3) throw InputError("colourisation: the data is not in colour (" + std::to_string(channels) + " channel(s))");
  if (held_out.cols() == 0) throw InputError("colourisation: no held-out samples to measure on");
  if (held_out.rows() != net.config.input_size)
    throw InputError("colourisation: held-out data has the wrong number of features");
  const int n = int(std::min<Eigen::Index>(held_out.cols(), std::max(1, max_samples)));
  const Eigen::Ref<const Mat> colour = held_out.leftCols(n);
  Mat grey(colour.rows(), n), code, out;
  colour_drop(grey, colour, channels);
  InferenceWorkspace ws;
  reconstruct(net, grey, code, out, ws);
  ColouriseFigures f;
  f.samples = n;
  for (int j = 0; j < n; ++j) {
    f.psnr_colourised += psnr(colour.col(j), out.col(j)) / n;
    f.psnr_grey_baseline += psnr(colour.col(j), grey.col(j)) / n;
  }
  return f;
}
