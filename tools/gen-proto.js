#!/usr/bin/env node
// Generates TypeScript for proto/intel/v1/*.proto into libs/contracts/src/generated
// with ts-proto and the protoc binary shipped in the `protoc` npm package.
// `--check` regenerates into a temporary folder and fails when the committed output differs,
// so the proto files stay the single source of the wire contracts (docs/contracts.md).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const protoDir = path.join(root, 'proto');
const target = path.join(root, 'libs/contracts/src/generated');
const check = process.argv.includes('--check');

// Options chosen to match what @grpc/proto-loader hands to Nest's gRPC transport
// (see libs/contracts/src/proto-loader-options.ts): enums as their string names,
// 64-bit integers as numbers, Timestamps as {seconds, nanos}.
const tsProtoOptions = [
  'nestJs=true',
  'addGrpcMetadata=true',
  'stringEnums=true',
  'forceLong=number',
  'useDate=false',
  'outputEncodeMethods=true',
  'outputJsonMethods=true',
  'outputPartialMethods=false',
  'useOptionals=none',
  'esModuleInterop=true',
  'unrecognizedEnum=false',
  'exportCommonSymbols=false',
].join(',');

function listProtos(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listProtos(path.join(dir, e.name))
        : e.name.endsWith('.proto')
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

function generate(outDir) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const plugin = path.join(root, 'node_modules/.bin/protoc-gen-ts_proto');
  const files = listProtos(protoDir).map((f) => path.relative(protoDir, f));
  const res = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/protoc/protoc.cjs'),
      `--plugin=protoc-gen-ts_proto=${plugin}`,
      `--ts_proto_out=${outDir}`,
      `--ts_proto_opt=${tsProtoOptions}`,
      `-I${protoDir}`,
      ...files,
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function readTree(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

if (check) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-proto-'));
  generate(tmp);
  const fresh = readTree(tmp);
  const committed = readTree(target);
  const diffs = [...new Set([...fresh.keys(), ...committed.keys()])].filter(
    (k) => fresh.get(k) !== committed.get(k),
  );
  fs.rmSync(tmp, { recursive: true, force: true });
  if (diffs.length > 0) {
    console.error(
      `gen:proto is out of date; run \`npm run gen:proto\`. Differs: ${diffs.join(', ')}`,
    );
    process.exit(1);
  }
  console.log('gen:proto: generated contracts are up to date');
} else {
  generate(target);
  console.log(`gen:proto: wrote ${readTree(target).size} files to ${path.relative(root, target)}`);
}
