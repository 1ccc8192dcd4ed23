// Every value returned by secret() is registered here; redact() replaces any occurrence with
// "***" in text bound for logs, error messages, graph output and dead letters.
#pragma once
#include <string>

namespace sluice::secrets {

void add(const std::string& value);
std::string redact(std::string text);
bool any();

}  // namespace sluice::secrets
