import type { Command } from 'commander';
import {
  AnswerDetail,
  PurposeCode,
  type Justification,
  type OnlineIdentifier,
  type OnlineIdentifierKind,
  type PersonQuery,
} from '@intel/contracts';
import { QueryClient } from '@intel/grpc';
import { matchesTable } from './answer-table';
import { hubAddress } from './stack-file';

interface CommonOptions {
  as: string;
  json?: boolean;
  address?: string;
  purpose: string;
  reason: string;
  operation?: string;
  detail?: string;
}

const DETAILS: Record<string, AnswerDetail> = {
  summary: AnswerDetail.ANSWER_DETAIL_SUMMARY,
  full: AnswerDetail.ANSWER_DETAIL_FULL,
};

/** --detail summary|full; left out: the hub's configured default (HUB_ANSWER_DETAIL). */
function detail(o: CommonOptions): AnswerDetail {
  if (o.detail === undefined) return AnswerDetail.ANSWER_DETAIL_UNSPECIFIED;
  const d = DETAILS[o.detail.toLowerCase()];
  if (d === undefined) throw new Error('--detail: summary or full');
  return d;
}

function justification(o: CommonOptions): Justification {
  const code = `PURPOSE_CODE_${o.purpose.toUpperCase()}`;
  if (!Object.values(PurposeCode).includes(code as PurposeCode))
    throw new Error(
      `--purpose: one of ${Object.values(PurposeCode)
        .filter((p) => !p.endsWith('UNSPECIFIED'))
        .map((p) => p.replace('PURPOSE_CODE_', ''))
        .join(', ')}`,
    );
  return { purposeCode: code as PurposeCode, reason: o.reason, operationRef: o.operation ?? '' };
}

function online(kind: string, value: string, platform = ''): OnlineIdentifier {
  return {
    kind: `ONLINE_IDENTIFIER_KIND_${kind.toUpperCase()}` as OnlineIdentifierKind,
    platform,
    value,
    observedAt: undefined,
  };
}

/** The local stack runs the hub in plaintext development mode: the caller names its force. */
function client(o: CommonOptions): QueryClient {
  return new QueryClient(hubAddress(o.address), undefined, { devForce: o.as });
}

function withCommon(c: Command): Command {
  return c
    .requiredOption(
      '--as <force>',
      'calling force code (development mode; mTLS names it in production)',
    )
    .option('--address <host:port>', 'hub gRPC address (default: .run/stack.json)')
    .option('--purpose <code>', 'MoPI purpose, e.g. PREVENTING_OFFENCES', 'PREVENTING_OFFENCES')
    .requiredOption('--reason <text>', 'why the check is needed (audited)')
    .option('--operation <ref>', 'operation reference')
    .option(
      '--detail <level>',
      "summary (who, how sure, flags, holders) or full (with holders' details and the explanation); default: the hub's",
    )
    .option('--json', 'the whole answer as JSON (default: a table for people)');
}

/** `npm run cli -- check-person …` and `check-identifiers …`: IntelQuery from the terminal. */
export function registerQueryCommands(program: Command): void {
  withCommon(
    program
      .command('check-person')
      .description('ask the national hub whether a person is known (IntelQuery.CheckPerson)')
      .option('--given <names>', 'given names, space separated')
      .option('--family <name>', 'family name')
      .option('--dob <yyyy-mm-dd>', 'date of birth (yyyy, yyyy-mm or yyyy-mm-dd)')
      .option('--phone <e164>', 'phone number')
      .option('--pnc <id>', 'PNC ID'),
  ).action(
    async (
      o: CommonOptions & {
        given?: string;
        family?: string;
        dob?: string;
        phone?: string;
        pnc?: string;
      },
    ) => {
      const [y, m, d] = (o.dob ?? '').split('-').map(Number);
      const person: PersonQuery = {
        names:
          o.given || o.family
            ? [
                {
                  given: (o.given ?? '').split(/\s+/).filter(Boolean),
                  family: o.family ?? '',
                  type: 'NAME_TYPE_BIRTH' as never,
                },
              ]
            : [],
        dateOfBirth: o.dob ? { year: y ?? 0, month: m ?? 0, day: d ?? 0 } : undefined,
        sex: 'SEX_UNSPECIFIED' as never,
        identifiers: o.pnc ? [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: o.pnc }] : [],
        onlineIdentifiers: o.phone ? [online('PHONE', o.phone)] : [],
        addresses: [],
      };
      const c = client(o);
      try {
        const res = await c.checkPerson({
          person,
          justification: justification(o),
          maxResults: 5,
          detail: detail(o),
        });
        if (o.json) console.log(JSON.stringify(res, null, 2));
        else console.log([...matchesTable(res.matches), `audit ${res.auditRef}`].join('\n'));
      } finally {
        c.close();
      }
    },
  );

  withCommon(
    program
      .command('check-identifiers')
      .description('is this username, e-mail or phone linked to a known person? (CheckIdentifiers)')
      .requiredOption('--kind <kind>', 'USERNAME, EMAIL, PHONE, PROFILE_URL, PLATFORM_USER_ID, …')
      .requiredOption('--value <value>', 'the identifier')
      .option('--platform <name>', 'platform, for usernames and platform user ids'),
  ).action(async (o: CommonOptions & { kind: string; value: string; platform?: string }) => {
    const c = client(o);
    try {
      const res = await c.checkIdentifiers({
        onlineIdentifiers: [online(o.kind, o.value, o.platform)],
        justification: justification(o),
        detail: detail(o),
      });
      if (o.json) console.log(JSON.stringify(res, null, 2));
      else
        console.log(
          [
            ...res.results.flatMap((r) => [
              `${r.onlineIdentifier?.kind ?? ''} ${r.onlineIdentifier?.value ?? ''}: held by ${r.totalMatches} national person(s)` +
                (r.truncated ? ` (the first ${r.matches.length} shown)` : ''),
              ...matchesTable(r.matches),
            ]),
            `audit ${res.auditRef}`,
          ].join('\n'),
        );
    } finally {
      c.close();
    }
  });
}
