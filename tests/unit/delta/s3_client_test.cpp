// S3Client (sink delta's object-store client) against a real S3-compatible server: S3rver
// from npm (tests/s3/server.mjs, installed by `npm ci --prefix tests/s3`), which checks every
// request's Signature Version 4 against its key pair. Round trips of binary, empty and 20 MiB
// (multipart) objects, ListObjectsV2 over more than 1,000 keys and by prefix, removal and
// not-found, put_if_absent as S3rver really behaves (it ignores If-None-Match) and behind the
// server script's AWS-like gate, a wrong secret key (an error that names neither key),
// a session token, a refused connection and an aborted multipart upload. The signer is
// checked against AWS's published examples, and parse_s3_url, s3_target and the XML scanner
// on their own.
#include "operators/delta/s3_client.h"

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/secrets.h"
#include "operators/delta/errc.h"
#include "operators/delta/s3_signer.h"
#include "operators/delta/s3_url.h"
#include "operators/delta/s3_xml.h"
#include "support/free_port.h"
#include "support/process.h"
#include "support/s3_server.h"

namespace s3_client_test {

using namespace sluice;
using namespace sluice::operators::delta;
using sluice::test::Child;
using sluice::test::TempDir;

using sluice::test::S3Server;
constexpr const char* kAccessKey = sluice::test::kS3AccessKey;
constexpr const char* kSecretKey = sluice::test::kS3SecretKey;
constexpr const char* kBucket = "sluice";

void require_ok(const result<void>& r) {
  if (!r.ok()) BOOST_FAIL(r.err().describe());
}

// The server the tests of suite s3_client/server share (started once for the suite).
S3Server* shared = nullptr;

struct SharedServer {
  SharedServer() { shared = new S3Server(); }
  ~SharedServer() {
    delete shared;
    shared = nullptr;
  }
  SharedServer(const SharedServer&) = delete;
  SharedServer& operator=(const SharedServer&) = delete;
};

S3Location at(const std::string& key) { return {kBucket, key}; }

// The object's bytes; fails the test when it cannot be read.
std::string get_ok(S3Client& client, const std::string& key) {
  auto r = client.get(at(key));
  if (!r.ok()) BOOST_FAIL(r.err().describe());
  return std::move(r.value());
}

std::string random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = gen();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

// Neither key, the session token nor any signature in the text, and nothing that had to be
// redacted ("***": the client never wrote a secret there in the first place).
void require_no_secret(const std::string& text, const std::vector<std::string>& hidden) {
  for (const std::string& s : hidden) {
    BOOST_CHECK_MESSAGE(text.find(s) == std::string::npos, "'" + s + "' is in: " + text);
  }
  BOOST_CHECK_MESSAGE(text.find("***") == std::string::npos, text);
  BOOST_CHECK_MESSAGE(text.find("Signature=") == std::string::npos, text);
  BOOST_CHECK_MESSAGE(text.find("Credential=") == std::string::npos, text);
  size_t hex_run = 0;  // a signature or a hash: 64 hex digits in a row
  for (char c : text) {
    hex_run = std::isxdigit(static_cast<unsigned char>(c)) ? hex_run + 1 : 0;
    BOOST_REQUIRE_MESSAGE(hex_run < 64, "a signature-like hex string in: " + text);
  }
}

// A CA and a certificate it signed for 127.0.0.1 (ca.pem, server.pem, server.key in dir).
void make_certificates(const TempDir& dir) {
  const std::string q = " >/dev/null 2>&1";
  const auto run = [&](const std::string& cmd) {
    BOOST_REQUIRE_MESSAGE(std::system((cmd + q).c_str()) == 0, cmd);
  };
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sluice-s3-test-ca -keyout " +
      dir.file("ca.key") + " -out " + dir.file("ca.pem"));
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + dir.file("server.key") +
      " -out " + dir.file("server.csr"));
  sluice::test::write_file(dir.file("ext"), "subjectAltName=IP:127.0.0.1\n");
  run("openssl x509 -req -in " + dir.file("server.csr") + " -CA " + dir.file("ca.pem") +
      " -CAkey " + dir.file("ca.key") + " -CAcreateserial -days 2 -extfile " + dir.file("ext") +
      " -out " + dir.file("server.pem"));
}

