// A thin owner of one MYSQL* (text protocol): connect with clear, classified errors, run
// statements and read results. Library errors never escape as exceptions.
#pragma once
#include <mysql.h>

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/mysql_options.h"

namespace sluice::operators::mysql {

struct ConnectOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  int connect_timeout_s = 10;
  int read_timeout_s = 0;  // 0 = library default
  // PEM file of the server's RSA public key (MySQL caching_sha2_password without TLS); empty:
  // Connector/C asks the server for it.
  std::string server_public_key;
  // TLS (`tls { mode ca cert key }`): PEM files; ca = the CA that signed the server's
  // certificate, cert + key = a client certificate (users created REQUIRE X509).
  TlsMode tls_mode = TlsMode::Preferred;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// "disabled", "preferred", ... as written in a file.
const char* tls_mode_name(TlsMode m);

using SqlRow = std::vector<std::optional<std::string>>;

class Connection {
 public:
  Connection() = default;
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  result<void> connect(const ConnectOptions& o);
  void close();
  bool connected() const { return m_ != nullptr; }
  MYSQL* handle() { return m_; }

  result<void> exec(const std::string& sql);
  result<std::vector<SqlRow>> query(const std::string& sql);
  // First column of the first row, nullopt when no row or NULL.
  result<std::optional<std::string>> scalar(const std::string& sql);
  std::string quote(const std::string& s);  // 'escaped'
  unsigned error_number() const { return m_ ? mysql_errno(m_) : 0; }
  // True when the connection is encrypted (TLS negotiated).
  bool tls() const { return tls_; }

  // The error of the last call, classified (transient for lost connections).
  error last_error(const std::string& what) const;

 private:
  MYSQL* m_ = nullptr;
  std::string where_;
  TlsMode tls_mode_ = TlsMode::Preferred;
  bool tls_ = false;
};

// Connects to the first of `hosts` that answers, trying them in order from `first` (wrapping
// around); returns the index. The error is the last host's when none answers (transient when
// every failure was a connection error).
result<size_t> connect_first(Connection& c, const std::vector<ConnectOptions>& hosts,
                             size_t first = 0);

// Quotes an identifier with backquotes.
std::string quote_ident(const std::string& s);
// True for client error codes that mean the network / server went away (retry).
bool is_connection_error(unsigned code);

}  // namespace sluice::operators::mysql
