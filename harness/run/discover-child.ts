// Child-process entry of the run-start catalog discovery (see discover-process.ts). Reads its options
// as JSON from argv[2], writes the CatalogKnowledge as JSON to stdout, errors to stderr with exit 1.
import { HttpClient } from '../driver/http.ts';
import { discoverCatalogKnowledge } from '../run/discover-knowledge.ts';
import type { DiscoveryRequest } from './discover-process.ts';

const request = JSON.parse(process.argv[2]!) as DiscoveryRequest;
// The same deadline and memory limits as the swarm (engine/http-limits.ts defaults unless the run set them).
const http = new HttpClient({ ...request.tls, ...request.limits });
try {
  const knowledge = await discoverCatalogKnowledge({
    supUrl: request.supUrl,
    mpUrl: request.mpUrl,
    siteCode: request.siteCode,
    builds: request.builds,
    http,
  });
  process.stdout.write(JSON.stringify(knowledge));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await http.close();
}
