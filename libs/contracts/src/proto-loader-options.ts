import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's proto/ folder, found from source (libs/…) and from the build (dist/libs/…). */
function findProtoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'intel', 'v1', 'force_intake.proto'))) return candidate;
  }
  throw new Error(`proto/intel/v1 not found above ${from}`);
}

export const PROTO_ROOT = findProtoRoot(__dirname);

export const INTAKE_PROTO = 'intel/v1/force_intake.proto';
export const QUERY_PROTO = 'intel/v1/intel_query.proto';
export const DECONFLICTION_PROTO = 'intel/v1/deconfliction.proto';

/**
 * @grpc/proto-loader options matching the shapes ts-proto generates (tools/gen-proto.js):
 * enums as their string names, int64 as numbers, defaults filled in, camelCase fields.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: false,
  includeDirs: [PROTO_ROOT],
};
