// Reduces an XML document to its skeleton: per element the namespace URI + local name, its attribute names
// (namespace-qualified, xmlns declarations left out) and its children in order; text is ignored. Two
// documents with equal skeletons have the same element names, order and namespaces, whatever prefixes
// they use. A small namespace-aware tokenizer of its own, so the check does not trust the code under test.

export interface Skeleton {
  name: string;
  attrs: string[];
  children: Skeleton[];
}

const TAG_RE = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR_RE = /\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function skeletonOf(xml: string): Skeleton {
  const root: Skeleton = { name: '#document', attrs: [], children: [] };
  const stack: { node: Skeleton; ns: Map<string, string> }[] = [
    { node: root, ns: new Map([['xml', 'xml']]) },
  ];
  let pos = 0;
  for (;;) {
    pos = xml.indexOf('<', pos);
    if (pos < 0) break;
    if (xml.startsWith('<?', pos)) {
      pos = xml.indexOf('?>', pos) + 2;
      continue;
    }
    if (xml.startsWith('<!--', pos)) {
      pos = xml.indexOf('-->', pos) + 3;
      continue;
    }
    TAG_RE.lastIndex = pos;
    const m = TAG_RE.exec(xml);
    if (!m) throw new Error(`skeleton: cannot read a tag at ${pos}: ${xml.slice(pos, pos + 60)}`);
    pos = TAG_RE.lastIndex;
    if (m[1]) {
      stack.pop();
      continue;
    }
    const parent = stack[stack.length - 1]!;
    const ns = new Map(parent.ns);
    const rawAttrs: [string, string][] = [];
    for (const a of m[3]!.matchAll(ATTR_RE)) {
      const name = a[1]!;
      const value = a[2] ?? a[3] ?? '';
      if (name === 'xmlns') ns.set('', value);
      else if (name.startsWith('xmlns:')) ns.set(name.slice(6), value);
      else rawAttrs.push([name, value]);
    }
    const qualify = (qname: string, isAttr: boolean): string => {
      const i = qname.indexOf(':');
      if (i < 0) return isAttr ? qname : `{${ns.get('') ?? ''}}${qname}`;
      return `{${ns.get(qname.slice(0, i)) ?? `?${qname.slice(0, i)}`}}${qname.slice(i + 1)}`;
    };
    const node: Skeleton = {
      name: qualify(m[2]!, false),
      attrs: rawAttrs.map(([n]) => qualify(n, true)).sort(),
      children: [],
    };
    parent.node.children.push(node);
    if (!m[4]) stack.push({ node, ns });
  }
  return root;
}

/** Indented one-line-per-element text of a skeleton: readable diffs in test failures. */
export function skeletonText(xml: string): string {
  const lines: string[] = [];
  const walk = (s: Skeleton, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${s.name}${s.attrs.length ? ` [${s.attrs.join(' ')}]` : ''}`);
    for (const c of s.children) walk(c, depth + 1);
  };
  for (const c of skeletonOf(xml).children) walk(c, 0);
  return lines.join('\n');
}
