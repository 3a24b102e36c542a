// The decoder's ||J||_F by forward-mode tangents (measure/decoder_jacobian.h) against a central finite
// difference of the same decoder run in double precision: per code, along every latent direction
// (the full norm) and along two plane axes only.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "measure/decoder_jacobian.h"
#include "models/model.h"
#include "nn/activations.h"
#include "nn/layer_pass.h"
#include "nn/rng.h"

namespace {

ModelConfig config_of(ModelKind kind, Activation act, OutputLoss loss, int latent) {
  ModelConfig c;
  c.kind = kind;
  c.input_size = 30;
  c.hidden = {24, 12};
  c.latent = latent;
  c.activation = act;
  c.loss = loss;
  c.seed = 3;
  return c;
}

// The decoder into data space, in double: the same layers, the weights widened.
MatX<double> decode_double(const Network& net, const MatX<double>& z) {
  std::vector<double> params(net.params.begin(), net.params.end());
  LayersWorkspace<double> ws;
  layers_reserve(ws, net.decoder, int(z.cols()), false);
  layers_forward<double>(ws, net.decoder, z, params.data(), nullptr);
  MatX<double> out = layers_output(ws).leftCols(z.cols());
  if (net.config.loss == OutputLoss::BCE) activation_forward<double>(out, out, Activation::Sigmoid);
  return out;
}

// ||J(z) D||_F by central differences, step h along each column of D.
double finite_difference_norm(const Network& net, const Eigen::VectorXd& z, const MatX<double>& D, double h) {
  double sum = 0;
  for (Eigen::Index p = 0; p < D.cols(); ++p) {
    const MatX<double> plus = decode_double(net, z + h * D.col(p)), minus = decode_double(net, z - h * D.col(p));
    sum += ((plus - minus) / (2 * h)).squaredNorm();
  }
  return std::sqrt(sum);
}

void check_against_finite_differences(const ModelConfig& c) {
  OptimizerConfig opt;
  const Model model(c, opt);
  const Network& net = model.network();
  Rng rng(17);
  const int n = 9;
  Mat z(c.latent, n);
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < c.latent; ++k) z(k, j) = 1.5f * rng.normal();
  // Two unit plane axes, not along the coordinates.
  Mat plane(c.latent, 2);
  for (int k = 0; k < c.latent; ++k) plane(k, 0) = rng.normal(), plane(k, 1) = rng.normal();
  plane.col(0).normalize();
  plane.col(1) -= plane.col(0).dot(plane.col(1)) * plane.col(0);
  plane.col(1).normalize();
  const Mat identity = Mat::Identity(c.latent, c.latent);
  DecoderJacobianWorkspace ws;
  std::vector<double> full, along;
  decoder_jacobian_norms(net, z, identity, full, ws);
  decoder_jacobian_norms(net, z, plane, along, ws);
  REQUIRE(full.size() == size_t(n));
  REQUIRE(along.size() == size_t(n));
  for (int j = 0; j < n; ++j) {
    const Eigen::VectorXd zj = z.col(j).cast<double>();
    const double fd_full = finite_difference_norm(net, zj, identity.cast<double>(), 1e-5);
    const double fd_plane = finite_difference_norm(net, zj, plane.cast<double>(), 1e-5);
    CAPTURE(j);
    CHECK(fd_full > 1e-4);  // a decoder that moves: the comparison means something
    CHECK(full[size_t(j)] == doctest::Approx(fd_full).epsilon(1e-3));
    CHECK(along[size_t(j)] == doctest::Approx(fd_plane).epsilon(1e-3));
    CHECK(along[size_t(j)] <= full[size_t(j)] * (1 + 1e-4));  // two directions of the latent's
  }
}

}  // namespace

TEST_CASE("the decoder's ||J||_F by forward-mode tangents matches double-precision finite differences") {
  SUBCASE("AE, tanh, BCE output (the sigmoid's derivative included)") {
    check_against_finite_differences(config_of(ModelKind::Plain, Activation::Tanh, OutputLoss::BCE, 5));
  }
  SUBCASE("VAE, ELU, MSE output") {
    check_against_finite_differences(config_of(ModelKind::VAE, Activation::Elu, OutputLoss::MSE, 3));
  }
  SUBCASE("AE, ReLU, BCE, latent 2 (the map's plane is the latent)") {
    check_against_finite_differences(config_of(ModelKind::Plain, Activation::Relu, OutputLoss::BCE, 2));
  }
}

TEST_CASE("more codes than one product carries: the chunks agree with one code at a time") {
  const ModelConfig c = config_of(ModelKind::Plain, Activation::Tanh, OutputLoss::BCE, 8);
  OptimizerConfig opt;
  const Model model(c, opt);
  Rng rng(5);
  Mat z(c.latent, 300);  // 300 x 8 tangents: more than one chunk
  for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = rng.normal();
  const Mat identity = Mat::Identity(c.latent, c.latent);
  DecoderJacobianWorkspace ws;
  std::vector<double> all, one;
  decoder_jacobian_norms(model.network(), z, identity, all, ws);
  for (int j : {0, 255, 256, 299}) {
    decoder_jacobian_norms(model.network(), z.col(j), identity, one, ws);
    CHECK(all[size_t(j)] == doctest::Approx(one[0]).epsilon(1e-5));
  }
}
