import { NominalState } from '@intel/contracts';
import { pnc } from '../../../test/explain.fixture';
import { recordIdentifiers } from './record-identifiers';

describe('a record’s identifiers for the network', () => {
  const state = NominalState.fromJSON({
    identifiers: [
      { scheme: 'IDENTIFIER_SCHEME_PNC', value: '79/163001b' },
      { scheme: 'IDENTIFIER_SCHEME_PNC', value: pnc(163001) },
      { scheme: 'IDENTIFIER_SCHEME_FORCE_URN', value: 'abc-123' },
      { scheme: 'IDENTIFIER_SCHEME_NINO', value: 'qq 12 34 56 c' },
    ],
    onlineIdentifiers: [
      { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'Discord', value: '@Hendry79' },
      { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'discord', value: 'hendry79' },
      { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: '07911 100123' },
      { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', value: 'W.Hendry+x@GoogleMail.com' },
      { kind: 'ONLINE_IDENTIFIER_KIND_IP_ADDRESS', value: '203.0.113.7' },
    ],
  });

  it('gives each identifier once under the canonical key identifier look-ups use', () => {
    expect(recordIdentifiers(state).map((i) => [i.key, i.kind, i.label, i.expandable])).toEqual([
      ['pnc:1979/0163001B', 'PNC', 'PNC 1979/0163001B', true],
      ['force_urn:ABC123', 'force URN', 'URN ABC123', false],
      ['nino:QQ123456C', 'NINO', 'NINO QQ123456C', true],
      ['username:discord:hendry79', 'username', 'hendry79 (discord)', true],
      ['phone:+447911100123', 'phone', '+447911100123', true],
      ['email:whendry@gmail.com', 'e-mail', 'whendry@gmail.com', true],
      ['ip_address:203.0.113.7', 'IP address', '203.0.113.7', false],
    ]);
  });
});
