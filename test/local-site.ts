// The reference site as tests start it in-process: on loopback with every port ephemeral (test files run
// in parallel, so no fixed port) and a manual clock the test moves itself. Each test adds what it is
// about: catalog, clock start, processor, violations.
import { type RunningSite, type StartSiteOptions, startSite } from '../site/server.ts';

export function startLocalSite(options: StartSiteOptions = {}): Promise<RunningSite> {
  return startSite({
    bindAddress: '127.0.0.1',
    supHttpPort: 0,
    supHttpsPort: 0,
    mpHttpPort: 0,
    mpHttpsPort: 0,
    observerPort: 0,
    ...options,
    clock: { mode: 'manual', ...options.clock },
  });
}
