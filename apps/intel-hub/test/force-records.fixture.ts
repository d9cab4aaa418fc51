import type { Producer } from 'kafkajs';
import { TOPICS } from '@intel/kafka';
import {
  EventType,
  IncidentCategory,
  IncidentOutcome,
  SubjectCategory,
  SubjectRole,
  timestampFromDate,
  type IncidentState,
  type NominalState,
} from '@intel/contracts';
import { forceProducer, handlingP, signedEvent } from '@intel/testing';

/**
 * Force records as a force node publishes them (signed with the test keys of the force, on the
 * force's own Kafka principal), for hub specs that feed the hub without a force node.
 */
export class ForceRecords {
  /** One producer per force, connected on its first event. */
  private readonly producers = new Map<string, Promise<Producer>>();
  readonly now = timestampFromDate(new Date());

  constructor(private readonly clientTag: string) {}

  /** A convicted nominal at version 1, handling P, from `base` and `extra` (which wins). */
  nominal(
    nominalId: string,
    base: Pick<NominalState, 'names' | 'datesOfBirth' | 'sex' | 'identifiers'>,
    extra: Partial<NominalState> = {},
  ): NominalState {
    return {
      nominalId,
      version: 1,
      ...base,
      onlineIdentifiers: [],
      addresses: [],
      registrations: [],
      handling: handlingP(),
      subjectCategories: [SubjectCategory.SUBJECT_CATEGORY_CONVICTED],
      sources: [{ sourceSystem: 'niche-rms', sourceRecordId: nominalId }],
      updatedAt: this.now,
      ...extra,
    };
  }

  /** An online-grooming incident with `nominalId` its suspect, handling P. */
  incident(incidentId: string, nominalId: string): IncidentState {
    return {
      incidentId,
      version: 1,
      category: IncidentCategory.INCIDENT_CATEGORY_ONLINE_GROOMING,
      offenceCodes: [],
      occurredFrom: this.now,
      occurredTo: undefined,
      reportedAt: this.now,
      platforms: ['discord'],
      subjects: [{ nominalId, role: SubjectRole.SUBJECT_ROLE_SUSPECT }],
      onlineIdentifiers: [],
      outcome: IncidentOutcome.INCIDENT_OUTCOME_UNSPECIFIED,
      summary: 'Contact with a child in a chatroom',
      handling: handlingP(),
      immediateRiskToChild: false,
      sharedReference: '',
      victimCount: 1,
      source: { sourceSystem: 'niche-rms', sourceRecordId: incidentId },
      updatedAt: this.now,
    };
  }

  /** Publishes one signed event of `force` on the topic its type belongs to. */
  async publish(force: string, type: EventType, id: string, payload: object): Promise<void> {
    let connecting = this.producers.get(force);
    if (!connecting) {
      connecting = forceProducer(force, `it-${this.clientTag}-${force}`);
      this.producers.set(force, connecting);
    }
    const p = await connecting;
    const e = signedEvent(force, type, id, payload);
    const topic = type.startsWith('EVENT_TYPE_INCIDENT') ? TOPICS.incident : TOPICS.person;
    await p.send({ topic, acks: -1, messages: [e] });
  }

  async close(): Promise<void> {
    for (const connecting of this.producers.values())
      await connecting.then((p) => p.disconnect()).catch(() => undefined);
  }
}
