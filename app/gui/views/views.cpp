// The list of a pane's views (views.h): the order they update in, and draw in on the map.
// A new view adds one row here.
#include "views.h"

extern const PaneViewOps kHoleMapView, kManifoldView, kProbeView, kStripsView, kInterpView, kPointColorsView, kKlView,
    kTraversalView, kAnomalyView, kDenoiseView, kFeedView, kUnitsView, kSensitivityView, kFactorsView, kArithView;

const PaneViewOps* const kPaneViews[] = {
    &kHoleMapView,   // under the points, first
    &kManifoldView,  // under the points, over the hole map
    &kProbeView,
    &kStripsView,
    &kInterpView,
    &kPointColorsView,
    &kKlView,  // over the points, in the map's corner
    &kTraversalView,  // over the points, in the map's other corner
    &kAnomalyView,  // rings over the points; its row replaces the strips
    &kDenoiseView,  // its row replaces the strips
    &kFeedView,     // its row replaces the strips
    &kUnitsView,        // its row replaces the strips: the sparse AE's code units
    &kSensitivityView,  // its row replaces the strips; the nudged code's arrow over the points
    &kFactorsView,  // its row replaces the strips
    &kArithView,    // the arrow over the points; its row replaces the strips
};
const int kPaneViewCount = static_cast<int>(sizeof kPaneViews / sizeof kPaneViews[0]);
