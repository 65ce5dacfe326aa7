// The observer API as data: one entry per method and path, each a function from the parsed JSON body
// to a JSON answer. Tests, the harness and the CLI drive the site through these (advance the clock,
// publish a catalog, deploy updates, change faults) and read what it did.
import { z } from 'zod';
// Answers typed with protocol/observer.ts (the one home of the observer's shapes; the backlog and
// compliance answers are site/statemsg's snapshots, typed there with the same names).
import type {
  ObserverCatalog,
  ObserverClock,
  ObserverPublished,
  ObserverRegistrations,
} from '../protocol/observer.ts';
import type { FaultInjector } from './faults.ts';
import type { SiteModel } from './model.ts';
import { retireRevisions } from './observer-retire.ts';
import type { SiteStats } from './stats.ts';
import { InvalidInputError, parseOrThrow } from './validation.ts';
import { parseViolationNames, VIOLATION_NAMES } from './violations.ts';

export interface ObserverSources {
  model: SiteModel;
  stats: SiteStats;
  faults: FaultInjector;
  /** Requests each front-end holds right now, the most it held, and its limit (overload shedding). */
  inFlight?(): unknown;
  /** State-message inbox of the MP (depth, age of oldest, processed/min, accepted/processed). */
  backlog(): unknown;
  /** Compliance per update and overall, as the site's processed state messages say. */
  compliance(): unknown;
  /** Per deployment: targeted clients by status from processed topic-300/301 messages
   *  (site/statemsg/deployment-compliance.ts DeploymentCompliance[]). */
  deploymentCompliance?(): unknown;
  /**
   * Records computers in the SUP's registration table as if each had run RegisterComputer (a SUSDB that
   * already knows a warm fleet). Absent on a site without a SUP front-end.
   */
  registerComputers?(clients: readonly RegisteredComputer[]): { added: number; total: number };
  /** Makes clients known to the site's state system (the site database has known them for months). */
  noteClients?(smsIds: readonly string[]): void;
  /** Front-end state worth showing with the request counters (registrations, cookies issued...). */
  frontEndState?(): Record<string, unknown>;
}

export interface RegisteredComputer {
  clientId: string;
  dnsName: string;
  osBuild?: number;
  smsId?: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  handle(sources: ObserverSources, body: unknown): ApiAnswer;
}

const HOUR_MS = 3_600_000;
const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

const advanceSchema = z
  .strictObject({
    hours: z
      .number()
      .min(0)
      .max(24 * 366)
      .optional(),
    minutes: z
      .number()
      .min(0)
      .max(60 * 24 * 366)
      .optional(),
    ms: z
      .number()
      .min(0)
      .max(366 * 24 * HOUR_MS)
      .optional(),
  })
  .refine((b) => b.hours !== undefined || b.minutes !== undefined || b.ms !== undefined, {
    message: 'give hours, minutes or ms (numbers >= 0)',
  });

const clockSchema = z.strictObject({
  mode: z.enum(['real', 'manual']).optional(),
  speed: z.number().positive().max(1_000_000).optional(),
});

const publishSchema = z.strictObject({ count: z.number().int().min(1).max(1000) });

const deploymentSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    updateIds: z.array(z.string().min(1)).min(1).max(1000).optional(),
    kbs: z
      .array(z.union([z.string().min(1), z.number().int().positive()]))
      .min(1)
      .max(1000)
      .optional(),
    /** Deploy the `count` newest leaf updates of the catalog. */
    count: z.number().int().min(1).max(1000).optional(),
    kind: z.enum(['required', 'available']).default('required'),
    /** Deadline, hours after now (site time); required deployments only. */
    deadlineHours: z
      .number()
      .min(0)
      .max(24 * 366)
      .optional(),
    /** Availability, hours after now (default: now). */
    startHours: z
      .number()
      .min(0)
      .max(24 * 366)
      .optional(),
  })
  .refine((b) => [b.updateIds, b.kbs, b.count].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of updateIds (GUIDs), kbs (KB numbers) or count (newest leaf updates)',
  })
  .refine((b) => b.kind !== 'required' || b.deadlineHours !== undefined, {
    message: 'required when kind is "required" (hours from now, site time)',
    path: ['deadlineHours'],
  });

