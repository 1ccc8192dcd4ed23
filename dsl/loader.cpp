#include "dsl/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dsl/checker.h"
#include "dsl/parser.h"

namespace sluice::dsl {

Loaded load_text(const std::string& path, const std::string& text, const SpecRegistry& registry) {
  Loaded out;
  out.file = parse(path, text, out.diags);
  if (!out.diags.has_errors()) {
    try {
      check(out.file, registry, out.diags);
    } catch (const std::exception& e) {
      out.diags.error({1, 1}, std::string("internal checker error: ") + e.what());
    }
  }
  out.diags.sort();
  return out;
}

Loaded load_file(const std::string& path, const SpecRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Loaded out;
    out.file.path = path;
    out.diags.error({0, 0}, std::string("cannot read file: ") + std::strerror(errno));
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    Loaded out;
    out.file.path = path;
    out.diags.error({0, 0}, "cannot read file: read error");
    return out;
  }
  return load_text(path, ss.str(), registry);
}

std::string format(const Loaded& loaded) {
  std::string out = loaded.diags.format(loaded.file.path, loaded.file.text);
  size_t errors = loaded.diags.error_count();
  if (errors > 0) {
    out += std::to_string(errors) + (errors == 1 ? " error" : " errors") + " generated.\n";
  }
  return out;
}

}  // namespace sluice::dsl
