/**
 * One entry point for `OnlineIdentifier { kind, platform, value }` (docs/contracts.md: PersonRecord and
 * IncidentRecord). The caller maps the proto enum to `OnlineIdentifierKind`.
 */
import { normaliseDeviceId } from './device-id';
import { emailMatchKey, normaliseEmail } from './email';
import { normaliseIpAddress } from './ip-address';
import { normalisePhone, type PhoneOptions } from './phone';
import { normaliseProfileUrl } from './profile-url';
import { invalid, ok, type Parsed } from './result';
import { normalisePlatformUserId, normaliseUsername } from './username';

export type OnlineIdentifierKind =
  'USERNAME' | 'EMAIL' | 'PHONE' | 'PROFILE_URL' | 'PLATFORM_USER_ID' | 'IP_ADDRESS' | 'DEVICE_ID';

export interface OnlineIdentifier {
  kind: OnlineIdentifierKind;
  /** Normalised platform; set only for the platform-scoped kinds, USERNAME and PLATFORM_USER_ID. */
  platform?: string;
  /** Canonical form to store and show. */
  value: string;
  /**
   * Matching key, unique within `kind` (keys of different kinds may coincide). It can differ from
   * `value`: e-mail drops `+tags` (see `emailMatchKey`), a profile URL drops the scheme, and
   * platform-scoped kinds are prefixed with the platform.
   */
  key: string;
}

export type OnlineIdentifierOptions = PhoneOptions;

/**
 * Validates and normalises one online identifier. `platform` is required for USERNAME and
 * PLATFORM_USER_ID and ignored otherwise: a phone number or e-mail address is the same identifier
 * on every platform. An empty string counts as absent (proto3 default).
 */
export function normaliseOnlineIdentifier(
  kind: OnlineIdentifierKind,
  platform: string | undefined,
  value: string,
  options: OnlineIdentifierOptions = {},
): Parsed<OnlineIdentifier> {
  switch (kind) {
    case 'USERNAME':
    case 'PLATFORM_USER_ID': {
      if (platform === undefined || platform.trim() === '') {
        return invalid(`platform is required for ${kind}`);
      }
      const parsed =
        kind === 'USERNAME'
          ? normaliseUsername(platform, value)
          : normalisePlatformUserId(platform, value);
      return parsed.ok ? ok({ kind, ...parsed.value }) : parsed;
    }
    case 'EMAIL': {
      const email = normaliseEmail(value);
      if (!email.ok) {
        return email;
      }
      const key = emailMatchKey(email.value);
      return key.ok ? ok({ kind, value: email.value, key: key.value }) : key;
    }
    case 'PHONE':
      return sameKey(kind, normalisePhone(value, options));
    case 'PROFILE_URL': {
      const url = normaliseProfileUrl(value);
      return url.ok ? ok({ kind, value: url.value.url, key: url.value.key }) : url;
    }
    case 'IP_ADDRESS':
      return sameKey(kind, normaliseIpAddress(value));
    case 'DEVICE_ID': {
      const device = normaliseDeviceId(value);
      return device.ok ? sameKey(kind, ok(device.value.value)) : device;
    }
  }
}

function sameKey(kind: OnlineIdentifierKind, parsed: Parsed<string>): Parsed<OnlineIdentifier> {
  return parsed.ok ? ok({ kind, value: parsed.value, key: parsed.value }) : parsed;
}
