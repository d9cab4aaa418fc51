import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';

/**
 * A unary method of a grpc-js client made by loadPackageDefinition: request, metadata, call
 * options, then a callback with the ServiceError or the response.
 */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: CallOptions,
  callback: (err: ServiceError | null, response: Res) => void,
) => unknown;

/**
 * The names of a client's unary methods: those called with a request, metadata, options and a
 * callback (a streaming method takes no callback: unlike a unary one, it can be called with three).
 */
export type UnaryMethodName<C> = {
  [K in keyof C]: C[K] extends UnaryMethod<never, unknown> ? K : never;
}[keyof C] &
  {
    [K in keyof C]: C[K] extends (request: never, metadata: never, options: never) => unknown
      ? never
      : K;
  }[keyof C];

type RequestOf<M> = M extends UnaryMethod<infer Req, unknown> ? Req : never;
type ResponseOf<M> = M extends UnaryMethod<never, infer Res> ? Res : never;

export interface UnaryOptions {
  /** The call's deadline, counted from the call; none when absent (grpc-js's default). */
  deadlineMs?: number;
}

/**
 * Calls a grpc-js unary method as a promise: resolves with the response, rejects with the
 * ServiceError exactly as grpc-js reports it (code, details, metadata), DEADLINE_EXCEEDED
 * included when `deadlineMs` passes first. Anything grpc-js throws while starting the call
 * rejects the promise too. A method built on it that makes the metadata itself is `async`, so
 * that a throw there (Metadata.set refuses illegal characters) is a rejection as well.
 */
export function unary<C, K extends UnaryMethodName<C>>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  metadata: Metadata = new Metadata(),
  options: UnaryOptions = {},
): Promise<ResponseOf<C[K]>> {
  const fn = client[method] as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>;
  return new Promise((resolve, reject) => {
    const callOptions: CallOptions =
      options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
    fn.call(client, request, metadata, callOptions, (err, response) =>
      err ? reject(err) : resolve(response),
    );
  });
}
