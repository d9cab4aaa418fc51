import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  assignMethodCodecs,
  INTEL_QUERY_RESPONSE_SERIALIZERS,
  PROTO_LOADER_OPTIONS,
  QUERY_PROTO,
  type CheckIdentifiersResponse,
  type CheckPersonResponse,
} from '@intel/contracts';

/**
 * The query bench's ceiling: a bare grpc-js server for intel.v1.IntelQuery (same proto, same
 * loader, same transport, and the hub's codecs: its requests decoded as the hub decodes them,
 * its answers encoded by the hub's response serializers) that answers every unary call at once
 * with an empty response. Run as its own process; prints {"port": N} when listening.
 */
function main(): void {
  const definition = loadSync(QUERY_PROTO, PROTO_LOADER_OPTIONS);
  assignMethodCodecs(
    definition,
    Object.fromEntries(
      Object.entries(INTEL_QUERY_RESPONSE_SERIALIZERS).map(([m, s]) => [
        m,
        { responseSerialize: s },
      ]),
    ),
  );
  const pkg = loadPackageDefinition(definition) as unknown as {
    intel: { v1: { IntelQuery: { service: ServiceDefinition } } };
  };
  const server = new Server();
  const answer =
    <T>(empty: () => T) =>
    (_call: unknown, cb: (err: null, res: T) => void) =>
      cb(null, empty());
  server.addService(pkg.intel.v1.IntelQuery.service, {
    checkPerson: answer((): CheckPersonResponse => ({ matches: [], auditRef: '' })),
    checkIdentifiers: answer((): CheckIdentifiersResponse => ({ results: [], auditRef: '' })),
    getPerson: answer(() => ({})),
    acknowledgeAlert: answer(() => ({})),
    watchAlerts: (call: { end(): void }) => call.end(),
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

main();
