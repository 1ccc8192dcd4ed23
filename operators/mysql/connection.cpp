#include "operators/mysql/connection.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <unistd.h>

#include "base/secrets.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

bool is_connection_error(unsigned code) {
  switch (code) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
    case ER_QUERY_INTERRUPTED:
    case 1927:  // ER_CONNECTION_KILLED
      return true;
    default:
      return false;
  }
}

std::string quote_ident(const std::string& s) {
  std::string out = "`";
  for (char c : s) {
    if (c == '`')
      out += "``";
    else
      out.push_back(c);
  }
  out += "`";
  return out;
}

const char* tls_mode_name(TlsMode m) {
  switch (m) {
    case TlsMode::Disabled:
      return "disabled";
    case TlsMode::Preferred:
      return "preferred";
    case TlsMode::Required:
      return "required";
    case TlsMode::VerifyCa:
      return "verify_ca";
    case TlsMode::VerifyIdentity:
      return "verify_identity";
  }
  return "?";
}

namespace {

// The TLS options of one connection. Connector/C 3.3: MYSQL_OPT_SSL_ENFORCE asks for TLS when
// the server offers it (a server without TLS is still accepted, so `required` is checked after
// the login); a `ca` given makes the library check the server's certificate chain against it;
// MYSQL_OPT_SSL_VERIFY_SERVER_CERT checks the chain (the system's CAs without `ca`) and the
// host name, and refuses a server without TLS before the login. Both flags are always set
// explicitly, so a library whose defaults differ (3.4 verifies by default) does what the mode
// says.
void set_tls(MYSQL* m, const ConnectOptions& o) {
  my_bool use = o.tls_mode != TlsMode::Disabled;
  my_bool verify = o.tls_mode == TlsMode::VerifyIdentity;
  mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &use);
  mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  if (!use) return;
  if (!o.tls_ca.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CA, o.tls_ca.c_str());
  if (!o.tls_cert.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CERT, o.tls_cert.c_str());
  if (!o.tls_key.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_KEY, o.tls_key.c_str());
}

// The `tls` files must be readable (the library's own message for a missing file is vague).
result<void> check_tls_files(const ConnectOptions& o, const std::string& where) {
  if (o.tls_mode == TlsMode::Disabled) return {};
  const std::pair<const char*, const std::string*> files[] = {
      {"ca", &o.tls_ca}, {"cert", &o.tls_cert}, {"key", &o.tls_key}};
  for (const auto& [name, path] : files) {
    if (!path->empty() && ::access(path->c_str(), R_OK) != 0) {
      return error::permanent(errc::tls,
                              "cannot connect on " + where + ": tls " + name + " file \"" + *path +
                                  "\" cannot be read; check the `tls { " + name + " }` option");
    }
  }
  return {};
}

