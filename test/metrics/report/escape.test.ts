// No text from a profile, a site or an event can become markup or script in the report.
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, scriptSafe } from '../../../harness/metrics/report/escape.ts';
import { renderReportHtml } from '../../../harness/metrics/report/html-template.ts';
import { ReportModel } from '../../../harness/metrics/report/report-model.ts';
import { HOSTILE_TITLE, syntheticTimeline } from './synthetic-timeline.ts';

describe('escaping', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('writes JSON that cannot end its script element and reads back the same', () => {
    const value = { title: '</script><script>alert(1)</script><!-- \u2028 & >', n: [1, null] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('refuses to inline a library holding </script', () => {
    expect(() => scriptSafe('var s = "</SCRIPT>";', 'lib')).toThrow(/lib contains/);
    expect(scriptSafe('var s = 1;', 'lib')).toBe('var s = 1;');
  });

  it('renders hostile profile names, event titles, deployment names and tags as text', () => {
    const model = new ReportModel();
    for (const line of syntheticTimeline({ intervals: 200, virtualStepMs: 60_000 })) {
      if (line.type === 'start') model.start({ ...line.meta, runId: '<img src=x onerror=alert(1)>' });
      else if (line.type === 'interval') model.interval(line.stats);
      else if (line.type === 'event') model.event({ ...line.event, tags: { '<k>': '"v"' } });
      else model.end({ ...line.summary, errorsByKind: { '<script>x</script>': 1 } });
    }
    const html = renderReportHtml(model.build());
    // Exactly the page's own elements: data, uPlot, drawing script.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<i>synthetic</i>');
    expect(html).not.toContain('<all clients>');
    expect(html).toContain('patch-tuesday &lt;i&gt;synthetic&lt;/i&gt;');
    expect(html).toContain(escapeHtml(HOSTILE_TITLE));
    expect(html).toContain('&lt;k&gt;=&quot;v&quot;');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
