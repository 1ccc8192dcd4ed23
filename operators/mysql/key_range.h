// Keyset bounds of the snapshot's chunk queries, written out column by column:
//   (a, b) > (x, y)   as   a >= x AND (a > x OR (a = x AND b > y))
//   (a, b) <= (x, y)  as   a <= x AND (a < x OR (a = x AND b <= y))
// Both forms select the same rows (NULLs included: a comparison with NULL is NULL in each), but
// only the written-out one becomes an index range: with the row constructor, MariaDB 10.11 (and
// MySQL up to 8.4, bug #111952) reads the key's index from its first entry, so each chunk of a
// table with a composite key cost a scan of every row before it (a 1,000-row chunk in the middle
// of a 200,000-row table: 101,144 index reads instead of 999).
#pragma once
#include <string>
#include <vector>

namespace sluice::operators::mysql {

// `columns` are quoted identifiers, `literals` quoted SQL values, one for each column.
std::string key_after(const std::vector<std::string>& columns,
                      const std::vector<std::string>& literals);
std::string key_upto(const std::vector<std::string>& columns,
                     const std::vector<std::string>& literals);

}  // namespace sluice::operators::mysql
