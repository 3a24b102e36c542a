// Tooltips: what every control of the left column and the toolbar is and what to watch for when you
// move it, in a teacher's words, all in one table (gui_help.cpp) instead of string literals scattered
// over the panels. A panel draws a control, then calls control_help(app, "key"): the tooltip shows
// while the control is hovered, and the control is recorded for this frame, so the state dump can list
// every control the panels drew and the ones whose key has no text (a test fails on any).
#pragma once
#include <imgui.h>

constexpr int kMaxControlsSeen = 96;  // controls the panels draw in one frame; more are counted, not kept

struct ControlSeen {
  const char* key;   // the table's key (a string literal)
  ImVec2 min, max;   // where it was drawn
  bool has_help;     // the table has a text for it
};

struct ControlsSeen {
  ControlSeen items[kMaxControlsSeen];
  int count = 0;
  int dropped = 0;
};

struct AppState;
struct ChoiceList;

const char* help_text(const char* key);          // the table's text, or nullptr for an unknown key
void help_tooltip(const char* key);              // shows the text as a wrapped tooltip (call when hovered)
void control_help(AppState& app, const char* key);  // after a control: its tooltip on hover, and the record
// A combo over one of the choice lists (io/choices.h): titles shown, each row's description (or
// `row_tooltip`) on hover, the tooltip of `help_key` on the closed combo. True when it changed.
bool choice_combo(AppState& app, const char* id, const char* help_key, int* value, const ChoiceList& list,
                  void (*row_tooltip)(int) = nullptr);
float choice_combo_width(const ChoiceList& list);  // the width that shows its longest title whole, at this font
float combo_width(const char* widest);             // the same for a combo whose widest entry is `widest`
void controls_seen_begin_frame(AppState& app);   // before the panels
