import {
  IdentifierScheme,
  OnlineIdentifierKind,
  type Identifier,
  type NominalState,
  type OnlineIdentifier,
} from '@intel/contracts';
import { normaliseCro, normalisePnc } from '@intel/identifiers';
import { onlineIdentifierKey } from '@intel/records';

/** One identifier a record holds, under the canonical key that makes two records share it. */
export interface RecordIdentifier {
  /** `phone:+447911100123`, `username:discord:hendry79`, `pnc:1979/0163001B` … */
  key: string;
  /** `phone`, `e-mail`, `username`, `PNC`, `CRO` …: what an analyst calls it. */
  kind: string;
  /** The canonical value (a username with its platform). */
  value: string;
  /**
   * For people: the value as it is used (`+447911100123`, `hendry79 (discord)`), a scheme's
   * value after its scheme (`PNC 1979/0163001B`).
   */
  label: string;
  /** Whether records of other persons sharing it are worth a look (not a force URN or an IP). */
  expandable: boolean;
  /** As held, to look the holders up with. */
  source: { identifier: Identifier } | { online: OnlineIdentifier };
}

const ONLINE_KIND: Readonly<Record<string, string>> = {
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME]: 'username',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL]: 'e-mail',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE]: 'phone',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PROFILE_URL]: 'profile',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PLATFORM_USER_ID]: 'user id',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS]: 'IP address',
  [OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_DEVICE_ID]: 'device',
};

const PLATFORM_SCOPED: ReadonlySet<string> = new Set([
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PLATFORM_USER_ID,
]);

/**
 * The identifiers of a record, each once, in a stable order: PNC, CRO and the other schemes,
 * then the online identifiers. Keys use the same canonical forms as identifier look-ups (an
 * `@Name` on `Discord` is `name` on `discord`), so two records holding one identifier give one key.
 * An IP address is shown but not expanded: without the time it was seen it is shared by too
 * many people (CGNAT, public Wi-Fi); nor is a force URN, which only means something in its force.
 */
export function recordIdentifiers(state: NominalState): RecordIdentifier[] {
  const out = new Map<string, RecordIdentifier>();
  for (const id of state.identifiers) {
    const scheme = id.scheme.replace(/^IDENTIFIER_SCHEME_/, '');
    const value = schemeValue(id);
    if (value === '') continue;
    const key = `${scheme.toLowerCase()}:${value}`;
    if (!out.has(key))
      out.set(key, {
        key,
        kind: scheme === 'FORCE_URN' ? 'force URN' : scheme.replace(/_/g, ' '),
        value,
        label: `${scheme === 'FORCE_URN' ? 'URN' : scheme.replace(/_/g, ' ')} ${value}`,
        expandable: id.scheme !== IdentifierScheme.IDENTIFIER_SCHEME_FORCE_URN,
        source: { identifier: id },
      });
  }
  for (const o of state.onlineIdentifiers) {
    const kind = ONLINE_KIND[o.kind] ?? 'identifier';
    const key =
      onlineIdentifierKey(o) ??
      `${o.kind.replace(/^ONLINE_IDENTIFIER_KIND_/, '').toLowerCase()}:${o.value.trim()}`;
    if (out.has(key)) continue;
    const value = key.slice(key.indexOf(':') + 1);
    const platform = PLATFORM_SCOPED.has(o.kind) ? value.slice(0, value.indexOf(':')) : '';
    out.set(key, {
      key,
      kind,
      value,
      label: platform ? `${value.slice(platform.length + 1)} (${platform})` : value,
      expandable: o.kind !== OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS,
      source: { online: o },
    });
  }
  return [...out.values()];
}

function schemeValue(id: Identifier): string {
  if (id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_PNC) {
    const p = normalisePnc(id.value);
    if (p.ok) return p.value;
  }
  if (id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_CRO) {
    const c = normaliseCro(id.value);
    if (c.ok) return c.value;
  }
  return id.value.toUpperCase().replace(/[^A-Z0-9/]/g, '');
}
