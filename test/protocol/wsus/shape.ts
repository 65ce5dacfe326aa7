// The shape of a set of XML documents of one kind (say every SyncUpdates reply of a scan), for comparing
// what two servers send without their data: per element position (the path of namespace-qualified names
// from the root, so repeated siblings share one position and a list of 3 or 300 items has one shape),
// which children appear there and in which order. Text and attribute values are ignored; attribute names
// are kept. Built on skeletonOf, which does not trust the XML code under test.
import { type Skeleton, skeletonOf } from './skeleton.ts';

export interface Position {
  /** Qualified names `{ns}local` of the children seen at this position, first-seen order. */
  children: string[];
  /** Attribute names seen on elements at this position. */
  attrs: Set<string>;
  /** `a\u0000b` for every child a seen before a different child b in the same parent. */
  before: Set<string>;
}

/** Position path (qualified names, each preceded by a space: neither URIs nor XML names hold one). */
export type Shape = Map<string, Position>;

function visit(shape: Shape, node: Skeleton, path: string): void {
  let pos = shape.get(path);
  if (!pos) {
    pos = { children: [], attrs: new Set(), before: new Set() };
    shape.set(path, pos);
  }
  for (const a of node.attrs) pos.attrs.add(a);
  // Repeated siblings collapse: only the first of a run of equal names counts for order.
  const order: string[] = [];
  for (const c of node.children) {
    if (order[order.length - 1] !== c.name) order.push(c.name);
    if (!pos.children.includes(c.name)) pos.children.push(c.name);
  }
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (order[i] !== order[j]) pos.before.add(`${order[i]}\u0000${order[j]}`);
    }
  }
  for (const c of node.children) visit(shape, c, `${path} ${c.name}`);
}

/** The merged shape of documents (all of one operation's replies, say). */
export function shapeOf(docs: readonly string[]): Shape {
  const shape: Shape = new Map();
  for (const xml of docs) visit(shape, skeletonOf(xml), '');
  return shape;
}

/** ` {http://schemas.xmlsoap.org/soap/envelope/}Envelope … {ns}UpdateInfo` → `Envelope/…/UpdateInfo`. */
export function localPath(path: string): string {
  return path
    .split(' ')
    .filter((p) => p !== '')
    .map((p) => p.replace(/^\{[^}]*\}/, ''))
    .join('/');
}

function namespaceOf(name: string): string {
  return name.startsWith('{') ? name.slice(1, name.indexOf('}')) : '';
}

function display(name: string): string {
  return name.replace(/^\{([^}]*)\}(.*)$/, '$2 (ns $1)');
}

/**
 * Differences between the shape `expected` (the real server's) and `actual` (ours), at every position
 * both have: a child or attribute only one side sends there, or two children in opposite order.
 * `optional` lists positions (local-name paths, e.g. `Envelope/Body/X/XResult/OutOfScopeRevisionIDs`)
 * whose presence depends on the data, not the server: they may be absent on either side, and where only
 * one side has one there is nothing to compare beneath it.
 */
export function shapeDifferences(
  expected: Shape,
  actual: Shape,
  optional: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const [path, exp] of expected) {
    const act = actual.get(path);
    if (!act) continue; // beneath a difference reported at its parent, or beneath an optional element
    const where = localPath(path) || '(document)';
    const parentNs = namespaceOf(path.slice(path.lastIndexOf(' ') + 1));
    // Optional only in the namespace of its parent: an optional element in a wrong namespace still counts.
    const skip = (child: string) =>
      optional.has(localPath(`${path} ${child}`)) && namespaceOf(child) === parentNs;
    for (const c of exp.children) {
      if (!act.children.includes(c) && !skip(c))
        out.push(`${where}: the real server sends ${display(c)}, we never do`);
    }
    for (const c of act.children) {
      if (!exp.children.includes(c) && !skip(c))
        out.push(`${where}: we send ${display(c)}, the real server never does`);
    }
    for (const a of exp.attrs)
      if (!act.attrs.has(a)) out.push(`${where}: the real server sets attribute ${a}, we never do`);
    for (const a of act.attrs)
      if (!exp.attrs.has(a)) out.push(`${where}: we set attribute ${a}, the real server never does`);
    for (const pair of act.before) {
      const [a, b] = pair.split('\u0000') as [string, string];
      if (exp.before.has(`${b}\u0000${a}`) && !exp.before.has(pair)) {
        out.push(`${where}: we send ${display(a)} before ${display(b)}, the real server the other way round`);
      }
    }
  }
  return out;
}
