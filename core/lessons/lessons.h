// Guided lessons (issue 20): the one table of lessons that the GUI's Lessons menu and side panel
// (app/gui/gui_lessons.cpp) and `latentlab lesson NAME --check` both read. A lesson sets the app up
// with lines of the GUI's --script language (app/gui/gui_script.cpp lists the commands), walks a
// teacher through numbered steps that each have a "show me" snippet in the same language, says what
// to notice and why, and ends with a check-yourself question.
//
//   const Lesson* l = find_lesson("holes");     // nullptr if there is none by that name
//   for (const Lesson& l : lessons()) ...       // in the menu's order, numbered from 1
//
// Script text is lines separated by '\n'; the GUI parses it with the same parser as a --script file
// (a bad line is caught by tests/test_gui_lessons.sh, which parses every lesson's text).
#pragma once
#include <functional>
#include <string>
#include <vector>

struct LessonStep {
  const char* text;     // what to do and what happens, one or two sentences
  const char* show_me;  // script lines that do the step (move the probe, pick the pair, set beta ...)
};

struct Lesson {
  const char* name;      // the menu's and the command line's name: "holes"
  const char* title;     // "Why a VAE? The holes in the AE's latent space"
  const char* setup;     // script lines, run after lesson_baseline_script(): data, models, views, zoom
  std::vector<LessonStep> steps;
  const char* notice;    // what to notice
  const char* why;       // why it happens, with the formula where it helps (UTF-8)
  const char* question;  // check yourself
  const char* answer;
  const char* session;   // a bundled session in assets/lessons/ that replaces the set-up's `data`,
                         // `rebuild` and `set` lines (trained by scripts/make_lesson_sessions.sh);
                         // nullptr = none
};

const std::vector<Lesson>& lessons();
const Lesson* find_lesson(const std::string& name);
int lesson_number(const Lesson& lesson);  // 1-based, the menu's number

// The script lines every lesson's set-up starts from: the views back to the app's defaults (every
// row under the maps off, holes, points, samples and reconstructions on, colour by label, the first
// two dimensions) and the Model panel's settings back to their defaults, so that what one lesson
// turned on or set does not leak into the next.
const char* lesson_baseline_script();

// A lesson's text broken into lines no wider than `width`, as the lesson panel draws it: at spaces
// and line ends only, so that a number such as "0.49" never splits (Dear ImGui's own word wrap also
// breaks after '.', ',' and ';'). `measure(begin, end)` is the drawn width of a piece of text. A
// word wider than `width` by itself is cut after the last character that fits (at least one).
// Returns the lines joined by '\n'.
std::string lesson_wrap_text(const char* text, float width,
                             const std::function<float(const char* begin, const char* end)>& measure);
