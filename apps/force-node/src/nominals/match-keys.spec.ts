import {
  IdentifierScheme,
  OnlineIdentifierKind,
  type OnlineIdentifier,
  type PersonRecord,
} from '@intel/contracts';
import { validatePersonRecord } from '@intel/records';
import { personRecord } from '@intel/testing';
import { personMatchKeys } from './match-keys';

const NOW = new Date('2025-06-15T12:00:00Z');

/** A validated, canonical record, as personMatchKeys expects. */
const canonical = (overrides: Partial<PersonRecord>): PersonRecord =>
  validatePersonRecord(personRecord({ sourceRecordId: 'P1', ...overrides }), { now: NOW });

/** A record with no name/DOB key, so only the keys under test appear. */
const withoutNameKey = (overrides: Partial<PersonRecord>): PersonRecord =>
  canonical({ dateOfBirth: undefined, ...overrides });

const online = (kind: OnlineIdentifierKind, value: string, platform = ''): OnlineIdentifier => ({
  kind,
  platform,
  value,
  observedAt: undefined,
});
const email = (v: string) => online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, v);
const phone = (v: string) => online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, v);
const username = (v: string, platform: string) =>
  online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, v, platform);

describe('personMatchKeys', () => {
  describe('identifiers', () => {
    it('given a PNC ID and a CRO number, then each gives a key', () => {
      const r = withoutNameKey({
        identifiers: [
          { scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '79/163001B' },
          { scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO, value: '12345/89Y' },
        ],
      });

      expect(personMatchKeys(r).sort()).toEqual(['cro:012345/89Y', 'pnc:1979/0163001B']);
    });

    it('given the display and full forms of one PNC ID, then the keys are equal', () => {
      const display = withoutNameKey({
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '79/163001B' }],
      });
      const full = withoutNameKey({
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '1979/0163001B' }],
      });

      expect(personMatchKeys(display)).toEqual(personMatchKeys(full));
    });

    it('given other schemes (NINO, passport), then they give no key', () => {
      const r = withoutNameKey({
        identifiers: [
          { scheme: IdentifierScheme.IDENTIFIER_SCHEME_NINO, value: 'AB123456C' },
          { scheme: IdentifierScheme.IDENTIFIER_SCHEME_PASSPORT, value: 'X1' },
        ],
      });

      expect(personMatchKeys(r)).toEqual([]);
    });
  });

  describe('online identifiers', () => {
    it.each<[string, OnlineIdentifier, OnlineIdentifier]>([
      ['e-mail', email('JOHN@Example.com'), email('john@example.com')],
      ['phone', phone('07700 900123'), phone('+447700900123')],
      ['username', username('@Bob', 'Instagram'), username('bob', 'instagram')],
      ['username on a platform alias', username('bob', 'IG'), username('bob', 'instagram')],
    ])('given two spellings of one %s, then the keys are equal', (_kind, a, b) => {
      const ka = personMatchKeys(withoutNameKey({ onlineIdentifiers: [a] }));
      const kb = personMatchKeys(withoutNameKey({ onlineIdentifiers: [b] }));

      expect(ka).toHaveLength(1);
      expect(ka).toEqual(kb);
    });

    it('given unvalidated spellings, then the keys are still normalised', () => {
      const raw = personRecord({
        sourceRecordId: 'P1',
        dateOfBirth: undefined,
        onlineIdentifiers: [
          email('JOHN@Example.com'),
          phone('07700 900123'),
          username('@Bob', 'Instagram'),
        ],
      });

      expect(personMatchKeys(raw)).toEqual(
        personMatchKeys(
          withoutNameKey({
            onlineIdentifiers: [
              email('john@example.com'),
              phone('+447700900123'),
              username('bob', 'instagram'),
            ],
          }),
        ),
      );
    });

    it('given the same username on two platforms, then the keys differ', () => {
      const a = personMatchKeys(
        withoutNameKey({ onlineIdentifiers: [username('bob', 'instagram')] }),
      );
      const b = personMatchKeys(
        withoutNameKey({ onlineIdentifiers: [username('bob', 'snapchat')] }),
      );

      expect(a).not.toEqual(b);
    });

    it('given each linking kind, then the key is prefixed with its kind', () => {
      const keys = personMatchKeys(
        withoutNameKey({
          onlineIdentifiers: [
            email('john@example.com'),
            phone('+447700900123'),
            username('bob', 'instagram'),
            online(
              OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PLATFORM_USER_ID,
              '12345',
              'facebook',
            ),
          ],
        }),
      );

      expect(keys).toEqual([
        'email:john@example.com',
        'phone:+447700900123',
        'username:instagram:bob',
        'platform_user_id:facebook:12345',
      ]);
    });

    it('given IP addresses, device ids and profile URLs, then they give no key (shared or weak)', () => {
      const r = withoutNameKey({
        onlineIdentifiers: [
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '203.0.113.7'),
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_DEVICE_ID, '490154203237518'),
          online(
            OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PROFILE_URL,
            'https://www.instagram.com/bob',
          ),
        ],
      });

      expect(personMatchKeys(r)).toEqual([]);
    });

    it('given the same identifier twice, then it gives one key', () => {
      const r = withoutNameKey({ onlineIdentifiers: [email('a@b.com'), email('A@B.com')] });

      expect(personMatchKeys(r)).toEqual(['email:a@b.com']);
    });
  });

  describe('name and date of birth', () => {
    it('given only a name and a full date of birth, then there is no linking key (the engine decides)', () => {
      const r = personRecord({
        sourceRecordId: 'nd',
        dateOfBirth: { year: 1980, month: 5, day: 7 },
      });
      expect(personMatchKeys(r)).toEqual([]);
    });
  });
});
