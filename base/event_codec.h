// The JSON encoding of change events (DSL.md §10), shared by the file and stdout sinks, the
// kafka `json` format and dead letters.
//
// Event form, one object per line:
//   {"op":"c","source":{"connector":"file","name":"src","db":null,"table":"orders",
//    "ts":"2024-02-29T13:45:59.123Z","position":42},"key":null,"before":null,"after":{...}}
// - op: "c" | "u" | "d" | "r".
// - source: the SourceMeta of the event (empty strings and a missing SourceMeta encode as
//   null), ts is the event (commit) time as a timestamp ("...Z", null when unknown) and
//   position is the source position Value as JSON.
// - key: the record key (null when not set).
// - before/after: create/read -> before null, after = row; update -> before = the previous
//   row (null when unknown), after = row; delete -> before = row (the deleted image),
//   after = null.
// Values are encoded by json::encode (decimals keep their digits and scale, temporal types as
// strings, bytes base64, nested objects/lists as they are).
//
// Dead-letter form (used whenever Event::dead_letter is set):
//   {"error":{"stage":"clean","kind":"require","code":"engine.require_failed","message":"...",
//    "attempts":1,"at":"2024-02-29T13:45:59.123Z","position":42},"event":{...the event form...}}
// kind is the code's dead-letter kind word, code its "module.name" (base/error_code.h). The
// message passes through secrets::redact.
#pragma once
#include <string>

#include "base/event.h"

namespace sluice::event_codec {

// Appends the event form (no newline).
void append_event(const Event& e, std::string& out);
// Appends the dead-letter form (no newline); e.dead_letter must be set.
void append_dead_letter(const Event& e, std::string& out);
// Appends the dead-letter form when e.dead_letter is set, else the event form; then '\n'.
void append_line(const Event& e, std::string& out);
// Appends a row as a JSON object.
void append_object(const Object& row, std::string& out);

std::string encode(const Event& e);  // append_line without the newline

}  // namespace sluice::event_codec
