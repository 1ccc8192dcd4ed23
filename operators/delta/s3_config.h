// Where and as whom sink delta's S3 client (s3_client.h) connects: endpoint, region, keys.
#pragma once
#include <string>

namespace sluice::operators::delta {

struct S3Config {
  // "" = AWS (https://s3.<region>.amazonaws.com); else an http:// or https:// origin of any
  // S3-compatible store, e.g. "http://127.0.0.1:9000" (MinIO, Ceph RGW, R2, S3rver).
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key;     // never logged or put in an error message
  std::string secret_key;     // never logged or put in an error message (registered with
                              // base/secrets.h by S3Client)
  std::string session_token;  // optional (STS temporary credentials): x-amz-security-token
  bool path_style = true;     // http://host/bucket/key (MinIO, S3rver); false = virtual-hosted
                              // (http://bucket.host/key)
  int timeout_ms = 30000;     // connect, read and write timeout of each request
  std::string ca_file;        // PEM file of the CA that signed an https endpoint's certificate
                              // ("" = the system's trust store)
};

}  // namespace sluice::operators::delta
