import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { DeconflictionClient } from './deconfliction-client';
import { IntakeClient } from './intake-client';
import { QueryClient } from './query-client';
import { unary, type UnaryMethod } from './unary';

// A real grpc-js server on port 0 and a real client made as loadPackageDefinition makes one
// (makeGenericClientConstructor), with JSON on the wire so that the helper is tested alone.
interface Ask {
  word: string;
  answerAfterMs?: number;
  fail?: { code: status; details: string };
}
interface Answer {
  word: string;
  caller: string;
  /** The deadline as the server saw it: 'none' or milliseconds from the call's arrival. */
  deadline: 'none' | number;
}

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer): unknown => JSON.parse(b.toString('utf8')),
};
const service: ServiceDefinition = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
    originalName: 'echo',
  },
  watch: {
    path: '/test.Echo/Watch',
    requestStream: false,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
    originalName: 'watch',
  },
};

interface EchoClient {
  echo: UnaryMethod<Ask, Answer>;
  watch(r: Ask, md: Metadata): unknown;
  close(): void;
}

function echo(call: ServerUnaryCall<Ask, Answer>, callback: sendUnaryData<Answer>): void {
  const { word, answerAfterMs = 0, fail } = call.request;
  const deadline = call.getDeadline();
  const answer: Answer = {
    word,
    caller: String(call.metadata.get('x-caller')[0] ?? ''),
    deadline: deadline === Infinity ? 'none' : new Date(deadline).getTime() - Date.now(),
  };
  const timer = setTimeout(() => (fail ? callback(fail) : callback(null, answer)), answerAfterMs);
  call.on('cancelled', () => clearTimeout(timer));
}

describe('unary (a grpc-js unary call as a promise)', () => {
  const server = new Server();
  let client: EchoClient;

  beforeAll(async () => {
    server.addService(service, { echo, watch: () => undefined });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const Client = makeGenericClientConstructor(service, 'Echo');
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as EchoClient;
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const md = (caller: string) => {
    const m = new Metadata();
    m.set('x-caller', caller);
    return m;
  };

  it('resolves with the response, the metadata sent and no deadline unless one is asked for', async () => {
    const answer = await unary(client, 'echo', { word: 'hello' }, md('dev-36'));
    expect(answer).toEqual({ word: 'hello', caller: 'dev-36', deadline: 'none' });
    // Metadata may be left out.
    expect(await unary(client, 'echo', { word: 'bare' })).toEqual({
      word: 'bare',
      caller: '',
      deadline: 'none',
    });
  });

  it('sends the deadline, counted from the call', async () => {
    const answer = await unary(client, 'echo', { word: 'soon' }, md('x'), { deadlineMs: 5_000 });
    expect(answer.deadline).toBeGreaterThan(4_000);
    expect(answer.deadline).toBeLessThanOrEqual(5_000);
  });

  it("rejects with grpc-js's own ServiceError: the server's code and details, unchanged", async () => {
    const fail = { code: status.INVALID_ARGUMENT, details: 'person.surname: required' };
    const err = await unary(client, 'echo', { word: 'x', fail }, md('x')).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toBe('person.surname: required');
    expect(err?.metadata).toBeInstanceOf(Metadata);
    // The same error grpc-js hands to a callback.
    const raw = await new Promise<ServiceError | null>((resolve) =>
      client.echo({ word: 'x', fail }, md('x'), {}, (e) => resolve(e)),
    );
    expect({ code: err?.code, details: err?.details, message: err?.message }).toEqual({
      code: raw?.code,
      details: raw?.details,
      message: raw?.message,
    });
  });

  it('rejects with DEADLINE_EXCEEDED when the deadline passes before the answer', async () => {
    const started = Date.now();
    const err = await unary(client, 'echo', { word: 'late', answerAfterMs: 3_000 }, md('x'), {
      deadlineMs: 200,
    }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects, never throws, when grpc-js refuses the call outright (a closed client)', async () => {
    const Client = makeGenericClientConstructor(service, 'Echo');
    const closed = new Client('127.0.0.1:1', credentials.createInsecure()) as unknown as EchoClient;
    closed.close();
    let call: Promise<Answer> | undefined;
    expect(() => (call = unary(closed, 'echo', { word: 'x' }))).not.toThrow();
    await expect(call).rejects.toThrow(/shut down/);
  });
});

describe('the clients built on unary', () => {
  it('reject, never throw, when the call cannot even be made (metadata grpc-js refuses)', async () => {
    const bad = 'a\nb'; // Metadata.set throws on a newline
    const query = new QueryClient('127.0.0.1:1', undefined, { devForce: bad });
    const intake = new IntakeClient('127.0.0.1:1', undefined, { devForce: bad });
    const deconfliction = new DeconflictionClient('127.0.0.1:1', undefined, { devUnit: bad });
    try {
      for (const call of [
        () => query.checkPerson({} as never),
        () => intake.submitPerson({} as never),
        () => deconfliction.registerPersona({} as never),
      ]) {
        let answer: Promise<unknown> | undefined;
        expect(() => (answer = call())).not.toThrow();
        await expect(answer).rejects.toThrow(/illegal characters/);
      }
    } finally {
      query.close();
      intake.close();
      deconfliction.close();
    }
  });
});

// Checked by tsc (npm run lint:types), never run: the helper takes only a client's unary
// methods, each with its own request and response types.
function _typeChecks(client: EchoClient): void {
  // @ts-expect-error a server-streaming method is not unary
  void unary(client, 'watch', { word: 'x' });
  // @ts-expect-error the request is the method's own type
  void unary(client, 'echo', { words: 'x' });
  // @ts-expect-error the response is the method's own type
  void unary(client, 'echo', { word: 'x' }).then((a: { other: number }) => a.other);
}