/** Computers per POST /api/registrations (the body limit of the observer holds 10,000 comfortably). */
export const MAX_REGISTRATIONS_PER_CALL = 10_000;

const registrationsSchema = z.strictObject({
  clients: z
    .array(
      z.strictObject({
        /** WUA SusClientId, the id the client's cookie carries. */
        clientId: z
          .string()
          .regex(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
            'expected a GUID (SusClientId)',
          ),
        dnsName: z
          .string()
          .min(1)
          .max(255)
          .regex(
            /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
            'expected a DNS name such as "psw000042.contoso.test"',
          ),
        osBuild: z.number().int().min(0).max(1_000_000).optional(),
        /** SMS client id ("GUID:..."): the site's database knows the client too, so it is targeted by
         *  deployments and Unknown until its state messages are processed (M-BACKLOG). */
        smsId: z
          .string()
          .regex(
            /^GUID:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
            'expected "GUID:" and a GUID (the SMS client id)',
          )
          .optional(),
      }),
    )
    .min(1)
    .max(MAX_REGISTRATIONS_PER_CALL),
});

const violationsSchema = z.strictObject({ names: z.array(z.string()).max(100) });

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/stats',
    handle: (s) =>
      ok({ ...s.stats.snapshot(), inFlight: s.inFlight?.() ?? {}, frontEndState: s.frontEndState?.() ?? {} }),
  },
  {
    method: 'POST',
    path: '/api/stats/reset',
    handle: (s) => {
      s.stats.reset();
      return ok({ reset: true });
    },
  },
  { method: 'GET', path: '/api/backlog', handle: (s) => ok(s.backlog()) },
  { method: 'GET', path: '/api/compliance', handle: (s) => ok(s.compliance()) },
  { method: 'GET', path: '/api/catalog', handle: (s) => ok(catalogSummary(s.model)) },
  {
    method: 'POST',
    path: '/api/catalog/publish',
    handle: (s, body) => {
      const { count } = parseOrThrow(publishSchema, body);
      const published = s.model.catalog.publish(count, s.model.clock.now());
      return ok({
        ...catalogSummary(s.model),
        published: published.map((u): ObserverPublished['published'][number] => ({
          updateId: u.updateId,
          revisionId: u.revisionId,
          kind: u.kind,
          kb: u.kb,
          title: u.title,
        })),
      });
    },
  },
  { method: 'POST', path: '/api/catalog/retire', handle: retireRevisions },
  { method: 'GET', path: '/api/clock', handle: (s) => ok(clockState(s.model)) },
  {
    method: 'PUT',
    path: '/api/clock',
    handle: (s, body) => {
      const { mode, speed } = parseOrThrow(clockSchema, body);
      if (mode !== undefined) s.model.clock.setMode(mode);
      if (speed !== undefined) s.model.clock.setSpeed(speed);
      return ok(clockState(s.model));
    },
  },
  {
    method: 'POST',
    path: '/api/clock/advance',
    handle: (s, body) => {
      const b = parseOrThrow(advanceSchema, body);
      const ms = (b.hours ?? 0) * HOUR_MS + (b.minutes ?? 0) * 60_000 + (b.ms ?? 0);
      s.model.clock.advance(ms);
      return ok({ ...clockState(s.model), advancedMs: ms });
    },
  },
  { method: 'GET', path: '/api/deployments', handle: (s) => ok({ deployments: s.model.deployments.list() }) },
  {
    method: 'GET',
    path: '/api/deployments/compliance',
    handle: (s) =>
      s.deploymentCompliance
        ? ok(s.deploymentCompliance())
        : { status: 501, body: { error: 'this site has no state-message processor to count deployments' } },
  },
  {
    method: 'POST',
    path: '/api/deployments',
    handle: (s, body) => {
      const b = parseOrThrow(deploymentSchema, body);
      const now = s.model.clock.now();
      const updateIds = resolveUpdates(s.model, b);
      const deployment = s.model.deployments.create(
        {
          name: b.name,
          updateIds,
          kind: b.kind,
          deadline: b.deadlineHours === undefined ? undefined : now + b.deadlineHours * HOUR_MS,
          startTime: b.startHours === undefined ? undefined : now + b.startHours * HOUR_MS,
        },
        now,
      );
      return { status: 201, body: deployment };
    },
  },
  {
    method: 'POST',
    path: '/api/registrations',
    handle: (s, body) => {
      const { clients } = parseOrThrow(registrationsSchema, body);
      if (!s.registerComputers) {
        return {
          status: 501,
          body: { error: 'this site has no SUP registration table to record computers in' },
        };
      }
      const { added, total } = s.registerComputers(clients);
      const smsIds = clients.flatMap((c) => (c.smsId === undefined ? [] : [c.smsId]));
      if (smsIds.length > 0) s.noteClients?.(smsIds);
      return ok({ received: clients.length, added, registrations: total } satisfies ObserverRegistrations);
    },
  },
  { method: 'GET', path: '/api/faults', handle: (s) => ok(s.faults.config) },
  {
    method: 'PUT',
    path: '/api/faults',
    handle: (s, body) => {
      s.faults.configure(body as Parameters<FaultInjector['configure']>[0]);
      return ok(s.faults.config);
    },
  },
  { method: 'GET', path: '/api/violations', handle: (s) => ok(violationState(s.model)) },
  {
    method: 'PUT',
    path: '/api/violations',
    handle: (s, body) => {
      const { names } = parseOrThrow(violationsSchema, body);
      const valid = parseViolationNames(names, 'names');
      s.model.violations.clear();
      for (const n of valid) s.model.violations.add(n);
      return ok(violationState(s.model));
    },
  },
];

