// MySQL/MariaDB store a geometry as a 4-byte little-endian SRID followed by its WKB (in the
// binlog and as a column's bytes in a SELECT). Sluice carries it as bytes: the WKB itself when
// the SRID is 0, else EWKB (PostGIS's extended WKB: the type's 0x20000000 flag set and the SRID
// after it), so no SRID is lost and PostGIS reads it as is (ST_GeomFromEWKB, or a cast of the
// bytea to geometry).
#pragma once
#include <string>
#include <string_view>

namespace sluice::operators::mysql {

std::string geometry_bytes(std::string_view stored);

}  // namespace sluice::operators::mysql
