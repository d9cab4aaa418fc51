import { fieldLabel, parseProblem, problemText } from './problem';

describe('problem+json as the page shows it', () => {
  it('takes title, detail and the header a 428 names', () => {
    const p = parseProblem(428, {
      type: 'https://intel.example/problems/justification-required',
      title: 'Justification required',
      status: 428,
      detail: 'Open a consultation and send its id',
      field: 'X-Consultation-Id',
    });
    expect(p).toMatchObject({
      status: 428,
      title: 'Justification required',
      fields: ['X-Consultation-Id'],
    });
    expect(problemText(p)).toBe(
      'Justification required — Open a consultation and send its id (X-Consultation-Id)',
    );
  });

  it('lists per-field errors, JSON pointers read as paths', () => {
    const p = parseProblem(400, {
      title: 'Invalid request',
      errors: [
        { pointer: '/names/0/family', detail: 'too long' },
        { path: ['dateOfBirth'], message: 'not a date' },
      ],
    });
    expect(p.fields).toEqual(['names[0].family', 'dateOfBirth']);
    expect(p.errors).toEqual([
      { field: 'names[0].family', detail: 'too long' },
      { field: 'dateOfBirth', detail: 'not a date' },
    ]);
  });

  it('falls back to a title for the status when the body is not problem+json', () => {
    expect(parseProblem(403, '<html>').title).toBe('Not allowed');
    expect(parseProblem(418, null).title).toBe('HTTP 418');
  });

  it('reads Retry-After seconds on a 429', () => {
    const p = parseProblem(429, { title: 'Too many requests' }, '7');
    expect(p.retryAfterSeconds).toBe(7);
    expect(problemText(p)).toContain('Retry in 7 s.');
  });

  it('decodes JSON pointer escapes', () => {
    expect(fieldLabel('/a~1b/0/c~0d')).toBe('a/b[0].c~d');
    expect(fieldLabel('X-Consultation-Id')).toBe('X-Consultation-Id');
  });
});
