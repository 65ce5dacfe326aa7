// Turns schema issues into the one-line messages every configuration error in patchstorm uses: the
// field, the value that was given, and what would be valid.
import type { z } from 'zod';

export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], root: string): string[] {
  return issues.map((issue) => {
    const field = root + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const name = field.startsWith('.') ? field.slice(1) : field || '(body)';
    if (issue.code === 'unrecognized_keys') {
      return `${name}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    // A cross-field rule's input is the whole object: its message says what is wrong instead.
    const given =
      issue.code !== 'custom' && 'input' in issue && issue.input !== undefined
        ? `got ${preview(issue.input)}: `
        : '';
    return `${name}: ${given}${issue.message}`;
  });
}

/** Parses `data` with `schema`, throwing InvalidInputError with every problem described. */
export function parseOrThrow<T extends z.ZodType>(schema: T, data: unknown, root = ''): z.output<T> {
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) throw new InvalidInputError(describeIssues(result.error.issues, root));
  return result.data;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
