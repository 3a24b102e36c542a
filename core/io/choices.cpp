// The two lookups every ChoiceList shares (io/choices.h).
#include "io/choices.h"

int ChoiceList::find(const std::string& name) const {
  for (size_t i = 0; i < rows.size(); ++i)
    if (name == rows[i].name) return static_cast<int>(i);
  return -1;
}

std::string ChoiceList::names(const char* separator) const {
  std::string out;
  for (const Choice& c : rows) out += (out.empty() ? "" : separator) + std::string(c.name);
  return out;
}
