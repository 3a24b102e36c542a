// The layout recorder: the UI reports the rectangles it draws (widgets through Dear ImGui's last
// item, captions and labels drawn straight into a draw list by hand), each inside a container (a
// window, a pane, a map), so that the script command `layout-check` can list every item that lies
// outside its container or overlaps another item of the same container. Recording is always on:
// a frame writes a few hundred rectangles into fixed arrays and allocates nothing.
//
// Use: layout_begin_frame() once before the UI; layout_push(name, rect) after Begin/BeginChild
// (or for a region such as a map) and layout_pop() before End; layout_item(name) after a widget;
// layout_rect(name, min, max) for what a draw list draws.
#pragma once
#include <cstdio>

#include <imgui.h>

constexpr int kLayoutMaxItems = 1024;       // per frame; more are counted, not stored
constexpr int kLayoutMaxContainers = 64;
constexpr int kLayoutNameSize = 40;
constexpr int kLayoutStackDepth = 8;

struct LayoutContainer {
  char name[kLayoutNameSize];
  ImVec2 min, max;
  bool scrolls_y;  // the window scrolls: an item below its bottom can still be reached
};

struct LayoutItem {
  char name[kLayoutNameSize];
  ImVec2 min, max;
  int container;   // index into LayoutRecorder::containers
};

struct LayoutRecorder {
  LayoutContainer containers[kLayoutMaxContainers];
  LayoutItem items[kLayoutMaxItems];
  int container_count = 0, item_count = 0;
  int dropped = 0;                    // items past kLayoutMaxItems this frame
  int stack[kLayoutStackDepth] = {};  // open containers, innermost last
  int depth = 0;
};

void layout_begin_frame(LayoutRecorder* rec);
void layout_push(LayoutRecorder* rec, const char* name, ImVec2 min, ImVec2 max, bool scrolls_y = false);
void layout_push_window(LayoutRecorder* rec, const char* name, bool scrolls_y = false);  // the current window's rect
void layout_pop(LayoutRecorder* rec);
void layout_rect(LayoutRecorder* rec, const char* name, ImVec2 min, ImVec2 max);
void layout_item(LayoutRecorder* rec, const char* name);  // Dear ImGui's last item (a widget or a group)
// Whether a rectangle lies inside the innermost open container and overlaps none of its items so
// far (by more than `slack` pixels each way): for placing a label where nothing is yet. Items for
// which `ignore` says true do not count (a box that may lie over them).
bool layout_is_free(const LayoutRecorder& rec, ImVec2 min, ImVec2 max, float slack = 1.0f,
                    bool (*ignore)(const LayoutItem& item) = nullptr);
// A box that is not free moved down, at most twice, to `gap` below the innermost container's items
// it overlaps (the map's legends, below the probe's edge arrow); whether it is free there.
bool layout_place_below(const LayoutRecorder& rec, ImVec2* min, ImVec2* max, float gap);
// Writes one line per problem ("outside: ..." / "overlap: ...") and a last line "problems=N";
// returns N. Rectangles overlap when they share more than `slack` pixels each way.
int layout_check(const LayoutRecorder& rec, FILE* out, float slack = 1.0f);
