import { escapeXmlAttribute, networkAnx } from './anx-export';
import {
  parseXml as parse,
  sampleNetwork,
  type XmlElement as Element,
} from '../../../test/explain.fixture';

const hostile = `"/><ChartItem Label="injected"/><x a='&amp;\u0000\u0007\uD800'>`;
const n = sampleNetwork(hostile);
const meta = { title: `National person p1 & "friends"`, comments: 'OFFICIAL-SENSITIVE <handle>' };

const children = (e: Element, name: string) => e.childNodes.filter((c) => c.nodeName === name);

describe('i2 ANX chart', () => {
  const chunks = [...networkAnx(n, meta)];
  const xml = chunks.join('');
  const doc = parse(xml);
  const chart = doc.documentElement;
  const items = children(children(chart, 'ChartItemCollection')[0] as Element, 'ChartItem');

  it('is well-formed XML, produced piece by piece', () => {
    // The check itself refuses what is not well-formed.
    expect(() => parse('<Chart><a></Chart>')).toThrow();
    expect(() => parse('<Chart a="x & y"/>')).toThrow();
    expect(() => parse('<Chart a="&#0;"/>')).toThrow();
    expect(chunks.length).toBeGreaterThan(n.nodes.length + n.edges.length);
    expect(chart.nodeName).toBe('Chart');
    expect(children(chart, 'EntityTypeCollection')).toHaveLength(1);
    expect(children(chart, 'LinkTypeCollection')).toHaveLength(1);
  });

  it('has an entity per node, by its stable id, with an icon style of a declared type', () => {
    const declared = new Set(
      children(children(chart, 'EntityTypeCollection')[0] as Element, 'EntityType').map((t) =>
        t.getAttribute('Name'),
      ),
    );
    const entities = items
      .flatMap((i) => children(i, 'End'))
      .map((e) => children(e, 'Entity')[0] as Element);
    expect(entities.map((e) => e.getAttribute('Identity'))).toEqual(n.nodes.map((x) => x.id));
    for (const e of entities) {
      const style = children(children(e, 'Icon')[0] as Element, 'IconStyle')[0];
      expect(declared.has(style?.getAttribute('Type') ?? '')).toBe(true);
    }
    const typeOf = (id: string) =>
      children(
        children(
          entities.find((e) => e.getAttribute('Identity') === id) as Element,
          'Icon',
        )[0] as Element,
        'IconStyle',
      )[0]?.getAttribute('Type');
    expect(typeOf('identifier:phone:+447911100123')).toBe('Phone');
    expect(typeOf('hit:p1:36')).toBe('Restricted record');
    expect(typeOf('person:p1')).toBe('Person');
  });

  it('has a link per edge between the entities its ends name', () => {
    const idOf = new Map(
      items
        .flatMap((i) => children(i, 'End'))
        .map((e) => children(e, 'Entity')[0] as Element)
        .map((e) => [e.getAttribute('EntityId'), e.getAttribute('Identity')]),
    );
    const links = items.flatMap((i) => children(i, 'Link'));
    expect(
      links.map((l) => [idOf.get(l.getAttribute('End1Id')), idOf.get(l.getAttribute('End2Id'))]),
    ).toEqual(n.edges.map((e) => [e.source, e.target]));
    expect(children(links[3] as Element, 'LinkStyle')[0]?.getAttribute('Type')).toBe('Subject of');
  });

  it('carries hostile text as text: escaped, nothing injected', () => {
    expect(items).toHaveLength(n.nodes.length + n.edges.length);
    const label = items[3]?.getAttribute('Label');
    expect(label).toBe(`username "/><ChartItem Label="injected"/><x a='&amp;\uFFFD\uFFFD\uFFFD'>`);
    expect(xml).not.toContain('<ChartItem Label="injected"');
    const fields = children(
      children(children(chart, 'Summary')[0] as Element, 'FieldCollection')[0] as Element,
      'Field',
    );
    expect(fields.map((f) => f.getAttribute('Field'))).toEqual([meta.title, meta.comments]);
  });

  it('escapes markup, folds-prone whitespace and what XML cannot carry', () => {
    expect(escapeXmlAttribute(`a&b<c>"d'\te\nf\rg`)).toBe(
      'a&amp;b&lt;c&gt;&quot;d&apos;&#9;e&#10;f&#13;g',
    );
    expect(escapeXmlAttribute('\u0000\u001F\uFFFE\uDC00x\uD83D\uDE00')).toBe(
      '\uFFFD\uFFFD\uFFFD\uFFFDx\uD83D\uDE00',
    );
  });
});
