import { existsSync, readFileSync } from 'node:fs';
import { loadToolConfig } from '@intel/config';

/** What `npm start` writes to .run/stack.json (deploy/local/up.sh). */
interface StackFile {
  forces: Array<{ code: string; grpc: string }>;
  hub?: { grpc: string };
}

function readStack(): StackFile {
  const stackFile = loadToolConfig().stackFile;
  if (!existsSync(stackFile))
    throw new Error(`${stackFile} not found: start the stack with \`npm start\` or pass --address`);
  return JSON.parse(readFileSync(stackFile, 'utf8')) as StackFile;
}

/** A force node's gRPC address: --address, or the force's entry in .run/stack.json. */
export function forceAddress(force: string | undefined, address: string | undefined): string {
  if (address) return address;
  const stack = readStack();
  const entry = stack.forces.find((f) => f.code === force);
  if (!entry)
    throw new Error(
      `force ${force ?? '(none)'} is not in the stack file; forces there: ${stack.forces.map((f) => f.code).join(', ')}`,
    );
  return entry.grpc;
}

/** The hub's gRPC address: --address, or .run/stack.json. */
export function hubAddress(address: string | undefined): string {
  if (address) return address;
  const hub = readStack().hub;
  if (!hub) throw new Error('the stack file has no hub: restart the stack with `npm start`');
  return hub.grpc;
}
