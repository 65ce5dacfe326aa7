// Where tests find the repo and the shared golden data. CI runs in a fresh clone with shared/ beside it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures');
export const WSUS_CAPTURES_DIR = resolve(FIXTURES_DIR, 'wsus-captures');
