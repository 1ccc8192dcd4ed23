#include "operators/mysql/binlog_server.h"

#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

result<void> check_server(Connection& c) {
  auto rows = c.query("SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image");
  if (!rows.ok()) return rows.err();
  if (rows->empty())
    return error::permanent(errc::config, "cannot read the server's binlog settings");
  const SqlRow& r = rows->front();
  if (r[0].value_or("0") != "1") {
    return error::permanent(errc::config,
                            "binary logging is off on the server: start it with log_bin (e.g. "
                            "--log-bin=mysql-bin) and binlog_format=ROW");
  }
  std::string fmt = upper(r[1].value_or(""));
  if (fmt != "ROW") {
    return error::permanent(
        errc::config, "binlog_format is " + fmt +
                          " on the server, CDC needs ROW: SET GLOBAL binlog_format = 'ROW' (and "
                          "binlog_format=ROW in the server config)");
  }
  std::string image = upper(r[2].value_or(""));
  if (image != "FULL") {
    return error::permanent(
        errc::config, "binlog_row_image is " + image +
                          " on the server, CDC needs FULL (complete before and after images): SET "
                          "GLOBAL binlog_row_image = 'FULL' (and in the server config)");
  }
  // MySQL only (MariaDB has no such variable: the query fails and is passed over).
  auto opts = c.scalar("SELECT @@global.binlog_row_value_options");
  if (opts.ok()) {
    std::string why = partial_json_refusal(opts->value_or(""));
    if (!why.empty()) return error::permanent(errc::config, why);
  }
  auto grants = c.query("SHOW GRANTS FOR CURRENT_USER()");
  if (!grants.ok()) return grants.err();
  bool all = false, slave = false, client = false;
  for (auto& g : *grants) {
    std::string s = upper(g[0].value_or(""));
    if (s.find(" ON *.*") == std::string::npos) continue;
    if (s.find("ALL PRIVILEGES") != std::string::npos) all = true;
    if (s.find("REPLICATION SLAVE") != std::string::npos ||
        s.find("REPLICATION REPLICA") != std::string::npos) {
      slave = true;
    }
    if (s.find("REPLICATION CLIENT") != std::string::npos ||
        s.find("BINLOG MONITOR") != std::string::npos) {
      client = true;
    }
  }
  if (!all && !(slave && client)) {
    std::string missing = !slave && !client ? "REPLICATION SLAVE and REPLICATION CLIENT"
                          : !slave          ? "REPLICATION SLAVE"
                                            : "REPLICATION CLIENT";
    return error::permanent(errc::config,
                            "the mysql user lacks the " + missing +
                                " privilege needed to read the binlog: GRANT REPLICATION SLAVE, "
                                "REPLICATION CLIENT ON *.* TO the user");
  }
  return {};
}

result<uint32_t> server_id_of(Connection& c) {
  auto id = c.scalar("SELECT @@global.server_id");
  if (!id.ok()) return id.err();
  return static_cast<uint32_t>(std::stoul(id->value_or("0")));
}

namespace {

// The GTID state of the server now: @@gtid_binlog_pos (MariaDB) or @@gtid_executed (MySQL).
std::string server_gtid_state(Connection& c) {
  auto g = c.scalar("SELECT @@global.gtid_binlog_pos");
  if (g.ok() && g->has_value()) return **g;
  auto m = c.scalar("SELECT @@global.gtid_executed");
  if (m.ok() && m->has_value()) {
    std::string s = **m;
    std::erase(s, '\n');
    return s;
  }
  return "";
}

}  // namespace

std::string server_uuid_of(Connection& c) {
  auto u = c.scalar("SELECT @@global.server_uuid");  // MySQL only: an error on MariaDB
  return u.ok() ? u->value_or("") : "";
}

std::string binlog_status_query(const std::string& version) {
  static const std::string kMaster = "SHOW MASTER STATUS", kBinary = "SHOW BINARY LOG STATUS";
  if (version.find("MariaDB") != std::string::npos) return kMaster;
  unsigned major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%u.%u", &major, &minor) != 2) return kMaster;
  return major > 8 || (major == 8 && minor >= 2) ? kBinary : kMaster;
}

std::string partial_json_refusal(const std::string& binlog_row_value_options) {
  if (upper(binlog_row_value_options).find("PARTIAL_JSON") == std::string::npos) return "";
  return "binlog_row_value_options is " + binlog_row_value_options +
         " on the server: partial JSON updates (PARTIAL_UPDATE_ROWS_EVENT) carry only the "
         "changed part of a document and cannot be decoded into rows; SET GLOBAL "
         "binlog_row_value_options = '' (and remove it from the server config)";
}

namespace {

// The binlog status rows: SHOW BINARY LOG STATUS (MySQL >= 8.2) or SHOW MASTER STATUS, the
// other one when the server does not know the first (ER_PARSE_ERROR).
result<std::vector<SqlRow>> binlog_status(Connection& c) {
  const char* info = c.handle() ? mysql_get_server_info(c.handle()) : nullptr;
  std::string first = binlog_status_query(info ? info : "");
  auto rows = c.query(first);
  if (rows.ok() || c.error_number() != ER_PARSE_ERROR) return rows;
  return c.query(first == "SHOW MASTER STATUS" ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
}

}  // namespace

result<BinlogPosition> current_position(Connection& c) {
  auto rows = binlog_status(c);
  if (!rows.ok()) return rows.err();
  if (rows->empty())
    return error::fatal(errc::config, "the binlog status is empty: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = std::stoull(rows->front()[1].value_or("4"));
  p.gtid = server_gtid_state(c);
  auto id = server_id_of(c);
  if (id.ok()) p.server = *id;
  p.server_uuid = server_uuid_of(c);
  return p;
}

result<BinlogPosition> earliest_position(Connection& c) {
  auto rows = c.query("SHOW BINARY LOGS");
  if (!rows.ok()) return rows.err();
  if (rows->empty())
    return error::fatal(errc::config, "SHOW BINARY LOGS returned nothing: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = 4;
  auto id = server_id_of(c);
  if (id.ok()) p.server = *id;
  p.server_uuid = server_uuid_of(c);
  return p;
}

}  // namespace sluice::operators::mysql