function catalogSummary(model: SiteModel): ObserverCatalog {
  const catalog = model.catalog;
  const byKind: Record<string, number> = {};
  for (const u of catalog.updates) byKind[u.kind] = (byKind[u.kind] ?? 0) + 1;
  return {
    version: catalog.version,
    lastChange: new Date(catalog.lastChange).toISOString(),
    updateSourceId: catalog.updateSourceId,
    revisions: catalog.updates.length,
    byKind,
    /** Software revisions taken out of scope (POST /api/catalog/retire). */
    retired: catalog.retiredIds.size,
  };
}

function clockState(model: SiteModel): ObserverClock {
  const now = model.clock.now();
  return {
    now: new Date(now).toISOString(),
    nowMs: Math.round(now),
    mode: model.clock.mode,
    speed: model.clock.speed,
  };
}

function violationState(model: SiteModel): unknown {
  return { names: [...model.violations], valid: VIOLATION_NAMES };
}

function resolveUpdates(
  model: SiteModel,
  b: { updateIds?: string[]; kbs?: (string | number)[]; count?: number },
): string[] {
  const catalog = model.catalog;
  if (b.updateIds !== undefined) {
    const unknown = b.updateIds.filter((id) => catalog.byUpdateId(id.toLowerCase()) === undefined);
    if (unknown.length > 0) {
      throw new InvalidInputError([
        `updateIds: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (+${unknown.length - 5} more)` : ''} ` +
          'not in the catalog (GET /api/catalog; updates are GUIDs of catalog revisions)',
      ]);
    }
    return b.updateIds.map((id) => id.toLowerCase());
  }
  if (b.kbs !== undefined) {
    const wanted = new Set(b.kbs.map((kb) => String(kb).replace(/^kb/i, '')));
    const found = new Set<string>();
    const ids: string[] = [];
    for (const u of catalog.updates) {
      if (u.isLeaf && u.kb !== undefined && wanted.has(u.kb)) {
        found.add(u.kb);
        ids.push(u.updateId);
      }
    }
    const missing = [...wanted].filter((kb) => !found.has(kb));
    if (missing.length > 0) {
      throw new InvalidInputError([
        `kbs: no leaf update in the catalog has KB ${missing.slice(0, 5).join(', ')}`,
      ]);
    }
    return [...new Set(ids)].slice(0, 1000);
  }
  const count = b.count ?? 1;
  // Newest first: the latest catalog version, then the highest revision id within it.
  const leaves = catalog.updates
    .filter((u) => u.kind === 'leaf')
    .sort((x, y) => y.catalogVersion - x.catalogVersion || y.revisionId - x.revisionId);
  if (leaves.length === 0) throw new InvalidInputError(['count: the catalog has no leaf updates']);
  return leaves.slice(0, count).map((u) => u.updateId);
}
