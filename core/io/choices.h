// A choice the user makes by name: the rows of one enum, each with the name the command line,
// scripts, JSON and files use, the GUI's title and a one-line description. Every list of choices
// (model kinds in models/kinds.h, CSV scaling in data/data_csv.h, ...) is one ChoiceList, so that
// no file spells out a list of names: --help, the parser, the GUI's combos and errors read it.
#pragma once
#include <string>
#include <vector>

// One value of a choice, as each reader shows it.
struct Choice {
  const char* name;         // the command line, scripts, JSON, error messages: "leaky_relu"
  const char* title;        // the GUI: "Leaky ReLU"
  const char* description;  // one line: --help and the GUI's tooltips
};

// All values of one enum, rows in the enum's order.
struct ChoiceList {
  const char* what;  // what the choice is, for messages: "activation"
  std::vector<Choice> rows;

  int count() const { return static_cast<int>(rows.size()); }
  int find(const std::string& name) const;  // the row whose name is `name`, or -1
  std::string names(const char* separator = "|") const;  // "relu|leaky_relu|..."
};

// The list of an enum: each enum specialises it next to its table (kinds.cpp, data_csv.cpp, ...).
template <typename E>
const ChoiceList& choice_list();

template <typename E>
const Choice& choice_of(E value) { return choice_list<E>().rows[static_cast<size_t>(value)]; }
template <typename E>
const char* choice_name(E value) { return choice_of(value).name; }
// False, and *out untouched, for a name not in the list.
template <typename E>
bool parse_choice(const std::string& name, E* out) {
  const int i = choice_list<E>().find(name);
  if (i < 0) return false;
  *out = static_cast<E>(i);
  return true;
}
// Is `code` (as a file stores it) one of the list's values?
template <typename E>
bool choice_valid(int code) { return code >= 0 && code < choice_list<E>().count(); }
