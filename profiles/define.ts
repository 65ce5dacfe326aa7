// defineProfile: validates a workload and returns it typed, defaults filled and durations in ms.
// A bad profile stops everything before a request is sent, with one line per problem naming the
// field path, the value found and what would be valid.
import type { z } from 'zod';
import { type Profile, type ProfileInput, profileSchema } from './schema.ts';

export interface ProfileProblem {
  /** e.g. 'events[2].node', 'timers.policyPollMs'. */
  path: string;
  /** The offending value (undefined when the field is missing). */
  value: unknown;
  /** What would be valid. */
  expected: string;
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly profile: string,
    readonly problems: readonly ProfileProblem[],
  ) {
    super(
      `invalid profile ${profile}:\n${problems.map((p) => `  ${p.path || '(profile)'} = ${show(p.value)}: ${p.expected}`).join('\n')}`,
    );
  }
}

export function defineProfile(input: ProfileInput): Profile {
  const result = profileSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const name =
    typeof (input as { name?: unknown })?.name === 'string'
      ? `'${(input as { name: string }).name}'`
      : '(unnamed)';
  throw new ProfileError(name, problemsOf(result.error, input));
}

function problemsOf(error: z.ZodError, input: unknown): ProfileProblem[] {
  return error.issues.flatMap((issue): ProfileProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown field, with the fields that would be valid there.
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        value: valueAt(input, [...issue.path, key]),
        expected: `unknown field${known ? `; valid fields here: ${known.join(', ')}` : ''}`,
      }));
    }
    const atPath = valueAt(input, issue.path);
    const value = atPath !== undefined ? atPath : 'input' in issue ? issue.input : undefined;
    return [{ path: formatPath(issue.path), value, expected: expectedOf(issue) }];
  });
}

/** Field names the schema accepts at `path` (objects only), for "did you mean" style messages. */
function knownKeys(path: readonly PropertyKey[]): string[] | undefined {
  let schema: z.core.$ZodType = profileSchema;
  for (const key of [...path, null]) {
    // Unwrap defaults, optionals and pipes down to the structural type.
    for (;;) {
      const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      if (def.innerType) schema = def.innerType;
      else if (def.type === 'pipe' && def.in) schema = def.in;
      else break;
    }
    if (key === null) break;
    const def = schema._zod.def as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (def.type === 'object' && def.shape && typeof key === 'string' && def.shape[key])
      schema = def.shape[key];
    else if (def.type === 'array' && def.element && typeof key === 'number') schema = def.element;
    else return undefined;
  }
  const def = schema._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? 'at least' : issue.inclusive ? '>=' : '>'} ${issue.minimum}${issue.origin === 'array' ? ' entries' : ''}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? 'at most' : issue.inclusive ? '<=' : '<'} ${issue.maximum}${issue.origin === 'array' ? ' entries' : ''}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `required: expected ${issue.expected}`
        : `expected ${issue.expected}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
