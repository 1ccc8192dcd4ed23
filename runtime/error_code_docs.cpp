#include "runtime/error_code_docs.h"

#include "cluster/errc.h"
#include "dsl/eval/errc.h"
#include "engine/core/errc.h"
#include "operators/avro/errc.h"
#include "operators/debezium/errc.h"
#include "operators/delta/errc.h"
#include "operators/file/errc.h"
#include "operators/kafka/errc.h"
#include "operators/mongodb/errc.h"
#include "operators/mysql/errc.h"
#include "operators/postgres/errc.h"
#include "reconcile/errc.h"

namespace sluice::runtime {
namespace {

// The category of a module's errc (every errc has a first value 0).
template <class E>
const error_category* category_of() {
  return error_code(E{}).category();
}

}  // namespace

const std::vector<const error_category*>& error_categories() {
  static const std::vector<const error_category*> all = {
      category_of<eval::errc>(),
      category_of<engine::errc>(),
      category_of<operators::mysql::errc>(),
      category_of<operators::postgres::errc>(),
      category_of<operators::kafka::errc>(),
      category_of<operators::mongodb::errc>(),
      category_of<operators::file::errc>(),
      category_of<operators::debezium::errc>(),
      category_of<operators::avro::errc>(),
      category_of<operators::delta::errc>(),
      category_of<cluster::errc>(),
      category_of<reconcile::errc>(),
  };
  return all;
}

std::string render_error_codes() {
  std::string out = "| code | kind | meaning |\n|---|---|---|\n";
  for (const error_category* c : error_categories()) {
    for (size_t i = 0; i < c->size; ++i) {
      const error_entry& e = c->entries[i];
      out += "| `" + std::string(c->module) + "." + e.name + "` | `" + e.kind + "` | " + e.message +
             " |\n";
    }
  }
  return out;
}

}  // namespace sluice::runtime
