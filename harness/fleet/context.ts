// What every step of a client reads besides its own record: the run configuration and the shared
// catalog/deployment tables. Both are shared by all clients of a worker.

import type { FleetCatalog } from './catalog-view.ts';
import type { FleetConfig } from './config.ts';

export interface FleetContext {
  readonly config: FleetConfig;
  readonly catalog: FleetCatalog;
}
