// The lessons' table (core/lessons/lessons.h) against what it must agree with: the checks' table
// (core/lessons/lesson_checks.h) names the same lessons in the same order, every lesson has all of
// its parts, its bundled session exists in assets/lessons/ and stays under 2 MB, and its text uses
// only characters the app's font carries (gui_main.cpp fonts_load: anything else draws as '?').
// That every script line parses is tests/test_gui_lessons.sh's (the parser is the GUI's).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "lessons/lesson_checks.h"
#include "lessons/lessons.h"

namespace {

// The code points fonts_load asks for: Latin-1, Greek, punctuation, arrows, maths, shapes.
bool font_has(uint32_t c) {
  return (c >= 0x20 && c <= 0xFF) || (c >= 0x370 && c <= 0x3FF) || (c >= 0x2010 && c <= 0x205E) ||
         (c >= 0x2190 && c <= 0x21FF) || (c >= 0x2200 && c <= 0x22FF) || (c >= 0x25A0 && c <= 0x25FF) || c == '\n';
}

// The first code point of `text` the font lacks, or 0.
uint32_t missing_glyph(const char* text) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text);
  while (*p) {
    uint32_t c = *p++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more) c &= 0x3F >> more;
    for (; more > 0 && *p; --more) c = (c << 6) | (*p++ & 0x3F);
    if (!font_has(c)) return c;
  }
  return 0;
}

}  // namespace

TEST_CASE("the lessons and their checks name the same lessons, in the same order") {
  const std::vector<Lesson>& ls = lessons();
  const std::vector<LessonCheck>& cs = lesson_checks();
  REQUIRE(ls.size() == cs.size());
  for (size_t i = 0; i < ls.size(); ++i) {
    CAPTURE(ls[i].name);
    CHECK(std::string(ls[i].name) == cs[i].name);
    CHECK(find_lesson(ls[i].name) == &ls[i]);
    CHECK(lesson_number(ls[i]) == static_cast<int>(i) + 1);
  }
  CHECK(find_lesson("no such lesson") == nullptr);
}

// Every lesson trains at the rate its claim was measured at: the baseline's `set lr` against each
// check row's (the app's own 3e-3 broke the copying and arithmetic claims).
TEST_CASE("the lessons' baseline sets the learning rate of every check row") {
  const std::string base = lesson_baseline_script();
  const size_t at = base.find("set lr ");
  REQUIRE(at != std::string::npos);
  const double lr = std::strtod(base.c_str() + at + 7, nullptr);
  for (const LessonCheck& c : lesson_checks()) {
    CAPTURE(c.name);
    CHECK(lr == doctest::Approx(c.setup.lr).epsilon(1e-6));
  }
}

TEST_CASE("every lesson has its parts, and text the font can draw") {
  for (const Lesson& l : lessons()) {
    CAPTURE(l.name);
    for (const char* part : {l.title, l.setup, l.notice, l.why, l.question, l.answer}) {
      REQUIRE(part != nullptr);
      CHECK(std::strlen(part) > 0);
      CHECK(missing_glyph(part) == 0);
    }
    CHECK(l.steps.size() >= 2);
    for (const LessonStep& s : l.steps) {
      CHECK(std::strlen(s.text) > 0);
      CHECK(std::strlen(s.show_me) > 0);
      CHECK(missing_glyph(s.text) == 0);
    }
    CHECK(std::string(l.setup).find("start") != std::string::npos);  // a lesson trains live
  }
  CHECK(missing_glyph("\xce\xb2 \xe2\x80\x96 \xe2\x88\x92") == 0);  // β ‖ −: in the ranges
  CHECK(missing_glyph("\xe2\x82\x80") == 0x2080);                   // subscript 0: not
}

TEST_CASE("a lesson's bundled session is in assets/lessons and under 2 MB") {
  int bundled = 0;
  for (const Lesson& l : lessons()) {
    if (!l.session) continue;
    CAPTURE(l.name);
    const std::filesystem::path file = std::filesystem::path(LATENTLAB_SOURCE_DIR) / "assets/lessons" / l.session;
    REQUIRE(std::filesystem::is_regular_file(file));
    CHECK(std::filesystem::file_size(file) < 2u * 1024 * 1024);
    ++bundled;
  }
  CHECK(bundled >= 4);
  // Every bundled file, those a step opens too (the disentangle lesson's beta 1 model).
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(LATENTLAB_SOURCE_DIR) / "assets/lessons")) {
    CAPTURE(e.path().string());
    CHECK(e.file_size() < 2u * 1024 * 1024);
  }
}

// The lesson panel's wrap (lesson_wrap_text) breaks at spaces only: Dear ImGui's own breaks after a
// full stop, which drew the arithmetic lesson's "0.49" as "0." and "49". Measured here one unit per
// byte (the texts' numbers and words are ASCII).
TEST_CASE("a lesson's text wraps at spaces only, so numbers never split") {
  const auto bytes = [](const char* b, const char* e) { return float(e - b); };
  CHECK(lesson_wrap_text("rose by 0.49 to 0.61", 10, bytes) == "rose by\n0.49 to\n0.61");
  CHECK(lesson_wrap_text("12,000 faces", 8, bytes) == "12,000\nfaces");
  CHECK(lesson_wrap_text("a\nb c", 10, bytes) == "a\nb c");
  CHECK(lesson_wrap_text("abcdefghij xy", 4, bytes) == "abcd\nefgh\nij\nxy");  // wider than a line: cut
  // Every lesson's text at many widths: the same words in the same order (none split), and every
  // line within the width unless it is a single word wider than it.
  const auto words = [](const std::string& t) {
    std::vector<std::string> w;
    std::string cur;
    for (char c : t) {
      if (c == ' ' || c == '\n') {
        if (!cur.empty()) w.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) w.push_back(cur);
    return w;
  };
  for (const Lesson& l : lessons())
    for (const char* text : {l.notice, l.why, l.answer, l.steps[0].text})
      for (float width : {24.0f, 40.0f, 61.0f}) {
        CAPTURE(l.name);
        CAPTURE(width);
        const std::string out = lesson_wrap_text(text, width, bytes);
        CHECK(words(out) == words(text));
        size_t from = 0;
        while (from <= out.size()) {
          const size_t to = std::min(out.find('\n', from), out.size());
          const std::string line = out.substr(from, to - from);
          CHECK((line.size() <= size_t(width) || line.find(' ') == std::string::npos));
          CHECK(line.find(' ') != 0);
          from = to + 1;
        }
      }
}
