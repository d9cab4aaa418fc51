import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/**
 * Standard gRPC health checking (grpc.health.v1) and server reflection on every server
 * (docs/contracts.md, "gRPC"). The returned handle lets readiness follow the node's dependencies.
 */
export class GrpcHealth {
  private readonly impl: HealthImplementation;

  constructor(private readonly services: string[]) {
    this.impl = new HealthImplementation({
      '': 'NOT_SERVING',
      ...Object.fromEntries(services.map((s) => [s, 'NOT_SERVING'])),
    });
  }

  attach(pkg: PackageDefinition, server: Server): void {
    this.impl.addToServer(server);
    new ReflectionService(pkg).addToServer(server);
  }

  set(status: ServingStatus): void {
    this.impl.setStatus('', status);
    for (const s of this.services) this.impl.setStatus(s, status);
  }
}
