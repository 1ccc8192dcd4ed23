// A local S3-compatible server for the tests of sink delta's S3 client (operators/delta/s3_client.h):
// S3rver (npm @20minutes/s3rver, pinned in package.json), files in a directory, path-style
// addressing, ListObjectsV2, multipart upload, and AWS Signature Version 4 checked against the
// key pair given here (a wrong secret key is refused with 403 SignatureDoesNotMatch).
//
//   node --openssl-legacy-provider tests/s3/server.mjs --port N --directory DIR --bucket NAME
//        [--bucket NAME2] [--access-key K --secret-key S] [--conditional-writes]
//        [--tls-cert PEM --tls-key PEM]
//
// --openssl-legacy-provider: S3rver makes ListObjectsV2 continuation tokens with DES, which
// Node's OpenSSL 3 only has in its legacy provider (without it, a listing of more than 1,000
// keys fails with 500 InternalError).
//
// With --tls-cert and --tls-key it serves HTTPS. Prints "s3 server listening on 127.0.0.1:N"
// once it accepts connections; stops on SIGTERM.
//
// S3rver ignores `If-None-Match: *` on PUT (it overwrites and answers 200, as S3 did before
// 2024). --conditional-writes puts a small gate in front of it that answers such a PUT of an
// existing key the way AWS S3 and MinIO do (412 PreconditionFailed); without it the tests see
// S3rver's own behaviour.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import S3rver from '@20minutes/s3rver';

const require = createRequire(import.meta.url);
const AWSAccount = require('@20minutes/s3rver/lib/models/account.js');

function parseArgs(argv) {
  const opts = { buckets: [], conditional: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--conditional-writes') opts.conditional = true;
    else if (a === '--bucket') opts.buckets.push(argv[++i]);
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--directory') opts.directory = argv[++i];
    else if (a === '--access-key') opts.accessKey = argv[++i];
    else if (a === '--secret-key') opts.secretKey = argv[++i];
    else if (a === '--tls-cert') opts.tlsCert = argv[++i];
    else if (a === '--tls-key') opts.tlsKey = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.port || !opts.directory) throw new Error('--port and --directory are required');
  return opts;
}

const PRECONDITION_FAILED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
  '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
  '<Condition>If-None-Match</Condition></Error>';

// A plain object PUT (no ?uploadId, ?partNumber, ...) with If-None-Match: * of a key that exists.
async function existingKeyPut(store, req) {
  if (req.method !== 'PUT' || req.headers['if-none-match'] !== '*') return false;
  const url = new URL(req.url, 'http://localhost');
  if (url.search !== '') return false;
  const [, bucket, ...rest] = url.pathname.split('/');
  if (!bucket || rest.length === 0) return false;
  return store.existsObject(decodeURIComponent(bucket), decodeURIComponent(rest.join('/')));
}

function requireDes() {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    throw new Error('DES is not available: start node with --openssl-legacy-provider');
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  requireDes();
  if (opts.accessKey && opts.secretKey) {
    AWSAccount.DUMMY_ACCOUNT.createKeyPair(opts.accessKey, opts.secretKey);
  }
  const app = new S3rver({
    directory: opts.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })),
  });
  await app.configureBuckets();
  const s3rver = app.callback();
  const handler = (req, res) => {
    const gate = opts.conditional ? existingKeyPut(app.store, req) : Promise.resolve(false);
    gate.then(
      (exists) => {
        if (!exists) return s3rver(req, res);
        req.resume();
        res.writeHead(412, { 'Content-Type': 'application/xml' });
        res.end(PRECONDITION_FAILED);
      },
      (err) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  };
  const server =
    opts.tlsCert && opts.tlsKey
      ? https.createServer(
          { cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) },
          handler,
        )
      : http.createServer(handler);
  server.listen(opts.port, '127.0.0.1', () => {
    console.log(`s3 server listening on 127.0.0.1:${opts.port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive connections would hold close() back
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
