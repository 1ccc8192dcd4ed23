// Tokens of one SQL statement as MySQL / MariaDB read it, for the DDL model (ddl_apply.h):
// identifiers and keywords, `back-quoted` names (`` for a back quote), 'strings' and "strings"
// ('' doubling and backslash escapes; adjacent strings joined; _charset and N introducers
// dropped), numbers, X'..' / 0x.. and B'..' / 0b.. literals, punctuation. Comments (-- , #,
// /* */) are skipped; the content of executable comments (/*! */, /*!50100 */, /*M! */) is
// read as code.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::operators::mysql {

enum class TokenKind : uint8_t {
  Word,    // an unquoted identifier or keyword
  Ident,   // a `back-quoted` identifier
  String,  // a string literal (text: its decoded bytes)
  Number,  // as written: 12, 1.5, .5, 1e3
  Hex,     // X'41' / 0x41 (text: the hex digits)
  Bits,    // B'101' / 0b101 (text: the binary digits)
  Punct,   // one character: ( ) , . ; = + - * / ...
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  size_t begin = 0;  // the token's bytes in the statement: [begin, end)
  size_t end = 0;
};

// The tokens of `sql`, ending with one End token. Never fails: an unterminated string or
// comment ends at the end of the text.
std::vector<Token> lex_sql(std::string_view sql);

}  // namespace sluice::operators::mysql
