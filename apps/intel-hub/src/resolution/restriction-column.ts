import type { NominalState } from '@intel/contracts';
import { isRestricted } from '@intel/disclosure';
import { disclosureFactsOf } from './state-facts';
import { withSlot } from './typed-growth';

const UNKNOWN = 0;
const SHAREABLE = 1;
const RESTRICTED = 2;

/**
 * Per handle of the national index, whether its nominal's state is handling code C: one byte
 * a nominal, so that ranking a query's candidates (who may see which record) reads a byte
 * instead of decoding each candidate's stored state. Set with the state when the state is at
 * hand (an upsert, a restore), otherwise worked out from the stored bytes the first time it is
 * asked (a snapshot's states: loading it reads none of them) and kept until the state changes.
 * Every change of a handle's state must go through `held` or `dropped`.
 */
export class RestrictionColumn {
  private codes = new Uint8Array(0);

  /** `h` holds this state now (undefined: not at hand; worked out from its bytes if asked). */
  held(h: number, state: Pick<NominalState, 'handling'> | undefined): void {
    this.codes = withSlot(this.codes, h, UNKNOWN);
    this.codes[h] =
      state === undefined
        ? UNKNOWN
        : isRestricted(state.handling?.handlingCode)
          ? RESTRICTED
          : SHAREABLE;
  }

  /** `h` holds a state known to be handling code C or not (worked out where it was decoded). */
  heldRestricted(h: number, restricted: boolean): void {
    this.codes = withSlot(this.codes, h, UNKNOWN);
    this.codes[h] = restricted ? RESTRICTED : SHAREABLE;
  }

  /** `h` holds no state any more. */
  dropped(h: number): void {
    if (h < this.codes.length) this.codes[h] = UNKNOWN;
  }

  /**
   * Whether `h`'s state (`encoded`, as stored) is handling code C. A handle with no state is
   * restricted: nothing says it may be shared.
   */
  restricted(h: number, encoded: Uint8Array | undefined): boolean {
    if (encoded === undefined) return true;
    const code = this.codes[h] ?? UNKNOWN;
    if (code !== UNKNOWN) return code === RESTRICTED;
    const state = disclosureFactsOf(encoded);
    this.held(h, state);
    return isRestricted(state.handling?.handlingCode);
  }
}
