// The layout recorder (gui_layout.h): rectangles reported while the UI is drawn, and the check that
// lists the ones outside their container or overlapping one another.
#include "gui_layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>

static void copy_name(char* to, const char* from) {
  std::strncpy(to, from, kLayoutNameSize - 1);
  to[kLayoutNameSize - 1] = 0;
}

void layout_begin_frame(LayoutRecorder* rec) {
  rec->container_count = rec->item_count = rec->dropped = 0;
  rec->depth = 0;
}

void layout_push(LayoutRecorder* rec, const char* name, ImVec2 min, ImVec2 max, bool scrolls_y) {
  if (rec->container_count == kLayoutMaxContainers || rec->depth == kLayoutStackDepth) {
    ++rec->dropped;  // its items go to the container around it
    const int parent = rec->depth > 0 ? rec->stack[rec->depth - 1] : -1;
    if (rec->depth < kLayoutStackDepth) rec->stack[rec->depth++] = parent;
    return;
  }
  LayoutContainer& c = rec->containers[rec->container_count];
  copy_name(c.name, name);
  c.min = min;
  c.max = max;
  c.scrolls_y = scrolls_y;
  rec->stack[rec->depth++] = rec->container_count++;
}

// What Dear ImGui shows of a window: its rectangle less half its padding each side (its clip rect).
void layout_push_window(LayoutRecorder* rec, const char* name, bool scrolls_y) {
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  const ImVec2 pad(std::max(1.0f, std::round(ImGui::GetStyle().WindowPadding.x * 0.5f)),
                   std::max(1.0f, std::round(ImGui::GetStyle().WindowPadding.y * 0.5f)));
  layout_push(rec, name, ImVec2(pos.x + pad.x, pos.y + pad.y), ImVec2(pos.x + size.x - pad.x, pos.y + size.y - pad.y), scrolls_y);
}

void layout_pop(LayoutRecorder* rec) {
  if (rec->depth > 0) --rec->depth;
}

void layout_rect(LayoutRecorder* rec, const char* name, ImVec2 min, ImVec2 max) {
  if (rec->depth == 0 || rec->stack[rec->depth - 1] < 0) return;
  if (rec->item_count == kLayoutMaxItems) {
    ++rec->dropped;
    return;
  }
  LayoutItem& it = rec->items[rec->item_count++];
  copy_name(it.name, name);
  it.min = min;
  it.max = max;
  it.container = rec->stack[rec->depth - 1];
}

void layout_item(LayoutRecorder* rec, const char* name) {
  layout_rect(rec, name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

bool layout_is_free(const LayoutRecorder& rec, ImVec2 min, ImVec2 max, float slack, bool (*ignore)(const LayoutItem& item)) {
  if (rec.depth == 0 || rec.stack[rec.depth - 1] < 0) return true;  // not recorded: nothing to compare with
  const int container = rec.stack[rec.depth - 1];
  const LayoutContainer& c = rec.containers[container];
  if (min.x < c.min.x - slack || max.x > c.max.x + slack || min.y < c.min.y - slack || max.y > c.max.y + slack) return false;
  for (int i = 0; i < rec.item_count; ++i) {
    const LayoutItem& it = rec.items[i];
    if (it.container != container || (ignore && ignore(it))) continue;
    if (std::min(max.x, it.max.x) - std::max(min.x, it.min.x) > slack &&
        std::min(max.y, it.max.y) - std::max(min.y, it.min.y) > slack)
      return false;
  }
  return true;
}

bool layout_place_below(const LayoutRecorder& rec, ImVec2* min, ImVec2* max, float gap) {
  ImVec2& a = *min;
  ImVec2& b = *max;
  for (int tries = 0; tries < 2 && !layout_is_free(rec, a, b); ++tries) {
    float below = a.y;
    for (int i = 0; i < rec.item_count; ++i) {
      const LayoutItem& it = rec.items[i];
      if (it.container == rec.stack[rec.depth - 1] && it.min.x < b.x && it.max.x > a.x && it.min.y < b.y && it.max.y > a.y)
        below = std::max(below, it.max.y + gap);
    }
    b.y += below - a.y;
    a.y = below;
  }
  return layout_is_free(rec, a, b);
}

int layout_check(const LayoutRecorder& rec, FILE* out, float slack) {
  int problems = 0;
  auto rect = [](ImVec2 a, ImVec2 b, char* buf, int size) {
    std::snprintf(buf, size, "[%.0f %.0f %.0f x %.0f]", a.x, a.y, b.x - a.x, b.y - a.y);
    return buf;
  };
  char ra[64], rb[64];
  for (int i = 0; i < rec.item_count; ++i) {
    const LayoutItem& it = rec.items[i];
    const LayoutContainer& c = rec.containers[it.container];
    const bool out_x = it.min.x < c.min.x - slack || it.max.x > c.max.x + slack;
    const bool out_y = !c.scrolls_y && (it.min.y < c.min.y - slack || it.max.y > c.max.y + slack);
    if (out_x || out_y) {
      std::fprintf(out, "outside: %s %s in %s %s\n", it.name, rect(it.min, it.max, ra, sizeof ra), c.name,
                   rect(c.min, c.max, rb, sizeof rb));
      ++problems;
    }
  }
  for (int i = 0; i < rec.item_count; ++i) {
    const LayoutItem& a = rec.items[i];
    for (int j = i + 1; j < rec.item_count; ++j) {
      const LayoutItem& b = rec.items[j];
      if (a.container != b.container) continue;
      const float w = std::min(a.max.x, b.max.x) - std::max(a.min.x, b.min.x);
      const float h = std::min(a.max.y, b.max.y) - std::max(a.min.y, b.min.y);
      if (w > slack && h > slack) {
        std::fprintf(out, "overlap: %s %s and %s %s in %s\n", a.name, rect(a.min, a.max, ra, sizeof ra), b.name,
                     rect(b.min, b.max, rb, sizeof rb), rec.containers[a.container].name);
        ++problems;
      }
    }
  }
  if (rec.dropped > 0) {
    std::fprintf(out, "dropped: %d items past the recorder's %d\n", rec.dropped, kLayoutMaxItems);
    ++problems;
  }
  // Which kinds of item were recorded (each name once), so a test can tell a label was checked at all.
  std::fprintf(out, "recorded=");
  for (int i = 0, shown = 0; i < rec.item_count; ++i) {
    bool seen = false;
    for (int j = 0; j < i && !seen; ++j) seen = std::strcmp(rec.items[j].name, rec.items[i].name) == 0;
    if (!seen) std::fprintf(out, "%s%s", shown++ ? "," : "", rec.items[i].name);
  }
  std::fprintf(out, "\nitems=%d\ncontainers=%d\nproblems=%d\n", rec.item_count, rec.container_count, problems);
  return problems;
}
