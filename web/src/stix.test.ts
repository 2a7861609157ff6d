import { describe, expect, it } from 'vitest';
import {
  buildIndicator,
  buildReport,
  isStixId,
  kTlpMarkingIds,
  parseObjectRefs,
  safeHttpUrl,
  systemClock,
} from './stix';

const kFixed = {
  now: () => new Date('2026-11-21T12:34:56.789Z'),
  uuid: () => '5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
};
const kTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('buildIndicator', () => {
  it('builds a STIX 2.1 indicator with the required properties', () => {
    const o = buildIndicator(
      {
        name: '  Phishing domain  ',
        description: 'Seen in SMS to voters',
        pattern: " [domain-name:value = 'cec-vote.example'] ",
        validFrom: new Date('2026-11-21T08:00:00Z'),
        indicatorTypes: ['malicious-activity'],
        tlp: 'red',
      },
      kFixed,
    );
    expect(o).toEqual({
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
      created: '2026-11-21T12:34:56.789Z',
      modified: '2026-11-21T12:34:56.789Z',
      object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'],
      name: 'Phishing domain',
      description: 'Seen in SMS to voters',
      indicator_types: ['malicious-activity'],
      pattern: "[domain-name:value = 'cec-vote.example']",
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: '2026-11-21T08:00:00.000Z',
    });
  });

  it('uses a fresh random UUID v4 id and leaves empty optional fields out', () => {
    const input = {
      name: 'x',
      description: ' ',
      pattern: "[ipv4-addr:value = '198.51.100.7']",
      validFrom: new Date(),
      indicatorTypes: [],
      tlp: 'green' as const,
    };
    const a = buildIndicator(input, systemClock);
    const b = buildIndicator(input, systemClock);
    expect(a.id).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.created).toMatch(kTimestamp);
    expect(a.valid_from).toMatch(kTimestamp);
    expect(a).not.toHaveProperty('description');
    expect(a).not.toHaveProperty('indicator_types');
    expect(a.object_marking_refs).toEqual([kTlpMarkingIds.green]);
  });

  it('refuses an id source that is not UUID v4', () => {
    expect(() =>
      buildIndicator(
        { name: 'x', description: '', pattern: 'p', validFrom: new Date(), indicatorTypes: [], tlp: 'red' },
        { now: () => new Date(), uuid: () => 'not-a-uuid' },
      ),
    ).toThrow(/UUID v4/);
  });
});

describe('buildReport', () => {
  it('builds a report with published and object_refs', () => {
    const o = buildReport(
      {
        name: 'Election night DDoS',
        description: '',
        published: new Date('2026-11-21T20:00:00Z'),
        reportTypes: ['threat-report'],
        objectRefs: ['indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d'],
        tlp: 'amber+strict',
      },
      kFixed,
    );
    expect(o.id).toBe('report--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d');
    expect(o.published).toBe('2026-11-21T20:00:00.000Z');
    expect(o.object_refs).toEqual(['indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d']);
    expect(o.report_types).toEqual(['threat-report']);
    expect(o.object_marking_refs).toEqual([kTlpMarkingIds['amber+strict']]);
  });
});

describe('helpers', () => {
  it('parses object refs and names the bad ones', () => {
    expect(
      parseObjectRefs(
        'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d\n nonsense, malware--1f0c5b3e-4f8e-4a53-9c43-2f6e0a1f7d11 indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
      ),
    ).toEqual({
      ids: [
        'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
        'malware--1f0c5b3e-4f8e-4a53-9c43-2f6e0a1f7d11',
      ],
      invalid: ['nonsense'],
    });
    expect(isStixId('Indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d')).toBe(false);
  });

  it('accepts only absolute http(s) URLs as links', () => {
    expect(safeHttpUrl('https://cert.example/a?b=1')).toBe('https://cert.example/a?b=1');
    expect(safeHttpUrl('http://cert.example')).toBe('http://cert.example/');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      '/relative',
      '//host/x',
      'ftp://x',
      42,
      null,
    ]) {
      expect(safeHttpUrl(bad)).toBeNull();
    }
  });
});
