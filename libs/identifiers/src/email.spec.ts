import fc from 'fast-check';
import { emailMatchKey, normaliseEmail } from './email';

describe('normaliseEmail', () => {
  it.each([
    ['Jane.Doe@Example.COM', 'jane.doe@example.com'],
    ['  jane+intel@example.co.uk ', 'jane+intel@example.co.uk'],
    ['J.Doe+x@GoogleMail.com', 'j.doe+x@googlemail.com'],
  ])('normalises %p to %p, keeping dots and +tags', (input, email) => {
    expect(normaliseEmail(input)).toEqual({ ok: true, value: email });
  });

  it.each([
    ['', 'e-mail address is empty'],
    ['   ', 'e-mail address is empty'],
    ['jane.example.com', 'e-mail address must contain exactly one @'],
    ['jane@doe@example.com', 'e-mail address must contain exactly one @'],
    ['jane doe@example.com', 'e-mail address contains whitespace'],
    ['@example.com', 'e-mail local part must be 1 to 64 characters'],
    [`${'a'.repeat(65)}@example.com`, 'e-mail local part must be 1 to 64 characters'],
    ['jane@localhost', 'e-mail domain must be a dotted name such as example.com'],
    ['jane@example..com', 'e-mail domain must be a dotted name such as example.com'],
    ['jane@.example.com', 'e-mail domain must be a dotted name such as example.com'],
    ['jane@example.com.', 'e-mail domain must be a dotted name such as example.com'],
    [`jane@${'a'.repeat(250)}.com`, 'e-mail address is longer than 254 characters'],
  ])('rejects %p', (input, reason) => {
    expect(normaliseEmail(input)).toEqual({ ok: false, reason });
  });

  it('accepts 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
    expect(email).toHaveLength(254);
    expect(normaliseEmail(email)).toEqual({ ok: true, value: email });
  });

  it('accepts generated addresses and is idempotent', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (input) => {
        const first = normaliseEmail(input);
        expect(first).toEqual({ ok: true, value: input.toLowerCase() });
        expect(first.ok && normaliseEmail(first.value)).toEqual(first);
      }),
    );
  });
});

describe('emailMatchKey', () => {
  it.each([
    ['jane+intel@example.com', 'jane@example.com'],
    ['Jane.Doe+a+b@Example.com', 'jane.doe@example.com'],
    ['j.a.n.e+x@gmail.com', 'jane@gmail.com'],
    ['J.Ane@GoogleMail.com', 'jane@gmail.com'],
    ['+jane@example.com', '+jane@example.com'],
    ['jane.doe@outlook.com', 'jane.doe@outlook.com'],
  ])('maps %p to %p', (input, key) => {
    expect(emailMatchKey(input)).toEqual({ ok: true, value: key });
  });

  it('rejects what normaliseEmail rejects', () => {
    expect(emailMatchKey('not an e-mail')).toEqual(normaliseEmail('not an e-mail'));
  });

  it('is idempotent', () => {
    const gmail = fc
      .tuple(fc.emailAddress(), fc.constantFrom('gmail.com', 'googlemail.com', 'example.com'))
      .map(([email, domain]) => email.replace(/@.*$/, `@${domain}`));
    fc.assert(
      fc.property(gmail, (input) => {
        const first = emailMatchKey(input);
        expect(first.ok && emailMatchKey(first.value)).toEqual(first);
      }),
    );
  });
});
