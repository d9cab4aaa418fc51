import { ErrorCollector, RecordValidationError } from './field-error';

describe('ErrorCollector', () => {
  it('given no prefix, when an error is added, then the field is the bare path', () => {
    const errors = new ErrorCollector();

    errors.add('sourceSystem', 'is required');

    expect(errors.errors).toEqual([{ field: 'sourceSystem', message: 'is required' }]);
    expect(errors.ok).toBe(false);
  });

  it('given nothing added, then it is ok', () => {
    expect(new ErrorCollector().ok).toBe(true);
  });

  it('given nested children, when errors are added, then paths use dots for names and brackets for indexes', () => {
    const root = new ErrorCollector();

    root.at('names').at(0).add('family', 'm1');
    root.at('identifiers').at(1).add('value', 'm2');
    root.at('handling').add('handlingConditions', 'm3');
    root.at('subjects').at(2).at('role').add('', 'm4');
    root.add(3, 'm5');

    expect(root.errors.map((e) => e.field)).toEqual([
      'names[0].family',
      'identifiers[1].value',
      'handling.handlingConditions',
      'subjects[2].role',
      '[3]',
    ]);
  });

  it('given a child collector, when it records an error, then the parent sees it (one shared list)', () => {
    const root = new ErrorCollector();
    const child = root.at('dateOfBirth');

    child.add('day', 'bad');

    expect(root.ok).toBe(false);
    expect(root.errors).toBe(child.errors);
    expect(root.errors).toEqual([{ field: 'dateOfBirth.day', message: 'bad' }]);
  });

  it('given an empty path on a prefixed collector, then the error lands on the prefix itself', () => {
    const errors = new ErrorCollector().at('handling');

    errors.add('', 'handling is required');

    expect(errors.errors).toEqual([{ field: 'handling', message: 'handling is required' }]);
  });
});

describe('RecordValidationError', () => {
  it('names every field in its message and exposes the first as `field`', () => {
    const error = new RecordValidationError([
      { field: 'names[0].family', message: 'is required' },
      { field: 'sex', message: 'unknown value' },
    ]);

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RecordValidationError');
    expect(error.message).toBe('names[0].family: is required; sex: unknown value');
    expect(error.field).toBe('names[0].family');
  });

  it('given no errors, then field is empty', () => {
    expect(new RecordValidationError([]).field).toBe('');
  });
});