// AWS's documented S3 examples (sig-v4-header-based-auth): examplebucket, 2013-05-24.
S3Signer aws_example_signer() {
  return S3Signer("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
}

constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

S3Request aws_example_get(const std::string& path,
                          std::vector<std::pair<std::string, std::string>> query) {
  S3Request r{"GET", path, std::move(query), {}, kEmptySha256};
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-content-sha256", kEmptySha256},
               {"x-amz-date", "20130524T000000Z"}};
  return r;
}

BOOST_AUTO_TEST_SUITE(s3_client)

// ---- (1) the parts, without a server ----

BOOST_AUTO_TEST_SUITE(parts)

BOOST_AUTO_TEST_CASE(signer_matches_the_aws_get_object_example) {
  S3Request r = aws_example_get("/test.txt", {});
  r.headers.emplace_back("Range", "bytes=0-9");
  const S3Signer signer = aws_example_signer();
  BOOST_CHECK_EQUAL(signer.canonical_request(r),
                    "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                    "x-amz-content-sha256:" +
                        std::string(kEmptySha256) +
                        "\nx-amz-date:20130524T000000Z\n\n"
                        "host;range;x-amz-content-sha256;x-amz-date\n" +
                        kEmptySha256);
  BOOST_CHECK_EQUAL(signer.string_to_sign(r, "20130524T000000Z"),
                    "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                    "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  BOOST_CHECK_EQUAL(signer.authorization(r, "20130524T000000Z"),
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                    "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                    "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

BOOST_AUTO_TEST_CASE(signer_matches_the_aws_put_list_and_lifecycle_examples) {
  const S3Signer signer = aws_example_signer();
  // PUT /test$file.text: the key is URI-encoded ($ as %24), a Date header is signed too.
  const std::string body = "Welcome to Amazon S3.";
  S3Request put{"PUT", "/" + s3_uri_encode("test$file.text", false), {}, {}, s3_sha256_hex(body)};
  BOOST_CHECK_EQUAL(put.payload_sha256,
                    "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  put.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                 {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                 {"x-amz-date", "20130524T000000Z"},
                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                 {"x-amz-content-sha256", put.payload_sha256}};
  BOOST_CHECK_EQUAL(signer.signature(put, "20130524T000000Z"),
                    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  // GET ?lifecycle: a query parameter without a value signs as "lifecycle=".
  BOOST_CHECK_EQUAL(signer.signature(aws_example_get("/", {{"lifecycle", ""}}), "20130524T000000Z"),
                    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  // GET ?max-keys=2&prefix=J (ListObjects): parameters sorted whatever their order.
  BOOST_CHECK_EQUAL(signer.signature(aws_example_get("/", {{"prefix", "J"}, {"max-keys", "2"}}),
                                     "20130524T000000Z"),
                    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// aws-sig-v4-test-suite, post-sts-token/post-sts-header-before: the session token is a signed
// header (service "service", AKIDEXAMPLE, 2015-08-30).
BOOST_AUTO_TEST_CASE(signer_signs_the_session_token_header) {
  const std::string token =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx"
      "fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0K"
      "PkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZb"
      "qBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  S3Request r{"POST", "/", {}, {}, kEmptySha256};
  r.headers = {{"Host", "example.amazonaws.com"},
               {"X-Amz-Date", "20150830T123600Z"},
               {"X-Amz-Security-Token", token}};
  const S3Signer signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1",
                        "service");
  BOOST_CHECK_EQUAL(signer.authorization(r, "20150830T123600Z"),
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                    "aws4_request,SignedHeaders=host;x-amz-date;x-amz-security-token,"
                    "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

BOOST_AUTO_TEST_CASE(signer_helpers) {
  BOOST_CHECK_EQUAL(s3_sha256_hex(""), kEmptySha256);
  BOOST_CHECK_EQUAL(s3_amz_date(std::chrono::system_clock::from_time_t(1369353600)),
                    "20130524T000000Z");
  BOOST_CHECK_EQUAL(s3_uri_encode("a b/ü~$", false), "a%20b/%C3%BC~%24");
  BOOST_CHECK_EQUAL(s3_uri_encode("a/b", true), "a%2Fb");
  BOOST_CHECK_EQUAL(s3_query_string({{"prefix", "a/b c"}, {"list-type", "2"}, {"uploads", ""}}),
                    "list-type=2&prefix=a%2Fb%20c&uploads=");
  BOOST_CHECK_EQUAL(s3_form_decode("a+b%2Bc%2Fd%C3%BC%zz%4"), "a b+c/d\xC3\xBC%zz%4");
}

BOOST_AUTO_TEST_CASE(parse_s3_url_cases) {
  auto loc = parse_s3_url("s3://bucket/a/b/c.parquet");
  BOOST_REQUIRE(loc.ok());
  BOOST_CHECK_EQUAL(loc->bucket, "bucket");
  BOOST_CHECK_EQUAL(loc->key, "a/b/c.parquet");
  BOOST_CHECK_EQUAL(parse_s3_url("s3://bucket")->key, "");
  BOOST_CHECK_EQUAL(parse_s3_url("s3://bucket/")->key, "");
  BOOST_CHECK_EQUAL(parse_s3_url("s3://bucket/prefix/")->key, "prefix/");
  BOOST_CHECK_EQUAL(parse_s3_url("s3a://my.bucket-1/x")->bucket, "my.bucket-1");
  for (const char* bad : {"s3://", "s3:///x", "s3:/bucket/x", "http://bucket/x", "bucket/x",
                          "s3://buck et/x", "s3://bucket?x/y", ""}) {
    auto r = parse_s3_url(bad);
    BOOST_CHECK_MESSAGE(!r.ok(), bad);
    if (!r.ok()) BOOST_CHECK(r.err().code == errc::io);
  }
}

BOOST_AUTO_TEST_CASE(targets_path_style_virtual_hosted_and_aws) {
  S3Config cfg;
  cfg.endpoint = "http://127.0.0.1:9000/";
  auto t = s3_target(cfg, "b", "dir/a b.json");
  BOOST_REQUIRE(t.ok());
  BOOST_CHECK_EQUAL(t->origin, "http://127.0.0.1:9000");
  BOOST_CHECK_EQUAL(t->host, "127.0.0.1:9000");
  BOOST_CHECK_EQUAL(t->path, "/b/dir/a%20b.json");
  BOOST_CHECK_EQUAL(s3_target(cfg, "b", "")->path, "/b");
  cfg.path_style = false;
  t = s3_target(cfg, "b", "k");
  BOOST_CHECK_EQUAL(t->origin, "http://b.127.0.0.1:9000");
  BOOST_CHECK_EQUAL(t->host, "b.127.0.0.1:9000");
  BOOST_CHECK_EQUAL(t->path, "/k");
  BOOST_CHECK_EQUAL(s3_target(cfg, "b", "")->path, "/");
  cfg.endpoint = "";
  cfg.region = "eu-west-1";
  BOOST_CHECK_EQUAL(s3_target(cfg, "b", "k")->origin, "https://b.s3.eu-west-1.amazonaws.com");
  cfg.path_style = true;
  BOOST_CHECK_EQUAL(s3_target(cfg, "b", "k")->origin, "https://s3.eu-west-1.amazonaws.com");
  BOOST_CHECK_EQUAL(s3_target(cfg, "b", "k")->path, "/b/k");
  for (const char* bad :
       {"127.0.0.1:9000", "ftp://h", "http://", "http://h/path", "http://user:pw@h"}) {
    cfg.endpoint = bad;
    auto r = s3_target(cfg, "b", "k");
    BOOST_CHECK_MESSAGE(!r.ok() && r.err().kind == failure_kind::fatal, bad);
  }
}

BOOST_AUTO_TEST_CASE(xml_scanner) {
  const std::string xml =
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3\"><Prefix/>"
      "<Contents><Key>a&amp;b&lt;&#x41;&#66;&quot;</Key><Size>3</Size></Contents>"
      "<ContentsX>no</ContentsX><Contents ><Key>c</Key></Contents>"
      "<IsTruncated>true</IsTruncated><Contents><Key>unclosed";
  auto contents = s3_xml_all(xml, "Contents");
  BOOST_REQUIRE_EQUAL(contents.size(), 2u);
  BOOST_CHECK_EQUAL(s3_xml_first(contents[0], "Key"), "a&b<AB\"");
  BOOST_CHECK_EQUAL(s3_xml_first(contents[1], "Key"), "c");
  BOOST_CHECK_EQUAL(s3_xml_all(xml, "Contents", 1).size(), 1u);
  BOOST_CHECK_EQUAL(s3_xml_first(xml, "IsTruncated"), "true");
  BOOST_CHECK_EQUAL(s3_xml_first(xml, "Prefix"), "");
  BOOST_CHECK_EQUAL(s3_xml_first(xml, "Missing"), "");
  BOOST_CHECK_EQUAL(s3_xml_decode("&unknown; &#xZZ; &#233;"), "&unknown; &#xZZ; \xC3\xA9");
}

BOOST_AUTO_TEST_SUITE_END()  // parts

// ---- (2) against S3rver ----

BOOST_AUTO_TEST_SUITE(server, *boost::unit_test::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(round_trip_binary_empty_and_odd_keys) {
  S3Client client(shared->config());
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  binary += std::string(5, '\0') + "tail";
  for (const auto& [key, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"rt/binary.bin", binary},
           {"rt/empty", ""},
           {"rt/odd key $&+,;=@ (1) ü.json", "{\"a\":1}"},
           {"rt/deep/a/b/c/d.txt", "deep"}}) {
    require_ok(client.put(at(key), bytes));
    auto back = client.get(at(key));
    if (!back.ok()) BOOST_FAIL(back.err().describe());
    BOOST_CHECK_MESSAGE(*back == bytes, key);
  }
  require_ok(client.put(at("rt/empty"), "now not empty"));
  BOOST_CHECK_EQUAL(get_ok(client, "rt/empty"), "now not empty");
}

BOOST_AUTO_TEST_CASE(put_file_of_20_mib_is_a_multipart_upload) {
  S3Client client(shared->config());
  TempDir dir;
  const std::string big = random_bytes(20u << 20, 7);
  sluice::test::write_file(dir.file("big.parquet"), big);
  require_ok(client.put_file(at("files/big.parquet"), dir.file("big.parquet")));
  S3Stats stats = client.stats();
  BOOST_CHECK_EQUAL(stats.multipart_uploads, 1u);
  BOOST_CHECK_EQUAL(stats.parts, 3u);  // 8 + 8 + 4 MiB
  BOOST_CHECK_EQUAL(stats.aborts, 0u);
  auto back = client.get(at("files/big.parquet"));
  if (!back.ok()) BOOST_FAIL(back.err().describe());
  BOOST_CHECK_EQUAL(back->size(), big.size());
  BOOST_CHECK(*back == big);
  // 16 MiB exactly is still one PUT.
  sluice::test::write_file(dir.file("edge"), big.substr(0, S3Client::kSinglePutMax));
  require_ok(client.put_file(at("files/edge"), dir.file("edge")));
  BOOST_CHECK_EQUAL(client.stats().multipart_uploads, 1u);
  BOOST_CHECK_EQUAL(client.get(at("files/edge"))->size(), S3Client::kSinglePutMax);
  auto missing = client.put_file(at("files/none"), dir.file("does-not-exist"));
  BOOST_REQUIRE(!missing.ok());
  BOOST_CHECK(missing.err().code == errc::io);
}

BOOST_AUTO_TEST_CASE(list_follows_continuation_tokens_and_filters_by_prefix) {
  S3Client client(shared->config());
  constexpr int kKeys = 1050;
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%05d.json", i);
    require_ok(client.put(at(key), std::string(static_cast<size_t>(i % 7), 'x')));
  }
  // Neighbours outside "many/". (Not "many-x/...": S3rver walks its directories in name order,
  // so a key that sorts between "many" and "many/..." would be skipped after the first page.)
  require_ok(client.put(at("manz/x"), "x"));
  require_ok(client.put(at("manyx"), "x"));
  const uint64_t before = client.stats().requests;
  auto all = client.list(kBucket, "many/");
  if (!all.ok()) BOOST_FAIL(all.err().describe());
  BOOST_CHECK_GE(client.stats().requests - before, 2u);  // pages of at most 1,000 keys
  BOOST_REQUIRE_EQUAL(all->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%05d.json", i);
    BOOST_CHECK_EQUAL((*all)[i].first, key);
    BOOST_CHECK_EQUAL((*all)[i].second, i % 7);
  }
  auto some = client.list(kBucket, "many/0100");
  BOOST_REQUIRE(some.ok());
  BOOST_CHECK_EQUAL(some->size(), 10u);  // many/01000 ... many/01009
  auto wider = client.list(kBucket, "many");
  BOOST_REQUIRE(wider.ok());
  BOOST_REQUIRE_EQUAL(wider->size(), static_cast<size_t>(kKeys + 1));
  BOOST_CHECK_EQUAL(wider->back().first, "manyx");
  auto none = client.list(kBucket, "nothing-here/");
  BOOST_REQUIRE(none.ok());
  BOOST_CHECK(none->empty());
  require_ok(client.put(at("list odd/a b+c.txt"), "1"));
  auto odd = client.list(kBucket, "list odd/");
  BOOST_REQUIRE(odd.ok());
  BOOST_REQUIRE_EQUAL(odd->size(), 1u);
  BOOST_CHECK_EQUAL(odd->front().first, "list odd/a b+c.txt");
}

BOOST_AUTO_TEST_CASE(remove_then_get_is_not_found) {
  S3Client client(shared->config());
  require_ok(client.put(at("rm/a"), "a"));
  require_ok(client.remove(at("rm/a")));
  auto gone = client.get(at("rm/a"));
  BOOST_REQUIRE(!gone.ok());
  BOOST_CHECK(is_not_found(gone.err()));
  BOOST_CHECK(gone.err().code == errc::io);
  BOOST_CHECK(gone.err().kind == failure_kind::permanent);
  BOOST_CHECK(client.list(kBucket, "rm/")->empty());
  auto never = client.get(at("rm/never-written"));
  BOOST_REQUIRE(!never.ok());
  BOOST_CHECK(is_not_found(never.err()));
  // Removing what is not there succeeds, as on S3.
  require_ok(client.remove(at("rm/never-written")));
  // A missing bucket is not a missing object: fatal, and says what to check.
  auto no_bucket = client.get({"no-such-bucket", "k"});
  BOOST_REQUIRE(!no_bucket.ok());
  BOOST_CHECK(!is_not_found(no_bucket.err()));
  BOOST_CHECK(no_bucket.err().kind == failure_kind::fatal);
  BOOST_CHECK_MESSAGE(no_bucket.err().message.find("bucket does not exist") != std::string::npos,
                      no_bucket.err().message);
  BOOST_CHECK(!is_not_found(error::permanent(errc::io, "S3 GET: HTTP 500")));
}

// S3rver (like S3 before 2024) ignores If-None-Match on PUT: the second put_if_absent
// overwrites and succeeds. The client cannot see that from the answer, so the probe tells.
BOOST_AUTO_TEST_CASE(put_if_absent_on_s3rver_which_ignores_if_none_match) {
  S3Client client(shared->config());
  require_ok(client.put_if_absent(at("log/00000.json"), "first"));
  auto second = client.put_if_absent(at("log/00000.json"), "second");
  BOOST_CHECK(second.ok());
  BOOST_CHECK_EQUAL(get_ok(client, "log/00000.json"), "second");
  auto supported = client.conditional_put_supported(kBucket, "log/_probe");
  if (!supported.ok()) BOOST_FAIL(supported.err().describe());
  BOOST_CHECK(!*supported);
  BOOST_CHECK(!client.get(at("log/_probe")).ok());  // the probe cleans up
}

// Behind server.mjs --conditional-writes (412 PreconditionFailed for a PUT with
// If-None-Match: * of an existing key, as AWS S3 and MinIO answer).
BOOST_AUTO_TEST_CASE(put_if_absent_conflict_is_a_log_error) {
  S3Server gated({"--conditional-writes"});
  S3Client client(gated.config());
  require_ok(client.put_if_absent(at("log/00001.json"), "first"));
  auto second = client.put_if_absent(at("log/00001.json"), "second");
  BOOST_REQUIRE(!second.ok());
  BOOST_CHECK(second.err().code == errc::log);
  BOOST_CHECK(second.err().kind == failure_kind::permanent);
  BOOST_CHECK_MESSAGE(second.err().message.find("exists") != std::string::npos,
                      second.err().message);
  BOOST_CHECK_EQUAL(get_ok(client, "log/00001.json"), "first");
  require_ok(client.put(at("log/00001.json"), "plain put replaces"));
  BOOST_CHECK_EQUAL(get_ok(client, "log/00001.json"), "plain put replaces");
  auto supported = client.conditional_put_supported(kBucket, "log/_probe");
  if (!supported.ok()) BOOST_FAIL(supported.err().describe());
  BOOST_CHECK(*supported);
}

BOOST_AUTO_TEST_CASE(wrong_secret_key_fails_without_naming_it) {
  S3Config cfg = shared->config();
  const std::string wrong = "wrong/SECRET+key-9876543210zyxw";
  cfg.secret_key = wrong;
  cfg.session_token = "FQoGZXIvYXdzEXAMPLEsessionTOKEN0123456789";
  S3Client client(cfg);
  const std::vector<std::string> hidden{wrong, kSecretKey, cfg.session_token, kAccessKey};
  auto got = client.get(at("rt/binary.bin"));
  BOOST_REQUIRE(!got.ok());
  BOOST_CHECK(got.err().code == errc::io);
  BOOST_CHECK(got.err().kind == failure_kind::fatal);
  BOOST_CHECK_MESSAGE(got.err().message.find("SignatureDoesNotMatch") != std::string::npos,
                      got.err().message);
  BOOST_CHECK_MESSAGE(got.err().message.find("secret_key") != std::string::npos, got.err().message);
  require_no_secret(got.err().describe(), hidden);
  auto put = client.put(at("rt/denied"), "x");
  BOOST_REQUIRE(!put.ok());
  require_no_secret(put.err().describe(), hidden);
  auto listed = client.list(kBucket, "rt/");
  BOOST_REQUIRE(!listed.ok());
  require_no_secret(listed.err().describe(), hidden);
  // An unknown access key too.
  cfg = shared->config();
  cfg.access_key = "AKUNKNOWN";
  auto unknown = S3Client(cfg).get(at("rt/binary.bin"));
  BOOST_REQUIRE(!unknown.ok());
  BOOST_CHECK(unknown.err().kind == failure_kind::fatal);
  require_no_secret(unknown.err().describe(), {kSecretKey, "AKUNKNOWN"});
  // The keys are registered for redaction: logs show *** instead.
  BOOST_CHECK_EQUAL(secrets::redact("key " + wrong), "key ***");
  BOOST_CHECK_EQUAL(secrets::redact(std::string("key ") + kSecretKey), "key ***");
}

// The token goes in x-amz-security-token, a signed header: S3rver checks the signature over it.
BOOST_AUTO_TEST_CASE(session_token_requests_are_signed_and_accepted) {
  S3Config cfg = shared->config();
  cfg.session_token = "IQoJb3JpZ2luX2VjEXAMPLE/token+with=odd/chars";
  S3Client client(cfg);
  require_ok(client.put(at("sts/a"), "with a token"));
  BOOST_CHECK_EQUAL(get_ok(client, "sts/a"), "with a token");
  auto listed = client.list(kBucket, "sts/");
  BOOST_REQUIRE(listed.ok());
  BOOST_CHECK_EQUAL(listed->size(), 1u);
  require_ok(client.remove(at("sts/a")));
  BOOST_CHECK_EQUAL(secrets::redact(cfg.session_token), "***");
}

// HTTPS through cpp-httplib's OpenSSL support: trusted with ca_file, refused (fatal) without.
BOOST_AUTO_TEST_CASE(https_endpoint_with_a_private_ca) {
  TempDir certs;
  make_certificates(certs);
  S3Server tls({"--tls-cert", certs.file("server.pem"), "--tls-key", certs.file("server.key")});
  S3Config cfg = tls.config();
  BOOST_REQUIRE_EQUAL(cfg.endpoint.rfind("https://", 0), 0u);
  cfg.ca_file = certs.file("ca.pem");
  S3Client client(cfg);
  require_ok(client.put(at("tls/a"), "over TLS"));
  BOOST_CHECK_EQUAL(get_ok(client, "tls/a"), "over TLS");
  BOOST_CHECK_EQUAL(client.list(kBucket, "tls/")->size(), 1u);
  cfg.ca_file.clear();  // the system's trust store does not know this CA
  auto untrusted = S3Client(cfg).get(at("tls/a"));
  BOOST_REQUIRE(!untrusted.ok());
  BOOST_CHECK(untrusted.err().kind == failure_kind::fatal);
  BOOST_CHECK_MESSAGE(untrusted.err().message.find("not trusted") != std::string::npos,
                      untrusted.err().message);
}

BOOST_AUTO_TEST_CASE(refused_connection_is_transient) {
  S3Config cfg = shared->config();
  cfg.endpoint = "http://127.0.0.1:" + std::to_string(sluice::test::free_port());
  cfg.timeout_ms = 2000;
  S3Client client(cfg);
  auto r = client.get(at("x"));
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().code == errc::io);
  BOOST_CHECK(r.err().kind == failure_kind::transient);
  BOOST_CHECK_MESSAGE(r.err().message.find("connection refused") != std::string::npos,
                      r.err().message);
  require_no_secret(r.err().describe(), {kSecretKey});
  cfg.endpoint = "localhost:9000";
  auto bad = S3Client(cfg).put(at("x"), "x");
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.err().kind == failure_kind::fatal);
}

// The server dies in the middle of a multipart upload: put_file fails (transient), after an
// attempt to abort the upload.
BOOST_AUTO_TEST_CASE(failed_multipart_upload_is_aborted) {
  S3Server doomed;
  S3Client client(doomed.config());
  TempDir dir;
  sluice::test::write_file(dir.file("big"), random_bytes(80u << 20, 11));
  result<void> r;
  std::thread upload([&] { r = client.put_file(at("files/doomed"), dir.file("big")); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (client.stats().parts < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  doomed.kill();
  upload.join();
  BOOST_REQUIRE_MESSAGE(client.stats().parts >= 1 && client.stats().parts < 10,
                        "parts sent: " + std::to_string(client.stats().parts));
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().code == errc::io);
  BOOST_CHECK(r.err().kind == failure_kind::transient);
  BOOST_CHECK_EQUAL(client.stats().aborts, 1u);
}

BOOST_AUTO_TEST_SUITE_END()  // server

BOOST_AUTO_TEST_SUITE_END()  // s3_client

}  // namespace s3_client_test
