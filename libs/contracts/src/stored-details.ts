import { BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  AnswerDetail,
  CheckIdentifiersRequest,
  CheckIdentifiersResponse,
  CheckPersonRequest,
  CheckPersonResponse,
  Holding,
  Match,
  type IdentifierResult,
} from './generated/intel/v1/intel_query';
import { NominalState } from './generated/intel/v1/nominal';
import { OnlineIdentifier } from './generated/intel/v1/person';
import type { CheckIdentifiersCall, CheckPersonCall } from './requests';

const STORED = Symbol('storedDetails');

type StoredHolding = Holding & { [STORED]?: Uint8Array };

/**
 * A holding whose `details` are a NominalState as stored (its protobuf bytes). Written to the
 * wire by the encoders below, the bytes go as they are: a message field is on the wire exactly
 * a length-delimited field holding the message's bytes, so nothing is decoded or re-encoded.
 * Read in process (the analysts' API, a test), `details` is decoded on first read.
 */
export function holdingWithStoredDetails(
  holding: Omit<Holding, 'details'>,
  stored: Uint8Array,
): Holding {
  let decoded: NominalState | undefined;
  const h: StoredHolding = { ...holding, details: undefined, [STORED]: stored };
  Object.defineProperty(h, 'details', {
    enumerable: true,
    get: () => (decoded ??= NominalState.decode(stored)),
  });
  return h;
}

/** The stored bytes behind a holding's `details` (holdingWithStoredDetails); undefined for any other. */
export function storedDetailsOf(h: Holding): Uint8Array | undefined {
  return (h as StoredHolding)[STORED];
}

/** Holding field 4 (`details`), tag 4 << 3 | 2. */
const DETAILS_TAG = 34;

function encodeHolding(h: StoredHolding, w: BinaryWriter): void {
  const stored = h[STORED];
  if (!stored) {
    Holding.encode(h, w);
    return;
  }
  const { forceCode, nominalId, disclosure, contact } = h;
  Holding.encode({ forceCode, nominalId, disclosure, details: undefined, contact }, w);
  w.uint32(DETAILS_TAG).bytes(stored);
}

function encodeMatch(m: Match, w: BinaryWriter): void {
  const { nationalPersonId, score, band, flags, explanation } = m;
  Match.encode({ nationalPersonId, score, band, flags, holdings: [], explanation }, w);
  // Match field 5 (`holdings`), tag 42, after the others: any field order decodes the same.
  for (const h of m.holdings) {
    w.uint32(42).fork();
    encodeHolding(h, w);
    w.join();
  }
}

/** CheckPersonResponse as `CheckPersonResponse.encode` writes it, stored details spliced in. */
export function encodeCheckPersonResponse(r: CheckPersonResponse): Uint8Array {
  const w = new BinaryWriter();
  for (const m of r.matches) {
    w.uint32(10).fork();
    encodeMatch(m, w);
    w.join();
  }
  if (r.auditRef !== '') w.uint32(18).string(r.auditRef);
  return w.finish();
}

function encodeIdentifierResult(r: IdentifierResult, w: BinaryWriter): void {
  if (r.onlineIdentifier !== undefined)
    OnlineIdentifier.encode(r.onlineIdentifier, w.uint32(10).fork()).join();
  for (const m of r.matches) {
    w.uint32(18).fork();
    encodeMatch(m, w);
    w.join();
  }
  if (r.totalMatches !== 0) w.uint32(24).uint32(r.totalMatches);
  if (r.truncated) w.uint32(32).bool(r.truncated);
}

/** CheckIdentifiersResponse as its `encode` writes it, stored details spliced in. */
export function encodeCheckIdentifiersResponse(r: CheckIdentifiersResponse): Uint8Array {
  const w = new BinaryWriter();
  for (const x of r.results) {
    w.uint32(10).fork();
    encodeIdentifierResult(x, w);
    w.join();
  }
  if (r.auditRef !== '') w.uint32(18).string(r.auditRef);
  return w.finish();
}

/**
 * Response serializers for IntelQuery's server (replacing proto-loader's, which would convert
 * and re-encode every holding's state): the generated codecs, with stored details spliced in.
 */
export const INTEL_QUERY_RESPONSE_SERIALIZERS: Record<string, (value: unknown) => Buffer> = {
  'intel.v1.IntelQuery.CheckPerson': (v) =>
    Buffer.from(encodeCheckPersonResponse(v as CheckPersonResponse)),
  'intel.v1.IntelQuery.CheckIdentifiers': (v) =>
    Buffer.from(encodeCheckIdentifiersResponse(v as CheckIdentifiersResponse)),
};

/** A call's `detail`, left out by a caller written before it existed: the default. */
const detailOf = (r: { detail?: AnswerDetail }) =>
  r.detail ?? AnswerDetail.ANSWER_DETAIL_UNSPECIFIED;

/** A unary method's client-side codecs, as grpc-js's method definitions name them. */
export interface ClientCodecs {
  requestSerialize: (value: unknown) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

/**
 * The generated codecs for an IntelQuery client's answer-bearing calls, by full method name
 * (proto-loader's convert the answer a second time, from protobufjs's message to a plain object
 * with every default filled in): requests encoded and answers decoded by ts-proto.
 */
export const INTEL_QUERY_CLIENT_CODECS: Record<string, ClientCodecs> = {
  'intel.v1.IntelQuery.CheckPerson': {
    requestSerialize: (v) => {
      const r = v as CheckPersonCall;
      return Buffer.from(CheckPersonRequest.encode({ ...r, detail: detailOf(r) }).finish());
    },
    responseDeserialize: (b) => CheckPersonResponse.decode(b),
  },
  'intel.v1.IntelQuery.CheckIdentifiers': {
    requestSerialize: (v) => {
      const r = v as CheckIdentifiersCall;
      return Buffer.from(CheckIdentifiersRequest.encode({ ...r, detail: detailOf(r) }).finish());
    },
    responseDeserialize: (b) => CheckIdentifiersResponse.decode(b),
  },
};
