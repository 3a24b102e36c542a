// How well a 2-D map separates the labels: the leave-one-out k-nearest-neighbour accuracy of the
// points' labels from their positions alone. It is the measure behind "the map is readable" (the
// GUI's wait-readable script command): 0.1 for ten shuffled labels, 1.0 for clean clusters.
#pragma once

// xy: (2 * n) positions; labels: (n), a label < 0 counts as unlabelled and is neither scored nor
// voted with. Each labelled point is classified by the majority label of its k nearest other
// labelled points (ties to the nearest of the tied labels); returns the fraction classified right,
// or 0 when fewer than k + 1 points are labelled. O(n^2 k): meant for the few thousand held-out
// points of a map.
double knn_label_accuracy(const float* xy, const int* labels, int n, int k);
