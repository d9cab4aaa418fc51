/** One rejected field: `field` is a path such as `names[0].family` or `identifiers[2].value`. */
export interface FieldError {
  field: string;
  message: string;
}

/** Thrown (or returned) when a record fails validation; nothing is stored for it. */
export class RecordValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'RecordValidationError';
  }

  /** The first offending field: what a client fixes first. */
  get field(): string {
    return this.errors[0]?.field ?? '';
  }
}

/** Collects errors under a path prefix so nested validators report full field paths. */
export class ErrorCollector {
  readonly errors: FieldError[] = [];

  constructor(private readonly prefix = '') {}

  at(path: string | number): ErrorCollector {
    const child = new ErrorCollector(this.join(path));
    // Children share the parent's list so every error lands in one place.
    (child as { errors: FieldError[] }).errors = this.errors;
    return child;
  }

  add(path: string | number, message: string): void {
    this.errors.push({ field: this.join(path), message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  private join(path: string | number): string {
    if (typeof path === 'number') return `${this.prefix}[${path}]`;
    if (path === '') return this.prefix;
    return this.prefix ? `${this.prefix}.${path}` : path;
  }
}
