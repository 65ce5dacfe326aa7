// WMI-XML instances, the payload form of ConfigMgr policy bodies: `<instance class="C">` with
// `<property name type><value>…</value></property>` children; several <value>s make an array property.
import { type XmlNode, escapeXml, list } from '../xml.ts';
import { MpProtocolError } from './errors.ts';
import { attr, reqAttr } from './xml-read.ts';
import { el } from './xml-write.ts';

/** CIM type numbers used by the properties we write. */
export const CimType = { String: 8, Boolean: 11, UInt32: 19, DateTime: 101 } as const;
export type CimType = (typeof CimType)[keyof typeof CimType];

export interface WmiProperty {
  name: string;
  type: CimType;
  /** One value, or several for an array property. */
  values: string[];
}

export interface WmiInstance {
  className: string;
  properties: WmiProperty[];
}

export function buildWmiInstance(instance: WmiInstance): string {
  let inner = '';
  for (const p of instance.properties) {
    const values = p.values.map((v) => `<value>${escapeXml(v)}</value>`).join('');
    inner += el(
      'property',
      [
        ['name', p.name],
        ['type', p.type],
        ['array', p.values.length === 1 ? undefined : 'true'],
      ],
      values,
    );
  }
  return el('instance', [['class', instance.className]], inner);
}

export function parseWmiInstance(node: XmlNode): WmiInstance {
  const className = reqAttr(node, 'class', 'instance');
  const properties = list<XmlNode>(node.property).map((p) => {
    const type = Number(attr(p, 'type') ?? CimType.String) as CimType;
    const values = list<unknown>(p.value).map((v) =>
      typeof v === 'object' && v !== null ? String((v as XmlNode)['#text'] ?? '') : String(v),
    );
    return { name: reqAttr(p, 'name', `instance ${className}/property`), type, values };
  });
  return { className, properties };
}

/** Property values by name of one instance. */
export function propertyMap(instance: WmiInstance): Map<string, string[]> {
  return new Map(instance.properties.map((p) => [p.name, p.values]));
}

/** The single value of a required property. */
export function propValue(props: Map<string, string[]>, name: string, className: string): string {
  const values = props.get(name);
  if (values === undefined || values.length === 0) {
    throw new MpProtocolError(`${className}: missing property ${name}`, 'shape');
  }
  return values[0]!;
}
