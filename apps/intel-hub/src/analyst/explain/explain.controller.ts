import { Controller, Inject } from '@nestjs/common';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { AuditedRead } from './audited-read';
import { EXPLAIN_LINK, GET_NETWORK, LIST_LINKS } from './explain.routes';
import { ExplainService } from './explain.service';
import type { LinkExplanation } from './link-explanation';
import type { Network } from './network';

/**
 * A person's links, two records' match-weight waterfall, and the network around a person, for
 * the caller's force (handling code C: hit only), each audited with what it disclosed.
 */
@Controller()
export class ExplainController {
  constructor(
    @Inject(ExplainService) private readonly explain: ExplainService,
    @Inject(AuditedRead) private readonly reads: AuditedRead,
  ) {}

  @AnalystRoute(LIST_LINKS)
  async links(@Analyst() req: AnalystRequest<typeof LIST_LINKS>) {
    const { personId } = req.params;
    const { read, auditRef } = await this.reads.run(
      req,
      LIST_LINKS.operationId,
      { personId },
      () => this.explain.links(personId, req.caller.force),
      (r) => ({ nationalPersonId: r.personId, links: r.answer, withheld: r.withheld }),
    );
    return { nationalPersonId: read.personId, links: read.answer, auditRef };
  }

  @AnalystRoute(EXPLAIN_LINK)
  async explanation(@Analyst() req: AnalystRequest<typeof EXPLAIN_LINK>) {
    const { a, b } = req.query;
    const { read, auditRef } = await this.reads.run(
      req,
      EXPLAIN_LINK.operationId,
      { a: `${a.forceCode}/${a.nominalId}`, b: `${b.forceCode}/${b.nominalId}` },
      () => this.explain.explanation(a, b, req.caller.force),
      (r) => explanationDisclosed(r.answer),
    );
    return { ...read.answer, auditRef };
  }

  @AnalystRoute(GET_NETWORK)
  async network(@Analyst() req: AnalystRequest<typeof GET_NETWORK>) {
    const { personId } = req.params;
    const { depth } = req.query;
    const { read, auditRef } = await this.reads.run(
      req,
      GET_NETWORK.operationId,
      { personId, depth },
      () => this.explain.network(personId, depth, req.caller.force),
      (r) => networkDisclosed(r.answer),
    );
    return { ...read.answer, auditRef };
  }
}

/** What an explanation disclosed, for its audit entry. */
function explanationDisclosed(e: LinkExplanation) {
  if (e.disclosure === 'HIT_ONLY')
    return { disclosure: e.disclosure, hitOnly: e.hitOnly.map((h) => h.forceCode) };
  const { records, total, band, differences } = e;
  return {
    disclosure: e.disclosure,
    records: [records.a, records.b].map((r) => `${r.forceCode}/${r.nominalId}`),
    total,
    band,
    differences,
  };
}

/** What a network disclosed, for its audit entry: every node by its id. */
export function networkDisclosed(n: Network) {
  return {
    nationalPersonId: n.nationalPersonId,
    depth: n.depth,
    nodes: n.nodes.map((x) => x.id),
    edges: n.edges.length,
    truncated: n.truncated,
  };
}
