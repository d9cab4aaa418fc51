export type { Parsed } from './result';
export { pncCheckLetter, normalisePnc } from './pnc';
export { croCheckLetter, normaliseCro } from './cro';
export { normalisePhone, type CountryCode, type PhoneOptions } from './phone';
export { emailMatchKey, normaliseEmail } from './email';
export {
  normalisePlatform,
  normalisePlatformUserId,
  normaliseUsername,
  type PlatformScoped,
} from './username';
export {
  normalisePostcode,
  parsePostcode,
  postcodeOutcode,
  postcodeSector,
  type UkPostcode,
} from './postcode';
export { normaliseProfileUrl, type ProfileUrl } from './profile-url';
export { normaliseIpAddress } from './ip-address';
export { normaliseDeviceId, type DeviceId, type DeviceIdType } from './device-id';
export {
  normaliseOnlineIdentifier,
  type OnlineIdentifier,
  type OnlineIdentifierKind,
  type OnlineIdentifierOptions,
} from './online-identifier';
