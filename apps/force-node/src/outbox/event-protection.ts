import type { ForceNodeEventKeys } from '@intel/config';
import {
  makeSigner,
  protectRecords,
  sealingRecipientFromPem,
  type ForceEventKeys,
} from '@intel/envelope-security';
import type { OutgoingMessage } from '@intel/kafka';

/**
 * What the relay does to every batch on its way to Kafka: a handling-code-C state is sealed
 * for the hub (only the id, version and handling code stay in clear), and the batch is signed
 * with this force's key (one signature over a Merkle root; each record carries its audit
 * path), so the hub can tell each record from anything another party wrote. Keys are parsed
 * here, at start: an unusable key file stops the node before it accepts anything.
 */
export function eventProtection(
  forceCode: string,
  keys: ForceNodeEventKeys,
): (batch: OutgoingMessage[]) => OutgoingMessage[] {
  const k: ForceEventKeys = {
    signer: makeSigner(forceCode, keys.signingKeyId, keys.signingKeyPem),
    hub: sealingRecipientFromPem(keys.hubSealingKeyId, keys.hubSealingPublicKeyPem),
  };
  return (batch) => protectRecords(batch, k);
}
