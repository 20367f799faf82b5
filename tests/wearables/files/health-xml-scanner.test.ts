/**
 * The line scanner that takes simple one-line elements past sax: it must report exactly what a plain sax
 * parse reports, whatever the chunking, and never take a line sax would read differently.
 */
import fc from 'fast-check';
import sax from 'sax';
import { describe, expect, it } from 'vitest';
import { HealthXmlScanner, type XmlHandler } from '../../../src/wearables/files/health-xml-scanner.ts';
import { ImportError } from '../../../src/wearables/files/import-error.ts';

type Event = [string, string, Record<string, string>?, number?];

/** Records every element; wants everything so the fast path reports what it skips too. */
function recorder(wants: XmlHandler['wants'] = () => true): XmlHandler & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    wants,
    open: (name, attrs, depth) => events.push(['open', name, { ...attrs }, depth]),
    close: (name, depth) => events.push(['close', name, undefined, depth]),
  };
}

function scan(xml: string | Buffer[], wants?: XmlHandler['wants']) {
  const h = recorder(wants);
  const s = new HealthXmlScanner(h);
  for (const c of typeof xml === 'string' ? [xml] : xml) s.write(c);
  s.end();
  return { events: h.events, stats: s.stats };
}

/** The reference: plain strict sax over the whole text. */
function saxEvents(xml: string): Event[] {
  const events: Event[] = [];
  const p = sax.parser(true, {});
  let depth = 0;
  p.onopentag = (t) => {
    events.push(['open', t.name, { ...(t.attributes as Record<string, string>) }, depth]);
    depth++;
  };
  p.onclosetag = (n) => {
    depth--;
    events.push(['close', n, undefined, depth]);
  };
  p.write(xml).close();
  return events;
}

const DOC = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE HealthData [',
  '<!ELEMENT HealthData (Record*)>',
  ']>',
  '<HealthData locale="en_US">',
  ' <Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Zoë’s Watch &amp; Co" unit="count/min" startDate="2024-01-05 00:02:11 -0500" value="52"/>',
  ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" startDate="2024-01-05 00:02:11 -0500" value="1&#48;"/>',
  ' <!-- a comment that spans lines and holds a record-looking line:',
  ' <Record type="HKQuantityTypeIdentifierRestingHeartRate" value="999"/>',
  ' -->',
  ' <![CDATA[',
  ' <Record type="HKQuantityTypeIdentifierRestingHeartRate" value="998"/>',
  ' ]]>',
  ' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" startDate="x">',
  '  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" value="120"/>',
  ' </Correlation>',
  ' <Record type=\'HKQuantityTypeIdentifierRestingHeartRate\' value=\'53\'/>',
  ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30">',
  '  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" average="150"/>',
  ' </Workout>',
  '</HealthData>',
  '',
].join('\r\n');

describe('HealthXmlScanner', () => {
  it('when a document mixes one-line records with comments, CDATA, nesting and multi-line elements, then it reports exactly what sax reports', () => {
    const { events, stats } = scan(DOC);
    expect(events).toEqual(saxEvents(DOC));
    // The two plain one-line records took the fast path; the record-looking lines in the comment and CDATA did not.
    expect(stats.fastLines).toBe(2);
    expect(events.filter(([kind, , a]) => kind === 'open' && a?.value === '999')).toEqual([]);
  });

  it('when a fast-path record carries entities, then its attributes are decoded like sax does', () => {
    const { events } = scan(DOC);
    expect(events[1]).toEqual([
      'open',
      'Record',
      { type: 'HKQuantityTypeIdentifierRestingHeartRate', sourceName: 'Zoë’s Watch & Co', unit: 'count/min', startDate: '2024-01-05 00:02:11 -0500', value: '52' },
      1,
    ]);
    expect(events[3]?.[2]?.value).toBe('10');
  });

  it('when the handler does not want a type, then that one-line record is skipped without parsing its attributes', () => {
    const { events } = scan(DOC, (name, type) => name !== 'Record' || type !== 'HKQuantityTypeIdentifierStepCount');
    expect(events.some(([, , a]) => a?.type === 'HKQuantityTypeIdentifierStepCount')).toBe(false);
    expect(events.some(([, , a]) => a?.type === 'HKQuantityTypeIdentifierRestingHeartRate')).toBe(true);
  });

  it('when the bytes arrive in arbitrary chunks (splitting lines and multi-byte characters), then the events are the same', () => {
    const bytes = Buffer.from(DOC, 'utf8');
    const expected = saxEvents(DOC);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const chunks = [0, ...sorted].map((from, i) => bytes.subarray(from, sorted[i] ?? bytes.length));
        expect(scan(chunks).events).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('when a line is longer than the 64 KB line buffer, then sax reads it in pieces and the values are intact', () => {
    const a = 'x'.repeat(40_000);
    const b = 'y'.repeat(40_000);
    const doc = `<HealthData>\n <Record type="A" note="${a}" more="${b}" value="1"/>\n <Record type="B" value="2"/>\n</HealthData>\n`;
    const { events, stats } = scan([Buffer.from(doc.slice(0, 30_000)), Buffer.from(doc.slice(30_000, 70_000)), Buffer.from(doc.slice(70_000))]);
    expect(events).toEqual(saxEvents(doc));
    expect(events.find(([, , attrs]) => attrs?.type === 'A')?.[2]).toMatchObject({ note: a, more: b });
    expect(stats.fastLines).toBe(1);
  });

  it('when one attribute value exceeds the 64 KB sax buffer, then the import fails as INVALID_XML rather than buffering without bound', () => {
    const doc = `<HealthData>\n <Record type="A" note="${'x'.repeat(100_000)}"/>\n</HealthData>\n`;
    expect(() => scan(doc)).toThrow(/not well-formed XML at line 2: Max buffer length exceeded/);
  });

  it('when a one-line record uses an entity beyond the five XML ones, then sax decides and the result is what sax gives', () => {
    const ok = '<HealthData>\n <Record type="A" value="&nbsp;"/>\n</HealthData>\n';
    expect(scan(ok).events).toEqual(saxEvents(ok));
    expect(scan(ok).stats.fastLines).toBe(0);
    const bad = '<HealthData>\n <Record type="A" value="ok"/>\n <Record type="A" value="&bogus;"/>\n</HealthData>\n';
    expect(() => scan(bad)).toThrow(/at line 3: Invalid character entity/);
  });

  it('when a one-line element is not well-formed, then it is not taken by the fast path and fails as INVALID_XML naming the line', () => {
    const doc = '<HealthData>\n <Record type="A" value="1"/>\n <Record type="A" value=3/>\n</HealthData>\n';
    let err: unknown;
    try {
      scan(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('IMPORT.INVALID_XML');
    expect((err as ImportError).userMessage).toBe('export.xml is not well-formed XML at line 3: Unquoted attribute value.');
  });

  it('when the input is empty or only a prolog, then it fails as INVALID_XML', () => {
    expect(() => scan('')).toThrow(/holds no XML element/);
    expect(() => scan('<?xml version="1.0"?>\n')).toThrow(/holds no XML element/);
  });
});
