// `latentlab reduce`: PCA of the data alone, measured as `latentlab train --json` measures a
// model's codes (core/measure/reduction.h), so that the two lines compare directly:
//   latentlab reduce --data mnist.idx.gz --train 8000 --latent 2 --json
// With --json, one line: the same figures as train's (recon_error, psnr, knn_accuracy,
// trustworthiness, linear_probe_accuracy), the share of variance the components keep, and the
// linear probe on the raw features as the baseline of feature extraction. With --jpeg, JPEG at
// the code's byte size as the everyday reference of compression (measure/jpeg_reference.h).
#include <cmath>
#include <cstdio>
#include <string>

#include "cli.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "measure/jpeg_reference.h"
#include "measure/pca.h"
#include "measure/reduction.h"

namespace {

void json_add_jpeg_reference(JsonObject& out, const JpegReference& r) {
  out.add("code_bytes", r.code_bytes)
      .add("jpeg_quality", r.matched.quality)
      .add("jpeg_bytes", r.matched.bytes)
      .add("jpeg_scan_bytes", r.matched.scan_bytes)
      .add("jpeg_psnr", r.matched.psnr)
      .add("jpeg_min_bytes", r.smallest.bytes)
      .add("jpeg_min_psnr", r.smallest.psnr)
      .add("jpeg_first_matching_latent", r.first_matching_latent);
}

}  // namespace

void json_add_reduction(JsonObject& out, const ReductionFigures& f) {
  out.add("recon_error", f.recon_error)
      .add("psnr", f.psnr)
      .add("knn_accuracy", f.knn_accuracy)
      .add("trustworthiness", f.trustworthiness)
      .add("linear_probe_accuracy", f.linear_probe_accuracy);
  if (!std::isnan(f.pca_angle_degrees)) out.add("pca_angle_degrees", f.pca_angle_degrees);  // a linear AE
}

int cli_reduce(int argc, char** argv) {
  CliArgs args("latentlab reduce",
               "PCA of the data (fitted on the training split) to --latent components, measured on the held-out\n"
               "split as `train --json` measures a model: reconstruction error, 5-NN accuracy of the codes,\n"
               "trustworthiness (k = 10) and a linear probe, plus the probe on the raw features.");
  add_data_flags(args);
  args.add("latent", "K", "2", "principal components kept");
  args.add_switch("no-raw-probe", "skip the linear probe on the raw features (the slowest figure)");
  args.add_switch("jpeg", "also JPEG at the code's size (4 bytes per component): each held-out image written\n"
                          "                             at the quality whose mean file size is closest, decoded back, its\n"
                          "                             PSNR; and the smallest JPEG's (quality 1) size and PSNR");
  args.add_switch("json", "print one JSON line instead of the text summary");
  if (!args.parse(argc, argv)) return 0;
  const DataSpec spec = data_spec_from_flags(args, 1);
  const bool json = args.flag("json");

  const Dataset data = load_dataset(spec);
  print_data_warnings(data);
  const std::string shown_name = printable_path(data.name);
  const int latent = args.integer("latent", 1, data.features());
  if (data.train_count < 1) throw InputError(shown_name + ": no training samples to fit PCA on (see --train)");
  if (data.test_count() < 1) throw InputError(shown_name + ": no held-out samples to measure on (see --train)");

  const Pca pca = pca_fit(dataset_train_matrix(data), latent);
  const ReductionFigures f = reduction_figures_pca(pca, data);
  const double kept = pca.total_variance > 0 ? pca.variances.cast<double>().sum() / pca.total_variance : 1.0;
  const bool jpeg = args.flag("jpeg");
  const JpegReference jref = jpeg ? jpeg_reference(data, latent) : JpegReference{};
  const double raw_probe = args.flag("no-raw-probe") ? std::nan("") : linear_probe_raw(data);
  if (json) {
    JsonObject out;
    out.add_string("model", "pca")
        .add_string("data", data.name)
        .add("latent", latent)
        .add("train_count", data.train_count)
        .add("test_count", data.test_count())
        .add("variance_kept", kept);
    json_add_reduction(out, f);
    out.add("raw_linear_probe_accuracy", raw_probe);
    if (jpeg) json_add_jpeg_reference(out, jref);
    std::printf("%s\n", out.text().c_str());
  } else {
    std::printf("%s: PCA %d -> %d on %d train, measured on %d held out\n", shown_name.c_str(), data.features(),
                latent, data.train_count, data.test_count());
    std::printf("variance kept %.4f  recon error %.5f (PSNR %.2f dB)  5-NN %.4f  trustworthiness %.4f  "
                "linear probe %.4f (raw features %.4f)\n",
                kept, f.recon_error, f.psnr, f.knn_accuracy, f.trustworthiness, f.linear_probe_accuracy, raw_probe);
    if (jpeg)
      std::printf("code %.0f bytes; JPEG quality %d: %.1f bytes (scan %.1f), PSNR %.2f dB; smallest JPEG (quality 1) "
                  "%.1f bytes, PSNR %.2f dB, first matched by a code of %d floats\n",
                  jref.code_bytes, jref.matched.quality, jref.matched.bytes, jref.matched.scan_bytes, jref.matched.psnr,
                  jref.smallest.bytes, jref.smallest.psnr, jref.first_matching_latent);
  }
  return 0;
}
