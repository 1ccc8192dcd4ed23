// sluice reconcile FILE [--pipeline NAME] [--repair] [--chunk N]: compares every MySQL source
// table with the PostgreSQL table its upsert sink writes, reports missing / extra / different
// rows and, with --repair, re-reads those rows from MySQL and sends them through the sinks.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <pqxx/pqxx>

#include "dsl/loader.h"
#include "engine/runtime/checkpoint_store.h"
#include "engine/runtime/config_builder.h"
#include "engine/runtime/rate_limiter.h"
#include "engine/runtime/runner.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/snapshot_reader.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/sql_text.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/table_reconciler.h"

namespace sluice::runtime {
namespace {

namespace my = operators::mysql;
namespace pg = operators::postgres;

constexpr int kExitDiffers = 4;
constexpr const char* kRepairKind = "sluice_reconcile_rows";

const char* kHelp =
    "usage: sluice reconcile FILE [--pipeline NAME] [--repair] [--chunk ROWS] [--show N]\n\n"
    "Compares each table of every `source mysql` with the PostgreSQL table its `sink postgres`\n"
    "(mode upsert, fed directly by the source) writes: primary-key chunks with checksums first,\n"
    "then the rows of the chunks that differ. Reports missing, extra and different rows.\n"
    "  --repair      re-read the missing and different rows from MySQL and send them (and deletes\n"
    "                for the extra rows) through the pipeline's sinks, then compare again\n"
    "  --chunk ROWS  rows per checksum chunk (default 10000; tables keyed by one integer column)\n"
    "  --show N      keys listed per kind of difference (default 10)\n"
    "Exit codes: 0 in sync, 1 invalid pipeline, 2 usage, 3 failure, 4 differences remain.\n";

// One source table compared with its target, plus what a repair needs.
struct Pair {
  std::string source_stage, sink_stage;
  std::string db, table;
  my::TableSchema schema;
  pg::QualifiedName target;
  std::string url;
};

class VectorSource : public Source {
 public:
  explicit VectorSource(std::shared_ptr<std::vector<Event>> events) : events_(std::move(events)) {}
  result<void> open(const std::string&) override { return {}; }
  result<Poll> poll(size_t max, std::vector<Event>& out) override {
    while (next_ < events_->size() && max-- > 0) out.push_back((*events_)[next_++]);
    return next_ < events_->size() ? Poll::Data : Poll::End;
  }
  std::string checkpoint_state() const override { return std::to_string(next_); }
  bool progress(int64_t& done, int64_t& total) const override {
    done = static_cast<int64_t>(next_);
    total = static_cast<int64_t>(events_->size());
    return true;
  }

