// Editor syntax files for .pipe, generated from the grammar's keywords (dsl/keywords.h) and
// the function table: a VS Code extension (TextMate grammar) under editors/vscode/ and a vim
// syntax under editors/vim/. `sluice docs` writes them; `sluice docs --check` compares them.
#pragma once
#include <map>
#include <string>

namespace sluice::runtime {

// Path relative to the repository root -> text.
std::map<std::string, std::string> render_editor_files();

}  // namespace sluice::runtime
