#include "perf/flops.h"

double layer_forward_macs(const Layer& l) {
  if (l.kind == LayerKind::Dense) return 1.0 * l.in * l.out;
  if (l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d)
    return 1.0 * l.conv.patch() * l.conv.small_c * l.conv.small_h * l.conv.small_w;
  return 0;
}

double forward_flops_per_sample(const std::vector<Layer>& layers) {
  double macs = 0;
  for (const Layer& l : layers) macs += layer_forward_macs(l);
  return 2.0 * macs;
}

double train_flops_per_sample(const Network& net) {
  double macs = 0, first_layer = -1;
  for (const std::vector<Layer>* list : {&net.encoder, &net.decoder})
    for (const Layer& l : *list) {
      const double m = layer_forward_macs(l);
      macs += 3.0 * m;
      if (first_layer < 0 && m > 0) first_layer = m;
    }
  return 2.0 * (macs - first_layer);
}
