// The fenced code blocks of a Markdown page, in order, for the tests that run the docs.
#pragma once
#include <sstream>
#include <string>
#include <vector>

namespace sluice::test {

struct DocBlock {
  std::string lang;       // the fence's info string ("pipe", "sh", "text", "" ...)
  std::string body;       // the lines between the fences, each ending in '\n'
  std::string directive;  // the `<!-- ... -->` line just before the fence, if any
  int line = 0;           // 1-based line of the opening fence
};

inline std::vector<DocBlock> doc_blocks(const std::string& text) {
  std::vector<DocBlock> out;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("```", 0) != 0) continue;
    DocBlock b;
    b.lang = lines[i].substr(3);
    b.line = static_cast<int>(i) + 1;
    if (i > 0 && lines[i - 1].rfind("<!--", 0) == 0) b.directive = lines[i - 1];
    for (++i; i < lines.size() && lines[i] != "```"; ++i) b.body += lines[i] + "\n";
    out.push_back(b);
  }
  return out;
}

// "NAME" of `<!-- KIND: NAME -->` (KIND "file" or "append"), else "".
inline std::string doc_directive(const std::string& d, const std::string& kind) {
  std::string head = "<!-- " + kind + ": ";
  if (d.rfind(head, 0) != 0) return {};
  return d.substr(head.size(), d.find(" -->") - head.size());
}

}  // namespace sluice::test
