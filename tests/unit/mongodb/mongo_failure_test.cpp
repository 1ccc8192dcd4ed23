// Error classification from bson_error_t and server replies built by hand: what is retried,
// what is dead-lettered (by index), what splits the batch, what stops the stage.
#include "operators/mongodb/mongo_failure.h"

#include <mongoc/mongoc.h>

#include <boost/test/unit_test.hpp>

#include "mongo_test_util.h"
#include "support/fuzz_seed.h"

using namespace mongotest;
using K = MongoFailure::Kind;

namespace {

bson_error_t err(uint32_t domain, uint32_t code, const char* msg) {
  bson_error_t e;
  bson_set_error(&e, domain, code, "%s", msg);
  return e;
}

MongoFailure classify(const bson_error_t& e, const std::string& reply = "{}") {
  BsonDoc r = BsonDoc::from_json(reply);
  // As a fuzz seed (support/fuzz_seed.h): domain, code, message, NUL, the reply's bytes.
  std::string seed(1, static_cast<char>(e.domain));
  seed.append(reinterpret_cast<const char*>(&e.code), 4);
  seed += std::string(e.message) + '\0';
  seed.append(reinterpret_cast<const char*>(bson_get_data(r.get())), r.get()->len);
  sluice::test::fuzz_seed("fuzz_bson", seed);
  return MongoFailure::classify(e, r.get());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_failure)

BOOST_AUTO_TEST_CASE(no_server_and_network_errors_are_transient) {
  auto f = classify(err(MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE,
                        "No suitable servers found (`serverSelectionTryOnce` set): "
                        "[connection refused calling hello on '127.0.0.1:1']"));
  BOOST_TEST((f.kind == K::Transient));
  BOOST_TEST(f.message.find("No suitable servers found") != std::string::npos);
  BOOST_TEST((classify(err(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET,
                           "Failed to read 4 bytes: socket error or timeout"))
                  .kind == K::Transient));
  BOOST_TEST(
      (classify(err(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_CONNECT, "connect failed")).kind ==
       K::Transient));
}

BOOST_AUTO_TEST_CASE(not_writable_primary_and_retryable_labels_are_transient) {
  auto f = classify(err(MONGOC_ERROR_SERVER, 10107, "not primary"),
                    R"({"ok": 0, "code": 10107, "codeName": "NotWritablePrimary"})");
  BOOST_TEST((f.kind == K::Transient));
  BOOST_TEST((classify(err(MONGOC_ERROR_SERVER, 11602, "interrupted")).kind == K::Transient));
  BOOST_TEST((classify(err(MONGOC_ERROR_SERVER, 189, "stepped down")).kind == K::Transient));
  // Any code, when labelled RetryableWriteError.
  f = classify(err(MONGOC_ERROR_SERVER, 1234, "something odd"),
               R"({"ok": 0, "code": 1234, "errorLabels": ["RetryableWriteError"]})");
  BOOST_TEST((f.kind == K::Transient));
  BOOST_TEST(f.message.find("RetryableWriteError") != std::string::npos);
  // A not-primary write error inside writeErrors: the whole call is retried.
  f = classify(err(MONGOC_ERROR_SERVER, 10107, "not primary"),
               R"({"nInserted": 0, "writeErrors": [{"index": 0, "code": 10107,
                   "errmsg": "not primary"}]})");
  BOOST_TEST((f.kind == K::Transient));
  BOOST_TEST(f.doc_errors.empty());
  // Write concern errors: the writes may not be durable yet: retry (idempotent upserts).
  f = classify(err(MONGOC_ERROR_WRITE_CONCERN, 64, "waiting for replication timed out"),
               R"({"nUpserted": 2, "writeConcernErrors": [{"code": 64,
                   "errmsg": "waiting for replication timed out"}]})");
  BOOST_TEST((f.kind == K::Transient));
  BOOST_TEST(f.code == 64);
}

BOOST_AUTO_TEST_CASE(write_errors_by_index_are_document_errors) {
  auto f = classify(err(MONGOC_ERROR_SERVER, 121, "Document failed validation"),
                    R"({"nUpserted": 3, "nMatched": 0, "writeErrors": [
                        {"index": 1, "code": 121, "errmsg": "Document failed validation",
                         "errInfo": {"failingDocumentId": 7, "details": {"operatorName":
                         "$jsonSchema"}}},
                        {"index": 3, "code": 11000, "errmsg": "E11000 duplicate key error"}]})");
  BOOST_REQUIRE((f.kind == K::Documents));
  BOOST_REQUIRE_EQUAL(f.doc_errors.size(), 2u);
  BOOST_TEST(f.doc_errors[0].index == 1u);
  BOOST_TEST(f.doc_errors[0].code == 121);
  BOOST_TEST(f.doc_errors[0].message.find(
                 "code 121 (DocumentValidationFailure): Document failed validation") == 0u);
  BOOST_TEST(f.doc_errors[0].message.find("$jsonSchema") != std::string::npos);
  BOOST_TEST(f.doc_errors[1].index == 3u);
  BOOST_TEST(f.doc_errors[1].message == "code 11000 (DuplicateKey): E11000 duplicate key error");
}

BOOST_AUTO_TEST_CASE(content_errors_split_auth_errors_stop) {
  BOOST_TEST(
      (classify(err(MONGOC_ERROR_SERVER, 10334, "BSONObj size is invalid")).kind == K::Batch));
  BOOST_TEST((classify(err(MONGOC_ERROR_COMMAND, MONGOC_ERROR_COMMAND_INVALID_ARG,
                           "Document 0 is too large"))
                  .kind == K::Batch));
  BOOST_TEST((
      classify(err(MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_AUTHENTICATE, "Authentication failed."))
          .kind == K::Fatal));
  auto f = classify(err(MONGOC_ERROR_SERVER, 13, "not authorized on bank to execute command"));
  BOOST_TEST((f.kind == K::Fatal));
  BOOST_TEST(f.message == "code 13 (Unauthorized): not authorized on bank to execute command");
}

// Found by fuzzing (tests/fuzz/fuzz_bson.cpp): a code or index sent as a double beyond int32 (or
// NaN) was converted to int with undefined behaviour; it is no code now.
BOOST_AUTO_TEST_CASE(codes_sent_as_huge_doubles_are_no_codes) {
  auto f = classify(err(MONGOC_ERROR_SERVER, 2, "bad"),
                    R"({"writeErrors": [{"index": 1e300, "code": -1e300, "errmsg": "x"}]})");
  BOOST_TEST((f.kind == K::Documents));
  BOOST_REQUIRE_EQUAL(f.doc_errors.size(), 1u);
  BOOST_TEST(f.doc_errors[0].index == 0u);
  BOOST_TEST(f.doc_errors[0].code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
