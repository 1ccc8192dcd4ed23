// Every value returned by secret() is registered here; redact() replaces any occurrence with
// "***" in text bound for logs, error messages, graph output and dead letters.
#pragma once
#include <string>

namespace sluice::secrets {

void add(const std::string& value);
// A connection string's password (URL `scheme://user:PASS@host`, `?password=PASS`, or libpq
// `password=PASS` / `password='PASS'`), percent-decoded too, and the whole string when it has one.
void add_connection_string(const std::string& url);
std::string redact(std::string text);
bool any();

}  // namespace sluice::secrets
