// `--out influxdb=URL`: one URL form per server generation, as k6 spells them.
//   http://[user:pass@]host:8086/DBNAME        InfluxDB 1.x (written through /write?db=DBNAME)
//   http://host:8086?org=ORG&bucket=BUCKET     InfluxDB 2.x/3.x (and VictoriaMetrics): /api/v2/write,
//                                              token from PATCHSTORM_INFLUXDB_TOKEN
// Credentials never appear in a message: every text about the URL goes through maskUrl().
import { OutputError } from './output.ts';

export const TOKEN_ENV = 'PATCHSTORM_INFLUXDB_TOKEN';

export const VALID_FORMS =
  'http(s)://[user:pass@]host:8086/DBNAME (InfluxDB 1.x) or ' +
  `http(s)://host:8086?org=ORG&bucket=BUCKET (InfluxDB 2.x/3.x, token in ${TOKEN_ENV})`;

export type InfluxTarget =
  | { generation: 1; baseUrl: string; db: string; username?: string; password?: string; masked: string }
  | { generation: 2; baseUrl: string; org: string; bucket: string; token?: string; masked: string };

/** `http://user:pass@host/db` -> `http://***:***@host/db`; works on text that is not a valid URL too. */
export function maskUrl(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1***:***@');
}

/** Removes every given secret (password, token) from a text, e.g. an error message from the server. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = maskUrl(text);
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

export function parseInfluxUrl(
  arg: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): InfluxTarget {
  const bad = (why: string): never => {
    throw new OutputError(
      `--out influxdb=${arg === undefined ? '' : maskUrl(arg)}: ${why}; expected ${VALID_FORMS}`,
    );
  };
  if (arg === undefined || arg.trim() === '') return bad('a URL is required');
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return bad(`protocol ${url.protocol} is not http: or https:`);
  if (url.hash) return bad('a #fragment is not allowed');
  const baseUrl = `${url.protocol}//${url.host}`;
  const masked = maskUrl(
    `${url.protocol}//${url.username || url.password ? 'x@' : ''}${url.host}${url.pathname}${url.search}`,
  );
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  const params = [...url.searchParams.keys()];

  if (path !== '') {
    if (path.includes('/'))
      return bad(`the path /${path} has more than one segment (the 1.x form is /DBNAME)`);
    const db = decodeURIComponent(path);
    if (!NAME.test(db)) return bad(`database name "${db}" may only hold letters, digits, _ . and -`);
    if (params.length > 0)
      return bad(`the 1.x form /DBNAME takes no query parameters (got ${params.join(', ')})`);
    return {
      generation: 1,
      baseUrl,
      db,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      masked,
    };
  }

  const org = url.searchParams.get('org');
  const bucket = url.searchParams.get('bucket');
  if (org === null && bucket === null) return bad('no database (path) and no org/bucket (query)');
  const unknown = params.filter((p) => p !== 'org' && p !== 'bucket');
  if (unknown.length > 0) return bad(`unknown query parameter ${unknown.join(', ')} (only org and bucket)`);
  if (!org) return bad('org= is missing or empty');
  if (!bucket) return bad('bucket= is missing or empty');
  if (url.username || url.password)
    return bad(`credentials in the URL are for the 1.x form; for 2.x/3.x set ${TOKEN_ENV}`);
  const token = env[TOKEN_ENV];
  return { generation: 2, baseUrl, org, bucket, ...(token ? { token } : {}), masked };
}
