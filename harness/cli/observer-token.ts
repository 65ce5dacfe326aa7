// Where the CLIs (`serve`, `conformance`) take the observer's bearer token from: --observer-token, else
// the PATCHSTORM_OBSERVER_TOKEN environment variable (kept out of `ps` and shell history). The caller
// checks it with observerTokenProblem and names `source` in its message, never the secret itself.
import { OBSERVER_TOKEN_ENV } from '../../protocol/observer.ts';

export interface ObserverTokenSetting {
  token: string;
  source: '--observer-token' | typeof OBSERVER_TOKEN_ENV;
}

export function observerTokenSetting(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ObserverTokenSetting | undefined {
  if (flag !== undefined) return { token: flag, source: '--observer-token' };
  const fromEnv = env[OBSERVER_TOKEN_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : { token: fromEnv, source: OBSERVER_TOKEN_ENV };
}
