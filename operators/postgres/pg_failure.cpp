#include "operators/postgres/pg_failure.h"

#include <pqxx/pqxx>

#include "operators/postgres/checkpoint_table.h"

namespace sluice::operators::postgres {
namespace {

std::string one_line(std::string s) {
  for (const char* p : {"ERROR:  ", "FATAL:  "}) {
    if (s.rfind(p, 0) == 0) s.erase(0, std::char_traits<char>::length(p));
  }
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

bool transient_state(const std::string& st) {
  std::string cls = st.substr(0, 2);
  return cls == "08" || cls == "40" || cls == "53" || cls == "57" || cls == "58";
}

}  // namespace

std::string PgFailure::describe() const {
  return sqlstate.empty() ? message : "SQLSTATE " + sqlstate + ": " + message;
}

errc PgFailure::code() const {
  if (in_doubt) return errc::in_doubt;
  if (kind == Kind::Transient) return errc::connect;
  if (kind == Kind::Fenced) return errc::fenced;
  const std::string cls = sqlstate.substr(0, 2);
  if (cls == "22") return errc::conversion;
  if (cls == "23") return errc::constraint;
  return errc::refused;
}

PgFailure PgFailure::from(const std::exception& e) {
  PgFailure f;
  f.message = one_line(e.what());
  if (dynamic_cast<const Fenced*>(&e) != nullptr) {
    f.kind = Kind::Fenced;
  } else if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    f.kind = Kind::Transient;
    f.sqlstate = "08006";
  } else if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    f.kind = Kind::Transient;
    f.in_doubt = true;
  } else if (dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    f.kind = Kind::Transient;
    f.sqlstate = "40P01";
  } else if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr) {
    f.kind = Kind::Transient;
    f.sqlstate = "40001";
  } else if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    f.kind = Kind::Transient;
    f.sqlstate = "40000";
  } else if (const auto* s = dynamic_cast<const pqxx::sql_error*>(&e); s != nullptr) {
    f.sqlstate = s->sqlstate();
    // libpqxx 6.4 throws insufficient_privilege without the SQLSTATE it was thrown for.
    if (f.sqlstate.empty() && dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) {
      f.sqlstate = kInsufficientPrivilege;
    }
    std::string cls = f.sqlstate.substr(0, 2);
    if (cls == "22" || cls == "23") {
      f.kind = Kind::Data;
    } else if (transient_state(f.sqlstate)) {
      f.kind = Kind::Transient;
    }
  }
  return f;
}

}  // namespace sluice::operators::postgres
