import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, QUERY_PROTO } from '@intel/contracts';

/**
 * The query bench's ceiling: a bare grpc-js server for intel.v1.IntelQuery (same proto, same
 * loader, same transport) that answers every unary call at once with an empty response. Run as
 * its own process; prints {"port": N} when listening.
 */
function main(): void {
  const pkg = loadPackageDefinition(loadSync(QUERY_PROTO, PROTO_LOADER_OPTIONS)) as unknown as {
    intel: { v1: { IntelQuery: { service: ServiceDefinition } } };
  };
  const server = new Server();
  const empty = (_call: unknown, cb: (err: null, res: object) => void) => cb(null, {});
  server.addService(pkg.intel.v1.IntelQuery.service, {
    checkPerson: empty,
    checkIdentifiers: empty,
    getPerson: empty,
    watchAlerts: (call: { end(): void }) => call.end(),
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

main();