// A TLS error about certificates or keys (OpenSSL's X509 verification texts, Connector/C's
// host name check, unreadable or mismatched PEM files), as opposed to a handshake cut short.
bool tls_refusal(const std::string& msg) {
  for (const char* word : {"certificate", "Certificate", "Validation", "verif", "PEM", "key"}) {
    if (msg.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string no_tls_hint() {
  return "; the server does not offer TLS: configure it with ssl_cert and ssl_key (have_ssl = "
         "YES), or lower `tls { mode }` to preferred or disabled";
}

// What to do about a TLS failure, by mode.
std::string tls_hint(TlsMode m) {
  switch (m) {
    case TlsMode::VerifyCa:
      return "; the server's certificate must be signed by the CA in `tls { ca }` (or use mode = "
             "required to encrypt without checking it)";
    case TlsMode::VerifyIdentity:
      return "; the server's certificate must be signed by the CA in `tls { ca }` (the system's "
             "CAs without it) and name the host as written in `host` (CN or subjectAltName)";
    default:
      return "; check the server's TLS setup (ssl_cert, ssl_key) and the `tls` options";
  }
}

}  // namespace

error Connection::last_error(const std::string& what) const {
  unsigned code = m_ ? mysql_errno(m_) : CR_CONNECTION_ERROR;
  std::string msg = m_ ? mysql_error(m_) : "not connected";
  std::string text = what + " on " + where_ + ": " + msg + " (error " + std::to_string(code) + ")";
  // Errors that waiting cannot heal are permanent: the stage fails at once, without spending
  // the restart budget (`sluice run` exits 3 with what to change).
  if (code == ER_ACCESS_DENIED_ERROR || code == ER_DBACCESS_DENIED_ERROR) {
    std::string hint = "; check the `user` and `password` options";
    if (tls_mode_ == TlsMode::Disabled) {
      hint +=
          " (tls mode = disabled: a user created REQUIRE SSL or REQUIRE X509 is refused "
          "without TLS; use `tls { mode = required }` or stronger)";
    }
    return error::permanent(errc::auth, secrets::redact(text + hint));
  }
  if (code == CR_SSL_CONNECTION_ERROR) {
    // Connector/C: "SSL is required, but the server does not support it" (verify_identity).
    const bool no_tls = msg.find("does not support") != std::string::npos;
    std::string t = secrets::redact(text + " (tls mode = " + tls_mode_name(tls_mode_) + ")" +
                                    (no_tls ? no_tls_hint() : tls_hint(tls_mode_)));
    // A certificate refused or a server without TLS does not heal by waiting; a handshake cut
    // short (a server restarting, a reset connection) does: the binlog stream reconnects.
    if (no_tls || tls_refusal(msg)) return error::permanent(errc::tls, std::move(t));
    return error::transient(errc::tls, std::move(t));
  }
  if (code == ER_SPECIFIC_ACCESS_DENIED_ERROR || code == ER_TABLEACCESS_DENIED_ERROR ||
      code == ER_COLUMNACCESS_DENIED_ERROR) {
    return error::permanent(errc::auth, secrets::redact(text + "; grant the missing privilege"));
  }
  if (code == ER_BAD_DB_ERROR) {
    return error::permanent(errc::config, secrets::redact(text + "; check the `database` option"));
  }
  if (is_connection_error(code)) return error::transient(errc::connect, secrets::redact(text));
  return error::fatal(errc::connect, secrets::redact(text));
}

result<void> Connection::connect(const ConnectOptions& o) {
  close();
  where_ = o.user + "@" + o.host + ":" + std::to_string(o.port);
  m_ = mysql_init(nullptr);
  if (!m_) return error::fatal(errc::connect, "mysql_init failed (out of memory)");
  unsigned int t = static_cast<unsigned>(o.connect_timeout_s);
  mysql_optionsv(m_, MYSQL_OPT_CONNECT_TIMEOUT, &t);
  if (o.read_timeout_s > 0) {
    unsigned int rt = static_cast<unsigned>(o.read_timeout_s);
    mysql_optionsv(m_, MYSQL_OPT_READ_TIMEOUT, &rt);
  }
  mysql_optionsv(m_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // TCP to host:port whatever the host's name: the library would take "localhost" as its Unix
  // socket and ignore the port.
  unsigned int tcp = MYSQL_PROTOCOL_TCP;
  mysql_optionsv(m_, MYSQL_OPT_PROTOCOL, &tcp);
  if (!o.server_public_key.empty()) {
    mysql_optionsv(m_, MYSQL_SERVER_PUBLIC_KEY, o.server_public_key.c_str());
  }
  tls_mode_ = o.tls_mode;
  tls_ = false;
  auto files = check_tls_files(o, where_);
  if (!files.ok()) {
    close();
    return files;
  }
  set_tls(m_, o);
  if (!mysql_real_connect(m_, o.host.c_str(), o.user.c_str(), o.password.c_str(),
                          o.database.empty() ? nullptr : o.database.c_str(),
                          static_cast<unsigned>(o.port), nullptr, 0)) {
    error e = last_error("cannot connect");
    close();
    return e;
  }
  tls_ = mysql_get_ssl_cipher(m_) != nullptr;
  if (!tls_ && o.tls_mode >= TlsMode::Required) {
    close();
    return error::permanent(errc::tls, "cannot connect on " + where_ +
                                           ": TLS was not negotiated (tls mode = " +
                                           tls_mode_name(o.tls_mode) + ")" + no_tls_hint());
  }
  return {};
}

result<size_t> connect_first(Connection& c, const std::vector<ConnectOptions>& hosts,
                             size_t first) {
  if (hosts.empty()) return error::fatal(errc::config, "no mysql host given");
  error last;
  bool all_transient = true;
  for (size_t k = 0; k < hosts.size(); ++k) {
    size_t i = (first + k) % hosts.size();
    auto r = c.connect(hosts[i]);
    if (r.ok()) return i;
    all_transient &= r.err().kind == failure_kind::transient;
    last = r.err();
  }
  if (hosts.size() > 1) last.message = "no server answers; last: " + last.message;
  if (all_transient) last.kind = failure_kind::transient;
  return last;
}

void Connection::close() {
  if (m_) {
    mysql_close(m_);
    m_ = nullptr;
  }
}

result<void> Connection::exec(const std::string& sql) {
  if (!m_) return error::transient(errc::connect, "not connected to " + where_);
  if (mysql_real_query(m_, sql.data(), sql.size()) != 0) return last_error("query failed");
  MYSQL_RES* r = mysql_store_result(m_);
  if (r) mysql_free_result(r);
  return {};
}

result<std::vector<SqlRow>> Connection::query(const std::string& sql) {
  if (!m_) return error::transient(errc::connect, "not connected to " + where_);
  if (mysql_real_query(m_, sql.data(), sql.size()) != 0) return last_error("query failed");
  std::vector<SqlRow> rows;
  MYSQL_RES* r = mysql_store_result(m_);
  if (!r) {
    if (mysql_errno(m_) != 0) return last_error("query failed");
    return rows;
  }
  unsigned n = mysql_num_fields(r);
  while (MYSQL_ROW row = mysql_fetch_row(r)) {
    unsigned long* lens = mysql_fetch_lengths(r);
    SqlRow out;
    out.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (row[i])
        out.emplace_back(std::string(row[i], lens[i]));
      else
        out.emplace_back(std::nullopt);
    }
    rows.push_back(std::move(out));
  }
  mysql_free_result(r);
  return rows;
}

result<std::optional<std::string>> Connection::scalar(const std::string& sql) {
  auto rows = query(sql);
  if (!rows.ok()) return rows.err();
  if (rows->empty() || rows->front().empty()) return std::optional<std::string>();
  return rows->front()[0];
}

std::string Connection::quote(const std::string& s) {
  std::string out(s.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = m_ ? mysql_real_escape_string(m_, out.data() + 1, s.data(), s.size()) : 0;
  out.resize(n + 1);
  out.push_back('\'');
  return out;
}

}  // namespace sluice::operators::mysql
