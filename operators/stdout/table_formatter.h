// Readable aligned columns for `sink stdout { format = table }`: a header line whenever the
// row's schema (its field names) changes; column widths are fixed when the header is printed
// (from the header and the rows of the same schema in that batch, at most kMaxWidth);
// longer values are cut and end with "…". Dead letters print as one "! DEAD ..." line, a
// truncate event (no row) as "t TRUNCATE db.table".
#pragma once
#include <string>
#include <vector>

#include "base/event.h"

namespace sluice::operators::stdout_sink {

class TableFormatter {
 public:
  static constexpr size_t kMaxWidth = 40;
  // Appends the lines for events to out.
  void format(const std::vector<Event>& events, std::string& out);

 private:
  void header(const std::vector<Event>& events, size_t from, std::string& out);
  std::vector<Sym> schema_;
  std::vector<size_t> widths_;  // op column first
  bool have_schema_ = false;
};

}  // namespace sluice::operators::stdout_sink
