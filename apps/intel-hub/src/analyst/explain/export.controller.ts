import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Controller, Inject, Res } from '@nestjs/common';
import { forceName } from '@intel/config';
import type { Consultation } from '../consultations/consultation';
import { ConsultationStore } from '../consultations/consultation.store';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { networkAnx } from './anx-export';
import { AuditedRead } from './audited-read';
import { networkCsv } from './csv-export';
import { networkDisclosed } from './explain.controller';
import { CREATE_EXPORT } from './explain.routes';
import { ExplainService } from './explain.service';
import type { Network } from './network';
import { streamChunks } from './stream-response';

const MEDIA = { anx: 'application/xml', csv: 'text/csv' } as const;

/**
 * A person's network as a file (i2 ANX or CSV). An export is a consultation of its own: the
 * body's justification (purpose, reason, operation) is recorded as a consultation that
 * justifies this export only (it expires as it opens, so no read can name it) and is the
 * audit entry's justification, beside the open consultation the request names (required like
 * any read's: an export is made from a justified session, and the entry ties the two). The
 * file is audited before its first byte is sent, with its SHA-256 and size (the writers are
 * deterministic: it is produced once to digest and once to send, never held whole), then
 * streamed.
 */
@Controller()
export class ExportController {
  constructor(
    @Inject(ExplainService) private readonly explain: ExplainService,
    @Inject(AuditedRead) private readonly reads: AuditedRead,
    @Inject(ConsultationStore) private readonly consultations: ConsultationStore,
  ) {}

  @AnalystRoute(CREATE_EXPORT)
  async create(
    @Analyst() req: AnalystRequest<typeof CREATE_EXPORT>,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const { format, nationalPersonId, depth, justification } = req.body;
    const now = new Date();
    const own: Consultation = {
      id: randomUUID(),
      sub: req.user.sub,
      force: req.user.force,
      purposeCode: justification.purposeCode,
      reason: justification.reason,
      operationRef: justification.operationRef ?? '',
      openedAt: now,
      expiresAt: now,
    };
    const { sub, name, roles } = req.user;
    const caller = { ...req.caller, user: { sub, name, roles, consultationId: own.id } };
    let file: () => Iterable<string> = () => [];
    const { read, auditRef } = await this.reads.run(
      { caller, consultation: own },
      CREATE_EXPORT.operationId,
      { format, nationalPersonId, depth, sessionConsultationId: req.consultation?.id ?? null },
      () => this.explain.network(nationalPersonId, depth, req.caller.force),
      (r) => {
        file = () => fileOf(format, r.answer, own, req.user);
        return { format, ...digest(file()), ...networkDisclosed(r.answer) };
      },
    );
    await this.consultations.insert(own);
    res.statusCode = 200;
    res.setHeader('Content-Type', `${MEDIA[format]}; charset=utf-8`);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="network-${read.personId}.${format}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Audit-Ref', auditRef);
    await streamChunks(res, file());
  }
}

function fileOf(
  format: 'anx' | 'csv',
  n: Network,
  c: Consultation,
  user: { name: string; force: string },
): Iterable<string> {
  if (format === 'csv') return networkCsv(n);
  return networkAnx(n, {
    title: `National person ${n.nationalPersonId} (depth ${n.depth})`,
    comments:
      `OFFICIAL-SENSITIVE. Exported ${c.openedAt.toISOString()} by ${user.name} ` +
      `(${forceName(user.force)}), consultation ${c.id}: ${c.purposeCode}, ${c.reason}` +
      `${c.operationRef ? ` (${c.operationRef})` : ''}. Another force's handling-code-C ` +
      'records appear only as hits: ask the force named for anything more.' +
      (n.truncated ? ' Depth 2 was cut at its bounds.' : ''),
  });
}

/** The file's SHA-256 and size in bytes, produced chunk by chunk. */
function digest(chunks: Iterable<string>): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const c of chunks) {
    hash.update(c, 'utf8');
    bytes += Buffer.byteLength(c, 'utf8');
  }
  return { sha256: hash.digest('hex'), bytes };
}
