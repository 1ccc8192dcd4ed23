#include "operators/postgres/conninfo.h"

#include <libpq-fe.h>

#include <map>

namespace sluice::operators::postgres {
namespace {

const std::pair<const char*, const char*> kDefaults[] = {
    {"connect_timeout", "10"},     {"keepalives", "1"},       {"keepalives_idle", "30"},
    {"keepalives_interval", "10"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "60000"},
};

void append_pair(const std::string& key, const std::string& value, std::string& out) {
  if (!out.empty()) out += ' ';
  out += key + "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

std::string with_connection_defaults(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    if (err != nullptr) PQfreemem(err);
    return conninfo;
  }
  std::map<std::string, std::string> given;
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    given[o->keyword] = o->val;
    append_pair(o->keyword, o->val, out);
  }
  PQconninfoFree(opts);
  for (const auto& [key, value] : kDefaults) {
    if (given.count(key) == 0) append_pair(key, value, out);
  }
  return out;
}

}  // namespace sluice::operators::postgres
