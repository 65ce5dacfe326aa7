// The shape comparison the site replay uses (test/protocol/wsus/shape.ts): it must see past values and
// list lengths, and catch every element, namespace, attribute or order difference at a shared position.
import { describe, expect, it } from 'vitest';
import { shapeDifferences, shapeOf } from './wsus/shape.ts';

const NS = 'urn:wsus';
const doc = (inner: string) => `<r:Root xmlns:r="${NS}"><r:List>${inner}</r:List><r:Tail>x</r:Tail></r:Root>`;
const item = (id: number, extra = '') => `<r:Item><r:ID>${id}</r:ID>${extra}</r:Item>`;
const diff = (real: string[], ours: string[], optional?: Set<string>) =>
  shapeDifferences(shapeOf(real), shapeOf(ours), optional);

describe('reply shapes', () => {
  const three = doc([1, 2, 3].map((i) => item(i)).join(''));

  it('ignore text, prefixes and how many items a list has', () => {
    const many = Array.from({ length: 300 }, (_, i) => `<Item><ID>${i * 7}</ID></Item>`).join('');
    expect(diff([three], [`<Root xmlns="${NS}"><List>${many}</List><Tail>other</Tail></Root>`])).toEqual([]);
  });

  it('name an element only one side sends, in either direction', () => {
    const withFlag = doc(item(1, '<r:Flag>1</r:Flag>'));
    expect(diff([three], [withFlag])).toEqual([
      'Root/List/Item: we send Flag (ns urn:wsus), the real server never does',
    ]);
    expect(diff([withFlag], [three])).toEqual([
      'Root/List/Item: the real server sends Flag (ns urn:wsus), we never do',
    ]);
  });

  it('see an element that only some items of a list carry', () => {
    const mixed = doc(item(1) + item(2, '<r:Flag>1</r:Flag>') + item(3));
    expect(diff([mixed], [three])).toHaveLength(1);
    expect(diff([mixed], [doc(item(5, '<r:Flag>0</r:Flag>'))])).toEqual([]);
  });

  it('catch a namespace change and an attribute change', () => {
    const otherNs = `<r:Root xmlns:r="${NS}" xmlns:o="urn:other"><r:List><o:Item><r:ID>1</r:ID></o:Item></r:List><r:Tail/></r:Root>`;
    expect(diff([three], [otherNs])).toEqual([
      'Root/List: the real server sends Item (ns urn:wsus), we never do',
      'Root/List: we send Item (ns urn:other), the real server never does',
    ]);
    const attr = doc('<r:Item k="1"><r:ID>1</r:ID></r:Item>');
    expect(diff([three], [attr])).toEqual(['Root/List/Item: we set attribute k, the real server never does']);
  });

  it('catch two children in the opposite order', () => {
    const swapped = `<r:Root xmlns:r="${NS}"><r:Tail/><r:List>${item(1)}</r:List></r:Root>`;
    expect(diff([three], [swapped])).toEqual([
      'Root: we send Tail (ns urn:wsus) before List (ns urn:wsus), the real server the other way round',
    ]);
  });

  it('let a data-dependent position be absent on either side, in its parent namespace only', () => {
    const optional = new Set(['Root/List/Item/Flag']);
    expect(diff([three], [doc(item(1, '<r:Flag/>'))], optional)).toEqual([]);
    expect(diff([doc(item(1, '<r:Flag/>'))], [three], optional)).toEqual([]);
    expect(diff([three], [doc(item(1, '<o:Flag xmlns:o="urn:other"/>'))], optional)).toHaveLength(1);
  });
});
