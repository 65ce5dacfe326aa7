// Loads a profile by built-in name or from a file: .json (parsed, then validated) or .ts/.mts/.js/.mjs
// (imported; the default export, or a named export `profile`, is a profile or an array of them, already
// defined with defineProfile or as plain data). A file with several profiles needs `name` to pick one.
// Modules load through tsx's own import (not the process's loader), so a .ts profile is an ES module
// wherever it lives: no "type": "module" package.json beside it needed, TypeScript syntax welcome.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { defineProfile, ProfileError } from './define.ts';
import type { Profile, ProfileInput } from './schema.ts';

export class ProfileLoadError extends Error {
  override readonly name = 'ProfileLoadError';
}

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/**
 * `spec` is a built-in name (see BUILTIN_PROFILES) or a file path; `pick` selects one profile by name
 * from a file that defines several.
 */
export async function loadProfile(
  spec: string,
  builtins: ReadonlyMap<string, Profile>,
  pick?: string,
): Promise<Profile> {
  const builtin = builtins.get(spec);
  if (builtin) return builtin;
  const ext = extname(spec).toLowerCase();
  if (ext !== '.json' && !MODULE_EXTENSIONS.has(ext)) {
    throw new ProfileLoadError(
      `unknown profile '${spec}': expected a built-in name (${[...builtins.keys()].join(', ')}) or a .ts/.js/.json file`,
    );
  }
  const path = resolve(spec);
  let candidates: unknown[];
  try {
    if (ext === '.json') {
      candidates = asList(JSON.parse(await readFile(path, 'utf8')));
    } else {
      const mod = exportsOf(await tsImport(pathToFileURL(path).href, import.meta.url));
      candidates = asList(mod.default ?? mod.profile);
    }
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    throw new ProfileLoadError(`cannot load profile file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (candidates.length === 0) {
    throw new ProfileLoadError(
      `${path} defines no profile (export default defineProfile({...}) or a JSON object)`,
    );
  }
  const profiles = candidates.map((c) => defineProfile(c as ProfileInput));
  if (pick !== undefined) {
    const found = profiles.find((p) => p.name === pick);
    if (!found) {
      throw new ProfileLoadError(
        `${path} has no profile '${pick}' (it has ${profiles.map((p) => p.name).join(', ')})`,
      );
    }
    return found;
  }
  if (profiles.length > 1) {
    throw new ProfileLoadError(
      `${path} defines ${profiles.length} profiles (${profiles.map((p) => p.name).join(', ')}): pick one by name`,
    );
  }
  return profiles[0]!;
}

type ProfileModule = { default?: unknown; profile?: unknown };

/**
 * The profile module's exports. Outside a "type": "module" package tsx compiles a .ts/.js file to
 * CommonJS, whose exports object (marked __esModule) then arrives as the namespace's default export.
 */
function exportsOf(namespace: ProfileModule): ProfileModule {
  const d = namespace.default;
  if (
    d !== null &&
    typeof d === 'object' &&
    !Array.isArray(d) &&
    (d as { __esModule?: unknown }).__esModule
  ) {
    return d as ProfileModule;
  }
  return namespace;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
