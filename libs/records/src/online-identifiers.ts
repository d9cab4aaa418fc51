import type { OnlineIdentifier } from '@intel/contracts';
import { normaliseOnlineIdentifier, type OnlineIdentifierKind } from '@intel/identifiers';
import { ONLINE_IDENTIFIER_KINDS } from './enum-sets';
import type { ErrorCollector } from './field-error';
import { LIMITS } from './limits';
import { checkEnum, checkText } from './text';

const KIND_PREFIX = 'ONLINE_IDENTIFIER_KIND_';

export function kindOf(o: Pick<OnlineIdentifier, 'kind'>): OnlineIdentifierKind {
  return o.kind.slice(KIND_PREFIX.length) as OnlineIdentifierKind;
}

/**
 * Validates one online identifier and returns it in canonical form (e-mail lower-cased, phone
 * in E.164, platform normalised, username without a leading @), or undefined when invalid.
 */
export function checkOnlineIdentifier(
  o: OnlineIdentifier,
  errors: ErrorCollector,
): OnlineIdentifier | undefined {
  const before = errors.errors.length;
  checkEnum(String(o.kind), ONLINE_IDENTIFIER_KINDS, errors, 'kind', { required: true });
  const platform = checkText(o.platform, errors, 'platform', { max: LIMITS.platform });
  const value = checkText(o.value, errors, 'value', {
    required: true,
    max: LIMITS.onlineIdentifierValue,
  });
  if (errors.errors.length > before) return undefined;
  const parsed = normaliseOnlineIdentifier(kindOf(o), platform || undefined, value);
  if (!parsed.ok) {
    errors.add(parsed.reason.startsWith('platform') ? 'platform' : 'value', parsed.reason);
    return undefined;
  }
  return {
    kind: o.kind,
    platform: parsed.value.platform ?? '',
    value: parsed.value.value,
    observedAt: o.observedAt ?? undefined,
  };
}

/** The matching key of a canonical online identifier: `<kind>:<key>`, e.g. `email:a@b.com`. */
export function onlineIdentifierKey(o: OnlineIdentifier): string | undefined {
  const parsed = normaliseOnlineIdentifier(kindOf(o), o.platform || undefined, o.value);
  return parsed.ok ? `${kindOf(o).toLowerCase()}:${parsed.value.key}` : undefined;
}
