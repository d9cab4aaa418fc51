import { IncidentState, NominalState, SubjectRole } from '@intel/contracts';
import { pncCheckLetter } from '@intel/identifiers';
import { SaxesParser } from 'saxes';
import type { Network } from '../src/analyst/explain/network';
import type { IncidentView, MemberView } from '../src/flags/derive-flags';

/** Fixtures for the explanation, network and export specs: a nominal and an incident. */
export interface MemberOptions {
  code?: 'P' | 'C';
  given?: string;
  family?: string;
  dob?: { year: number; month?: number; day?: number };
  phone?: string;
  /** A username on Discord. */
  username?: string;
  pncSerial?: number;
}

export function member(forceCode: string, nominalId: string, o: MemberOptions = {}): MemberView {
  const state = NominalState.fromJSON({
    nominalId,
    version: 1,
    names: [
      { given: [o.given ?? 'William'], family: o.family ?? 'Hendry', type: 'NAME_TYPE_BIRTH' },
    ],
    datesOfBirth: [o.dob ?? { year: 1979, month: 3, day: 14 }],
    sex: 'SEX_MALE',
    identifiers: o.pncSerial ? [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: pnc(o.pncSerial) }] : [],
    onlineIdentifiers: [
      ...(o.phone ? [{ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: o.phone }] : []),
      ...(o.username
        ? [{ kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'Discord', value: o.username }]
        : []),
    ],
    handling: handling(o.code ?? 'P'),
  });
  return { forceCode, nominalId, state };
}

export function incidentOn(
  subject: MemberView,
  forceCode: string,
  incidentId: string,
  code: 'P' | 'C' = 'P',
): IncidentView & { subject: { forceCode: string; nominalId: string } } {
  const state = IncidentState.fromJSON({
    incidentId,
    version: 1,
    category: 'INCIDENT_CATEGORY_ONLINE_GROOMING',
    occurredFrom: '2025-06-01T00:00:00Z',
    summary: 'Arranged to meet a decoy persona',
    handling: handling(code),
  });
  return {
    forceCode,
    incidentId,
    state,
    roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
    subject: { forceCode: subject.forceCode, nominalId: subject.nominalId },
  };
}

function handling(code: 'P' | 'C') {
  return code === 'C'
    ? { handlingCode: 'HANDLING_CODE_C', handlingConditions: 'Covert source: FIB inspector only' }
    : { handlingCode: 'HANDLING_CODE_P' };
}

/** A valid 1979 PNC ID for a serial. */
export function pnc(serial: number): string {
  return `1979/${String(serial).padStart(7, '0')}${pncCheckLetter(79, serial)}`;
}

/** A small network for the export specs, with `hostile` as a username. */
export function sampleNetwork(hostile: string): Network {
  return {
    nationalPersonId: 'p1',
    depth: 1,
    truncated: false,
    nodes: [
      { id: 'person:p1', type: 'person', label: 'William Hendry' },
      { id: 'record:46:n1', type: 'record', label: 'William Hendry (46)' },
      { id: 'identifier:phone:+447911100123', type: 'identifier', label: '+447911100123' },
      { id: 'identifier:username:discord:x', type: 'identifier', label: `username ${hostile}` },
      { id: 'incident:46:i1', type: 'incident', label: 'Online grooming 2025-06' },
      { id: 'hit:p1:36', type: 'record', label: 'record held by X — contact Y', hitOnly: true },
      { id: 'force:46', type: 'force', label: 'Lancashire' },
    ],
    edges: [
      { source: 'person:p1', target: 'record:46:n1', type: 'has_record' },
      { source: 'record:46:n1', target: 'identifier:phone:+447911100123', type: 'has_identifier' },
      { source: 'record:46:n1', target: 'identifier:username:discord:x', type: 'has_identifier' },
      { source: 'record:46:n1', target: 'incident:46:i1', type: 'subject_of', label: 'suspect' },
      { source: 'person:p1', target: 'hit:p1:36', type: 'has_record' },
      { source: 'record:46:n1', target: 'force:46', type: 'held_by' },
    ],
  };
}

export interface XmlElement {
  nodeName: string;
  attributes: Record<string, string>;
  childNodes: XmlElement[];
  getAttribute(name: string): string | undefined;
}

/**
 * Parses as XML with a conforming parser (saxes: XML 1.0 well-formedness, strictly), into a
 * small tree; any error throws.
 */
export function parseXml(xml: string): { documentElement: XmlElement } {
  const parser = new SaxesParser();
  const root: XmlElement[] = [];
  const open: XmlElement[] = [];
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.on('opentag', (t) => {
    const attributes = t.attributes as Record<string, string>;
    const e: XmlElement = {
      nodeName: t.name,
      attributes,
      childNodes: [],
      getAttribute: (name) => attributes[name],
    };
    (open.at(-1)?.childNodes ?? root).push(e);
    open.push(e);
  });
  parser.on('closetag', () => open.pop());
  parser.write(xml).close();
  if (error) throw error;
  if (root.length !== 1 || !root[0]) throw new Error('not one root element');
  return { documentElement: root[0] };
}