 private:
  std::shared_ptr<std::vector<Event>> events_;
  size_t next_ = 0;
};

std::string key_text(const std::vector<std::string>& key) {
  std::string s = "(";
  for (size_t i = 0; i < key.size(); ++i) s += (i ? ", " : "") + key[i];
  return s + ")";
}

void print_keys(const char* what, const std::vector<std::vector<std::string>>& keys, size_t show) {
  if (keys.empty()) return;
  std::printf("    %-9s %zu:", what, keys.size());
  for (size_t i = 0; i < keys.size() && i < show; ++i)
    std::printf(" %s", key_text(keys[i]).c_str());
  if (keys.size() > show) std::printf(" ...");
  std::printf("\n");
}

// Finds the (mysql source, postgres upsert sink) pairs of a pipeline and each source's tables.
result<std::vector<Pair>> discover(const ast::Pipeline& p, my::Connection& conn,
                                   const my::MySqlConfig& cfg, const std::string& source_stage) {
  std::vector<Pair> pairs;
  const auto* pg_kind = operators::registry().find(dsl::Role::Sink, "postgres");
  // The tables of the source.
  auto tables = conn.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
      "'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!tables.ok()) return tables.err();
  my::SchemaLoader loader(&conn);
  auto filter = cfg.filter();
  for (const auto& st : p.stages) {
    if (st.type != ast::StageType::Sink || st.kind != "postgres") continue;
    bool direct = false;
    for (const auto& f : st.from) direct = direct || f.name == source_stage;
    if (!direct) continue;
    auto sc = engine::ConfigBuilder::stage(p.name, st, pg_kind ? &pg_kind->spec : nullptr, "");
    if (!sc.ok()) return sc.err();
    auto opts = pg::SinkOptions::from_config(*sc);
    if (!opts.ok()) return opts.err();
    if (opts->mode != pg::Mode::Upsert) {
      std::printf("skipping sink '%s': mode is not upsert (its rows are not one per source row)\n",
                  st.name.c_str());
      continue;
    }
    for (const auto& row : *tables) {
      if (!row[0] || !row[1] || !filter.matches(*row[0], *row[1])) continue;
      auto schema = loader.get(*row[0], *row[1]);
      if (!schema.ok()) return schema.err();
      Pair pr;
      pr.source_stage = source_stage;
      pr.sink_stage = st.name;
      pr.db = *row[0];
      pr.table = *row[1];
      pr.schema = **schema;
      pr.url = opts->url;
      std::string target = opts->table_constant;
      if (opts->table) {
        Event e;
        auto meta = std::make_shared<SourceMeta>();
        meta->connector = "mysql";
        meta->name = source_stage;
        meta->db = pr.db;
        meta->table = pr.table;
        e.source = meta;
        eval::Context ctx;
        ctx.event = &e;
        ctx.row = &e.row;
        Value v = opts->table->eval(ctx);
        if (v.type() != Type::String)
          return error::permanent("sink '" + st.name + "': table is not a string");
        target = v.as_string();
      }
      pr.target = pg::parse_table_name(target);
      pairs.push_back(std::move(pr));
    }
  }
  return pairs;
}

// The events that repair `diff`: rows re-read from MySQL ("r"), deletes for extra rows.
result<std::vector<Event>> repair_events(my::Connection& conn, const Pair& pr,
                                         const TableDiff& diff) {
  std::vector<Event> out;
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = pr.source_stage;
  meta->db = pr.db;
  meta->table = pr.table;
  meta->primary_key = pr.schema.primary_key;
  for (const auto& c : pr.schema.columns) {
    meta->column_names.push_back(c.name);
    meta->column_types.push_back(c.column_type);
  }
  Object pos;
  pos.append(intern("reconcile"), Value::boolean(true));
  const Value position = Value::object(std::move(pos));
  const int64_t now = engine::wall_clock_us();
  std::vector<const my::ColumnSchema*> key_cols;
  for (const auto& k : pr.schema.primary_key) {
    for (const auto& c : pr.schema.columns) {
      if (c.name == k) key_cols.push_back(&c);
    }
  }
  uint64_t zero_dates = 0;
  std::vector<std::vector<std::string>> reread = diff.missing;
  reread.insert(reread.end(), diff.different.begin(), diff.different.end());
  std::string cols;
  for (size_t i = 0; i < pr.schema.columns.size(); ++i)
    cols += (i ? ", " : "") + my::quote_ident(pr.schema.columns[i].name);
  std::string key_list;
  for (size_t i = 0; i < key_cols.size(); ++i)
    key_list += (i ? ", " : "") + my::quote_ident(key_cols[i]->name);
  for (size_t start = 0; start < reread.size(); start += 500) {
    std::string in;
    for (size_t i = start; i < reread.size() && i < start + 500; ++i) {
      std::string tuple;
      for (size_t k = 0; k < reread[i].size(); ++k)
        tuple += (k ? ", " : "") + conn.quote(reread[i][k]);
      in += (i > start ? ", " : "") + std::string("(") + tuple + ")";
    }
    auto rows = conn.query("SELECT " + cols + " FROM " + my::quote_ident(pr.db) + "." +
                           my::quote_ident(pr.table) + " WHERE (" + key_list + ") IN (" + in + ")");
    if (!rows.ok()) return rows.err();
    for (const auto& r : *rows) {
      Event e;
      e.op = Op::Read;
      e.ts = now;
      e.position = position;
      e.source = meta;
      for (size_t i = 0; i < pr.schema.columns.size(); ++i) {
        Value v;
        if (r[i]) {
          auto conv = my::text_to_value(pr.schema.columns[i], *r[i], zero_dates);
          if (!conv.ok()) return conv.err();
          v = std::move(conv).value();
        }
        e.row.append(intern(pr.schema.columns[i].name), std::move(v));
      }
      out.push_back(std::move(e));
    }
  }
  for (const auto& key : diff.extra) {
    Event e;
    e.op = Op::Delete;
    e.ts = now;
    e.position = position;
    e.source = meta;
    for (size_t i = 0; i < key_cols.size() && i < key.size(); ++i) {
      auto conv = my::text_to_value(*key_cols[i], key[i], zero_dates);
      if (!conv.ok()) return conv.err();
      e.row.append(intern(key_cols[i]->name), std::move(conv).value());
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Runs `events` through the sinks `sinks` of pipeline `p` as pipeline "<p>__repair" with its own
// state directory. Each sink's exactly-once row in sluice_checkpoints is carried over, so a
// later repair is not mistaken for a replay.
result<void> run_repair(const ast::File& file, ast::Pipeline& p, const std::string& source_stage,
                        const std::vector<std::string>& sinks, std::vector<Event> events,
                        const std::string& url) {
  ast::File rf;
  rf.path = file.path;
  rf.text = file.text;
  ast::Pipeline rp;
  rp.name = p.name + "__repair";
  ast::Stage src;
  src.type = ast::StageType::Source;
  src.kind = kRepairKind;
  src.name = source_stage;
  rp.stages.push_back(std::move(src));
  for (auto& st : p.stages) {
    bool wanted = false;
    for (const auto& s : sinks) wanted = wanted || s == st.name;
    if (!wanted) continue;
    ast::Stage copy;
    copy.type = st.type;
    copy.kind = st.kind;
    copy.name = st.name;
    copy.from = st.from;
    copy.from.erase(std::remove_if(copy.from.begin(), copy.from.end(),
                                   [&](const ast::NameRef& n) { return n.name != source_stage; }),
                    copy.from.end());
    for (auto& o : st.options) {  // moved: the original pipeline is not used after this
      if (o.name == "dead_letter" || o.name == "on_error") continue;
      copy.options.push_back(std::move(o));
    }
    rp.stages.push_back(std::move(copy));
  }
  auto shared = std::make_shared<std::vector<Event>>(std::move(events));
  OperatorRegistry reg = operators::registry();
  OperatorKind k;
  k.spec.role = dsl::Role::Source;
  k.spec.kind = kRepairKind;
  k.spec.summary = "rows re-read by sluice reconcile --repair";
  k.source = [shared](const StageConfig&) -> result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(new VectorSource(shared));
  };
  reg.add(std::move(k));

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("sluice-repair-" + std::to_string(::getpid()) +
                                                 "-" + std::to_string(engine::wall_clock_us())))
          .string();
  engine::Checkpoint cp;
  cp.id = 1;
  cp.written_at = engine::wall_clock_us();
  try {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    auto exists = tx.exec("SELECT to_regclass('public.sluice_checkpoints') IS NOT NULL");
    if (exists[0][0].as<bool>()) {
      for (const auto& s : sinks) {
        auto r = tx.exec("SELECT seq FROM public.sluice_checkpoints WHERE pipeline = " +
                         tx.quote(rp.name) + " AND stage = " + tx.quote(s));
        if (!r.empty() && !r[0][0].is_null())
          cp.stages[s] = {"{\"seq\":" + std::to_string(r[0][0].as<int64_t>()) + "}"};
      }
    }
  } catch (const std::exception& e) {
    return error::permanent(std::string("PostgreSQL: ") + e.what());
  }
  engine::CheckpointStore store(dir + "/" + rp.name);
  std::filesystem::create_directories(store.dir());
  if (!cp.stages.empty()) {
    auto saved = store.save(rp.name, cp);
    if (!saved.ok()) return saved.err();
  }
  rf.pipelines.push_back(std::move(rp));
  engine::RunOptions opts;
  opts.state_dir = dir;
  opts.quiet = true;
  auto res = engine::run(rf, reg, opts);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (res.exit_code != 0) {
    return error::permanent("repair run failed: " +
                            (res.failures.empty() ? std::string("?") : res.failures[0]));
  }
  return {};
}

}  // namespace

int command_reconcile(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("reconcile", argv, {"--pipeline", "--chunk", "--show"},
                                 {"--repair"}, kHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice reconcile: expected exactly one FILE\n\n%s", kHelp);
    return kExitUsage;
  }
  int64_t chunk = 10000;
  size_t show = 10;
  try {
    if (auto c = args->get("--chunk")) chunk = std::stoll(*c);
    if (auto s = args->get("--show")) show = static_cast<size_t>(std::stoul(*s));
  } catch (const std::exception&) {
    std::fprintf(stderr, "sluice reconcile: --chunk and --show take numbers\n");
    return kExitUsage;
  }
  if (chunk < 1) chunk = 1;
  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  if (!loaded.ok()) {
    std::fputs(dsl::format(loaded).c_str(), stderr);
    return kExitInvalid;
  }
  const std::string only = args->get("--pipeline").value_or("");
  const auto* my_kind = operators::registry().find(dsl::Role::Source, "mysql");
  bool any = false, differs = false;
  for (auto& p : loaded.file.pipelines) {
    if (!only.empty() && p.name != only) continue;
    for (const auto& st : p.stages) {
      if (st.type != ast::StageType::Source || st.kind != "mysql") continue;
      auto sc = engine::ConfigBuilder::stage(p.name, st, my_kind ? &my_kind->spec : nullptr, "");
      if (!sc.ok()) {
        std::fprintf(stderr, "sluice reconcile: %s\n", sc.err().message.c_str());
        return kExitInvalid;
      }
      auto cfg = my::read_config(*sc);
      if (!cfg.ok()) {
        std::fprintf(stderr, "sluice reconcile: %s\n", cfg.err().message.c_str());
        return kExitInvalid;
      }
      my::Connection conn;
      auto c = conn.connect(cfg->conn);
      if (!c.ok()) {
        std::fprintf(stderr, "sluice reconcile: source '%s': %s\n", st.name.c_str(),
                     c.err().message.c_str());
        return kExitRuntime;
      }
      auto pairs = discover(p, conn, *cfg, st.name);
      if (!pairs.ok()) {
        std::fprintf(stderr, "sluice reconcile: %s\n", pairs.err().message.c_str());
        return kExitRuntime;
      }
      std::map<std::string, std::vector<Event>> repairs;  // sink -> events
      std::map<std::string, std::string> urls;
      std::vector<const Pair*> to_check;
      for (const auto& pr : *pairs) {
        any = true;
        try {
          pqxx::connection pgc(pr.url);
          TableReconciler rec(conn, pgc, chunk);
          auto diff = rec.compare(pr.db, pr.table, pr.schema, pr.target.schema, pr.target.name);
          if (!diff.ok()) {
            std::fprintf(stderr, "sluice reconcile: %s\n", diff.err().message.c_str());
            return kExitRuntime;
          }
          std::printf(
              "%s.%s -> %s (sink %s): %llu source rows, %llu target rows, %llu/%llu chunks differ: "
              "%s\n",
              pr.db.c_str(), pr.table.c_str(), pr.target.display().c_str(), pr.sink_stage.c_str(),
              static_cast<unsigned long long>(diff->source_rows),
              static_cast<unsigned long long>(diff->target_rows),
              static_cast<unsigned long long>(diff->differing_chunks),
              static_cast<unsigned long long>(diff->chunks),
              diff->in_sync() ? "in sync"
                              : (std::to_string(diff->missing.size()) + " missing, " +
                                 std::to_string(diff->extra.size()) + " extra, " +
                                 std::to_string(diff->different.size()) + " different")
                                    .c_str());
          print_keys("missing", diff->missing, show);
          print_keys("extra", diff->extra, show);
          print_keys("different", diff->different, show);
          if (diff->in_sync()) continue;
          if (!args->has("--repair")) {
            differs = true;
            continue;
          }
          auto ev = repair_events(conn, pr, *diff);
          if (!ev.ok()) {
            std::fprintf(stderr, "sluice reconcile: %s\n", ev.err().message.c_str());
            return kExitRuntime;
          }
          auto& v = repairs[pr.sink_stage];
          for (auto& e : *ev) v.push_back(std::move(e));
          urls[pr.sink_stage] = pr.url;
          to_check.push_back(&pr);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "sluice reconcile: PostgreSQL: %s\n", e.what());
          return kExitRuntime;
        }
      }
      for (auto& [sink, events] : repairs) {
        std::printf("repair: sending %zu row(s) from '%s' through sink '%s'\n", events.size(),
                    st.name.c_str(), sink.c_str());
        auto r = run_repair(loaded.file, p, st.name, {sink}, std::move(events), urls[sink]);
        if (!r.ok()) {
          std::fprintf(stderr, "sluice reconcile: %s\n", r.err().message.c_str());
          return kExitRuntime;
        }
      }
      for (const Pair* pr : to_check) {  // compare again after the repair
        pqxx::connection pgc(pr->url);
        TableReconciler rec(conn, pgc, chunk);
        auto diff = rec.compare(pr->db, pr->table, pr->schema, pr->target.schema, pr->target.name);
        if (!diff.ok() || !diff->in_sync()) {
          differs = true;
          std::printf("after repair: %s.%s -> %s still differs\n", pr->db.c_str(),
                      pr->table.c_str(), pr->target.display().c_str());
        } else {
          std::printf("after repair: %s.%s -> %s in sync\n", pr->db.c_str(), pr->table.c_str(),
                      pr->target.display().c_str());
        }
      }
    }
  }
  if (!any) {
    std::fprintf(
        stderr,
        "sluice reconcile: no `source mysql` feeding a `sink postgres` (mode upsert) found%s\n",
        only.empty() ? "" : (" in pipeline '" + only + "'").c_str());
    return kExitInvalid;
  }
  return differs ? kExitDiffers : kExitOk;
}

}  // namespace sluice::runtime
