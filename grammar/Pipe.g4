// The .pipe language (docs: docs/language.md). Generated at build time into the
// sluice_grammar namespace (PipeLexer, PipeParser, PipeVisitor); dsl/ast_builder turns the
// parse tree into dsl/ast.h. Keywords are reserved only where a keyword can stand: the
// `ident`, `name` and `anyName` rules accept keyword tokens as names.
grammar Pipe;

@lexer::members {
  // True when the next character cannot continue an identifier: `5min` is not `5m in`.
  bool notIdentChar() {
    size_t c = _input->LA(1);
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_');
  }
}

// ---------------------------------------------------------------- files, stages

file : (pipeline | testBlock)* EOF ;

// One expression alone (`sluice eval`).
exprOnly : expr EOF ;

pipeline : K_PIPELINE pipelineName=anyName LBRACE (settingsBlock | stage)* RBRACE ;

settingsBlock : K_SETTINGS LBRACE option* RBRACE ;

// A processor's kind (transform, aggregate, join, ...) is a registered name, not a keyword:
// a new processor needs no change here (operators/registry.cpp lists the kinds).
stage
  : K_SOURCE kind=anyName stageName=anyName optionBody
  | processorKind=ID stageName=anyName fromClause (K_ON exprList)? stmtBody
  | K_SINK kind=anyName stageName=anyName fromClause? optionBody
  ;

fromClause : K_FROM anyName (COMMA anyName)* ;

optionBody : LBRACE option* RBRACE ;

// `name = expr` or `name { options }` (options in a block are separated by whitespace);
// `"pattern" = expr` names an entry of a map option (`key { "bank.*_log" = ["id"] }`).
option
  : (anyName | STRING) ASSIGN expr
  | anyName LBRACE option* RBRACE
  ;

stmtBody : LBRACE statement* RBRACE ;

statement
  : whereStmt
  | setStmt
  | dropStmt
  | keepStmt
  | renameStmt
  | selectStmt
  | flattenStmt
  | keyStmt
  | requireStmt
  | groupByStmt
  | windowStmt
  | option
  ;

whereStmt   : K_WHERE expr ;
setStmt     : K_SET path ASSIGN expr ;
dropStmt    : K_DROP path (COMMA path)* ;
keepStmt    : K_KEEP path (COMMA path)* ;
renameStmt  : K_RENAME path K_TO path ;
selectStmt  : K_SELECT objectLit ;
flattenStmt : K_FLATTEN path (K_PREFIX STRING)? ;
keyStmt     : K_KEY expr (COMMA expr)* ;
requireStmt : K_REQUIRE expr K_ELSE STRING ;
groupByStmt : K_GROUP K_BY expr (COMMA expr)* ;
windowStmt  : K_WINDOW anyName LPAREN exprList? RPAREN K_ON path ;

path : anyName (DOT anyName)* ;

// ---------------------------------------------------------------- pipeline tests
// `test "name" of PIPELINE { input STAGE = [...]  expect STAGE = [...]
//                            expect_dead_letters STAGE = N }` (docs/testing.md)

testBlock : K_TEST testName=STRING K_OF pipelineName=anyName LBRACE testStmt* RBRACE ;

testStmt
  : K_INPUT stageName=anyName ASSIGN expr
  | K_EXPECT stageName=anyName ASSIGN expr
  | K_EXPECT_DEAD_LETTERS stageName=anyName ASSIGN expr
  ;

// ---------------------------------------------------------------- expressions
// Precedence, loosest first: ??; or; and; comparisons / in / is [not] null; + -; * / %;
// not, unary -. `if C then A else B` is a primary whose else-branch extends to the right.

expr : coalesceExpr ;

coalesceExpr : orExpr (QQ orExpr)* ;
orExpr       : andExpr (K_OR andExpr)* ;
andExpr      : cmpExpr (K_AND cmpExpr)* ;
cmpExpr      : addExpr cmpTail* ;
cmpTail
  : cmpOp addExpr
  | K_IN listLit
  | K_IS K_NOT? K_NULL
  ;
cmpOp   : EQ | NEQ | LT | LE | GT | GE ;
addExpr : mulExpr (addOp mulExpr)* ;
addOp   : PLUS | MINUS ;
mulExpr : unaryExpr (mulOp unaryExpr)* ;
mulOp   : STAR | SLASH | PERCENT ;

unaryExpr
  : K_NOT unaryExpr
  | MINUS unaryExpr
  | primary
  ;

primary
  : literal
  | listLit
  | objectLit
  | ifExpr
  | call
  | metaRef
  | fieldRef
  | LPAREN expr RPAREN
  ;

ifExpr : K_IF expr K_THEN expr K_ELSE expr ;

