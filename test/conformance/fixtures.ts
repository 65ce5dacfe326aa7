// A small reference site for conformance tests: a catalog just over one 200-update page (so paging is
// exercised) with 50-update pages, every port ephemeral, the clock manual.
import {
  type EmbeddedSite,
  type EmbeddedSiteOptions,
  startEmbeddedSite,
} from '../../conformance/embedded-site.ts';

export const TEST_SITE = { leafUpdates: 100, syncPageSize: 50 };

export function startTestSite(
  violations: string[] = [],
  options: Omit<EmbeddedSiteOptions, 'violations'> = {},
): Promise<EmbeddedSite> {
  return startEmbeddedSite({ ...TEST_SITE, ...options, violations });
}
