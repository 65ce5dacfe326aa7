// The hand-written URL split of the k6 platform agrees with WHATWG URL on the URLs sites hand clients.
import { describe, expect, it } from 'vitest';
import { SplitUrlError, splitUrl } from '../../harness/k6/split-url.ts';

describe('splitUrl', () => {
  it('agrees with WHATWG URL', () => {
    for (const url of [
      'http://MP01.contoso.com/SMS_MP/.sms_pol?{abc}.SHA256:1A2B',
      'http://sup:8530/ClientWebService/client.asmx',
      'http://sup:80/x',
      'https://sup:443',
      'HTTPS://DP01:8443/SMS_DP_SMSPKG$/Content_1/a b.cab?x=1#frag',
      'http://127.0.0.1:37023/Content/0A/ÄBC.cab',
      'http://[::1]:8080/a',
      'http://host:08080/a',
    ]) {
      const u = new URL(url);
      expect(splitUrl(url), url).toEqual({ origin: u.origin, path: u.pathname + u.search });
    }
  });

  it('refuses what is not an absolute URL', () => {
    expect(() => splitUrl('/relative')).toThrow(SplitUrlError);
    expect(() => splitUrl('http:///x')).toThrow(/no host/);
  });
});
