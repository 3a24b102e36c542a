// The map-readability measure: leave-one-out kNN accuracy of labels on 2-D points, on layouts whose
// answer is known by hand.
#include <doctest/doctest.h>

#include <vector>

#include "measure/label_separation.h"
#include "nn/rng.h"

TEST_CASE("kNN accuracy: clean clusters score 1, one stray point costs exactly itself") {
  // Three tight clusters of 10 points, far apart.
  std::vector<float> xy;
  std::vector<int> labels;
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 10; ++i) {
      xy.push_back(100.0f * c + 0.1f * i);
      xy.push_back(0.05f * i);
      labels.push_back(c);
    }
  CHECK(knn_label_accuracy(xy.data(), labels.data(), 30, 5) == doctest::Approx(1.0));
  // Relabel one point of cluster 0 as 2: its neighbours still vote 0, so it alone is wrong.
  labels[3] = 2;
  CHECK(knn_label_accuracy(xy.data(), labels.data(), 30, 5) == doctest::Approx(29.0 / 30));
  // Unlabelled points are neither scored nor voted with.
  labels[3] = -1;
  CHECK(knn_label_accuracy(xy.data(), labels.data(), 30, 5) == doctest::Approx(1.0));
}

TEST_CASE("kNN accuracy: labels that ignore position score near chance") {
  Rng rng(3);
  const int n = 2000;
  std::vector<float> xy(2 * n);
  std::vector<int> labels(n);
  for (int i = 0; i < n; ++i) {
    xy[2 * i] = static_cast<float>(rng.normal());
    xy[2 * i + 1] = static_cast<float>(rng.normal());
    labels[i] = rng.below(10);
  }
  const double accuracy = knn_label_accuracy(xy.data(), labels.data(), n, 5);
  CHECK(accuracy > 0.05);
  CHECK(accuracy < 0.2);
}

TEST_CASE("kNN accuracy: too few labelled points is 0, not a division by zero") {
  const float xy[6] = {0, 0, 1, 1, 2, 2};
  const int labels[3] = {0, 1, -1};
  CHECK(knn_label_accuracy(xy, labels, 3, 5) == 0.0);
}
