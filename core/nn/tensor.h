// Memory layout of all of core/, stated once:
//   Eigen, float32, column-major. A batch is a matrix of shape (features, batch): ONE SAMPLE PER
//   COLUMN. A dense layer's weight is (out, in) and its bias (out), so y = W x + b acts on columns.
// Every buffer in core/ carries a shape comment in these terms, e.g. `// (hidden, batch)`.
#pragma once
#include <Eigen/Core>

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Vec = Eigen::VectorXf;
using MatRef = Eigen::Ref<Mat>;
using ConstMatRef = const Eigen::Ref<const Mat>&;

// Templated twins of the above (same layout), so that training (float) and the finite-difference
// gradient checks (double) run the very same kernels.
template <typename T>
using MatX = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
template <typename T>
using VecX = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <typename T>
using RefX = Eigen::Ref<MatX<T>>;
template <typename T>
using CRefX = const Eigen::Ref<const MatX<T>>&;