literal
  : INT | DECIMAL | FLOAT | STRING | DURATION | SIZE | RATE | K_TRUE | K_FALSE | K_NULL ;

listLit   : LBRACK (expr (COMMA expr)* COMMA?)? RBRACK ;
objectLit : LBRACE (objEntry (COMMA objEntry)* COMMA?)? RBRACE ;
// `@op: "d"` (a record's metadata) is allowed only in the records of a test block.
objEntry  : (anyName | STRING | AT anyName) COLON expr ;

call     : ident LPAREN exprList? RPAREN ;
metaRef  : AT anyName (DOT anyName)* ;
fieldRef : name (DOT anyName)* ;
exprList : expr (COMMA expr)* ;

// ---------------------------------------------------------------- names
// Words usable as field names inside expressions (every keyword that cannot start or
// continue an expression).
ident
  : ID
  | K_PIPELINE | K_SETTINGS | K_SOURCE | K_SINK
  | K_FROM | K_ON | K_WHERE | K_SET | K_DROP | K_KEEP | K_RENAME | K_TO | K_SELECT
  | K_FLATTEN | K_PREFIX | K_KEY | K_REQUIRE | K_GROUP | K_BY | K_WINDOW
  | K_TEST | K_OF | K_INPUT | K_EXPECT | K_EXPECT_DEAD_LETTERS
  ;
name : ident | BQ_ID ;
// Any word: where no expression can follow (stage kinds and names, option names, paths).
anyName
  : name
  | K_IF | K_THEN | K_ELSE | K_AND | K_OR | K_NOT | K_IN | K_IS | K_TRUE | K_FALSE | K_NULL
  ;

// ---------------------------------------------------------------- lexer

K_PIPELINE  : 'pipeline' ;
K_SETTINGS  : 'settings' ;
K_SOURCE    : 'source' ;
K_SINK      : 'sink' ;
K_FROM      : 'from' ;
K_ON        : 'on' ;
K_WHERE     : 'where' ;
K_SET       : 'set' ;
K_DROP      : 'drop' ;
K_KEEP      : 'keep' ;
K_RENAME    : 'rename' ;
K_TO        : 'to' ;
K_SELECT    : 'select' ;
K_FLATTEN   : 'flatten' ;
K_PREFIX    : 'prefix' ;
K_KEY       : 'key' ;
K_REQUIRE   : 'require' ;
K_GROUP     : 'group' ;
K_BY        : 'by' ;
K_WINDOW    : 'window' ;
K_TEST      : 'test' ;
K_OF        : 'of' ;
K_INPUT     : 'input' ;
K_EXPECT    : 'expect' ;
K_EXPECT_DEAD_LETTERS : 'expect_dead_letters' ;
K_IF        : 'if' ;
K_THEN      : 'then' ;
K_ELSE      : 'else' ;
K_AND       : 'and' ;
K_OR        : 'or' ;
K_NOT       : 'not' ;
K_IN        : 'in' ;
K_IS        : 'is' ;
K_TRUE      : 'true' ;
K_FALSE     : 'false' ;
K_NULL      : 'null' ;

DURATION : DIGITS ('ms' | 's' | 'm' | 'h' | 'd') {notIdentChar()}? ;
SIZE     : DIGITS ('KB' | 'MB' | 'GB' | 'TB') {notIdentChar()}? ;
RATE     : DIGITS '/' ('s' | 'm' | 'h') {notIdentChar()}? ;
FLOAT    : DIGITS ('.' DIGITS)? [eE] [+-]? DIGITS ;
DECIMAL  : DIGITS '.' DIGITS ;
INT      : DIGITS ;
BAD_NUMBER : DIGITS ('.' DIGITS)? [A-Za-z_] [A-Za-z0-9_]* ;  // 5min, 10kb: reported by the parser

// Escapes are validated by the AST builder (exact column of a bad escape).
STRING     : '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"' ;
BAD_STRING : '"' ('\\' ~[\r\n] | ~["\\\r\n])* ;   // unterminated: reported by the parser
BQ_ID      : '`' ~[`\r\n]+ '`' ;
BAD_BQ_ID  : '`' ~[`\r\n]* ;
ID     : [A-Za-z_] [A-Za-z0-9_]* ;

LBRACE   : '{' ;
RBRACE   : '}' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
COMMA    : ',' ;
DOT      : '.' ;
COLON    : ':' ;
QQ       : '??' ;
EQ       : '==' ;
NEQ      : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;
AT       : '@' ;

LINE_COMMENT : ('#' | '//') ~[\r\n]* -> skip ;
WS           : [ \t\r\n\f]+ -> skip ;
ERR_CHAR     : . ;   // any other character: a syntax error with a clear message

fragment DIGITS : [0-9]+ ;
