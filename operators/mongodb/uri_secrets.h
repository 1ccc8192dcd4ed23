// The secrets inside a MongoDB connection string.
#pragma once
#include <string>

namespace sluice::operators::mongodb {

// Registers the URI, its password (raw and percent-decoded) and a TLS key-file password in it
// with secrets::add, so none of them can appear in logs, errors or dead letters. Works on
// malformed URIs too (it runs before the URI is parsed).
void register_uri_secrets(const std::string& uri);

}  // namespace sluice::operators::mongodb
