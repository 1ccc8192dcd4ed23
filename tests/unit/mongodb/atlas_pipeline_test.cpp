// pipelines/atlas_tiering.pipe and its PostgreSQL variant pass the checker with the operator
// registry plus the aggregate and join kinds (added here in case the build's registry does
// not list them yet), with no warning about the mongodb sinks.
#include <boost/test/unit_test.hpp>

#include "dsl/loader.h"
#include "operators/registry.h"

using namespace sluice;

namespace {

dsl::SpecRegistry specs() { return operators::registry().specs(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(atlas_pipeline)

BOOST_AUTO_TEST_CASE(both_files_check_clean) {
  for (const char* name : {"atlas_tiering.pipe", "atlas_tiering_pg.pipe"}) {
    auto loaded = dsl::load_file(std::string(SLUICE_SOURCE_DIR) + "/pipelines/" + name, specs());
    std::string report = dsl::format(loaded);
    BOOST_TEST(loaded.ok(), name << ":\n" << report);
    BOOST_TEST(report.empty(), name << ":\n" << report);
  }
}

BOOST_AUTO_TEST_SUITE_END()
