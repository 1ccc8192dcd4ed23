// Reading the JSON the delta sink keeps (log actions, checkpoint state) once parsed by
// base/json.h: a member of an object and its value as a string or an integer.
#pragma once
#include <cstdint>
#include <string>

#include "base/value.h"

namespace sluice::operators::delta {

// The member `name` of an object; nullptr when v is no object or has none.
const Value* json_member(const Value& v, const char* name);
// The member as a string ("" when absent or not a string).
std::string json_string(const Value& v, const char* name);
// The member as an integer (def when absent or not an integer).
int64_t json_int(const Value& v, const char* name, int64_t def = 0);
// Milliseconds since the epoch, now (the log's timestamps).
int64_t now_millis();

}  // namespace sluice::operators::delta
