// Shared CTI text is untrusted: it must reach the page as text only.
import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ObjectList } from '../components/ObjectList';
import { installEventSource, mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import { ObjectPage } from './ObjectPage';

const kId = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
const kEvil = '<img src=x onerror="window.__pwned=1">';
const kEvilName = '<script>window.__pwned=2</script>Evil name';

function detail() {
  return {
    object: {
      type: 'indicator',
      spec_version: '2.1',
      id: kId,
      created: '2026-11-20T10:00:00.000Z',
      modified: '2026-11-20T10:00:00.000Z',
      name: kEvilName,
      description: kEvil,
      pattern: "[url:value = 'http://x/<b>bold</b>']",
      pattern_type: 'stix',
      valid_from: '2026-11-20T10:00:00Z',
      external_references: [
        { source_name: 'evil', url: 'javascript:alert(1)' },
        { source_name: 'cert', external_id: 'CERT-1', url: 'https://cert.example/advisory/1' },
      ],
    },
    channel: { id: 1, name: 'Region <b>East</b>' },
    tlp: 'amber',
    date_added: '2026-11-20T10:00:01.000Z',
    versions: ['2026-11-20T10:00:00.000Z'],
    relationships: [
      {
        id: 'relationship--0a6d4ad0-7bd6-4f3c-9a8f-3a4f1f0bd6a1',
        relationship_type: 'indicates',
        direction: 'out',
        other: { id: 'malware--1f0c5b3e-4f8e-4a53-9c43-2f6e0a1f7d11', type: 'malware', name: '<i>Mal</i>' },
      },
    ],
    correlations: [
      {
        kind: 'url',
        value: 'http://x/<b>bold</b>',
        objects: [
          {
            id: 'indicator--3b1f8e7d-5a4c-4b2a-8f1e-9d7c6b5a4e3f',
            type: 'indicator',
            name: 'Seen elsewhere',
            channel: { id: 2, name: 'Global' },
          },
        ],
      },
    ],
    sightings: {
      count: 3,
      sightings: 2,
      first_seen: '2026-11-19T08:00:00.000Z',
      last_seen: '2026-11-20T09:00:00.000Z',
      organisations: [
        { identity: 'identity--0a0b0c0d-0000-4000-8000-000000000001', name: 'CEC <b>North</b>' },
        { identity: 'identity--0a0b0c0d-0000-4000-8000-000000000002', name: null },
      ],
      organisations_last_24h: 1,
    },
  };
}

describe('object detail', () => {
  beforeEach(() => installEventSource());

  it('renders shared text as text, never as HTML', async () => {
    mockFetch([
      sessionRoute(),
      { method: 'GET', path: `/api/v1/objects/${kId}`, reply: () => ({ status: 200, body: detail() }) },
    ]);
    const { container } = renderWithProviders(<ObjectPage id={kId} />);
    expect(await screen.findByText(kEvil)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain(kEvilName);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('i')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(screen.getByText("[url:value = 'http://x/<b>bold</b>']")).toBeTruthy();
    expect(screen.getByText('Region <b>East</b>')).toBeTruthy();
  });

  it('links only to http(s) references, with noopener noreferrer', async () => {
    mockFetch([
      sessionRoute(),
      { method: 'GET', path: `/api/v1/objects/${kId}`, reply: () => ({ status: 200, body: detail() }) },
    ]);
    const { container } = renderWithProviders(<ObjectPage id={kId} />);
    await screen.findByText(kEvil);
    const external = [...container.querySelectorAll('a[target="_blank"]')];
    expect(external.map((a) => a.getAttribute('href'))).toEqual(['https://cert.example/advisory/1']);
    expect(external[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(container.querySelector('a[href^="javascript:"]')).toBeNull();
    expect(screen.getByText('javascript:alert(1)')).toBeTruthy();
  });

  it('shows TLP, relationships, correlations and sightings', async () => {
    mockFetch([
      sessionRoute(),
      { method: 'GET', path: `/api/v1/objects/${kId}`, reply: () => ({ status: 200, body: detail() }) },
    ]);
    renderWithProviders(<ObjectPage id={kId} />);
    await screen.findByText(kEvil);
    expect(screen.getAllByText('TLP:AMBER').length).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: '<i>Mal</i>' }).getAttribute('href')).toBe(
      '/objects/malware--1f0c5b3e-4f8e-4a53-9c43-2f6e0a1f7d11',
    );
    expect(screen.getByText(/This object indicates/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Seen elsewhere' })).toBeTruthy();
    expect(screen.getByText('(indicator, Global)')).toBeTruthy();
    // The sightings the viewer may read, folded by the server.
    const sightings = screen.getByRole('region', { name: 'Sightings' });
    const fact = (label: string) => within(sightings).getByText(label).nextSibling?.textContent;
    expect(fact('Times seen')).toBe('3');
    expect(fact('Sightings reported')).toBe('2');
    expect(fact('First seen')).toMatch(/2026/);
    expect(fact('Last seen')).toMatch(/2026/);
    expect(fact('Seen by')).toBe('CEC <b>North</b>, identity--0a0b0c0d-0000-4000-8000-000000000002');
    expect(fact('Organisations in the last 24 h')).toBe('1');
    // Dates the object has are shown; ones it lacks are left out, not blank.
    expect(screen.getByText('Valid from').nextSibling?.textContent).toMatch(/2026/);
    expect(screen.queryByText('Valid until')).toBeNull();
    expect(screen.queryByText('Published')).toBeNull();
  });

  it('says when there are no sightings the user can see', async () => {
    const body = {
      ...detail(),
      sightings: { count: 0, sightings: 0, organisations: [], organisations_last_24h: 0 },
    };
    mockFetch([
      sessionRoute(),
      { method: 'GET', path: `/api/v1/objects/${kId}`, reply: () => ({ status: 200, body }) },
    ]);
    renderWithProviders(<ObjectPage id={kId} />);
    expect(await screen.findByText('No sightings you can see.')).toBeTruthy();
    expect(screen.queryByText('Seen by')).toBeNull();
  });

  it('says not found for an object the user may not see', async () => {
    mockFetch([sessionRoute()]);
    renderWithProviders(<ObjectPage id={kId} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Not found, or you may not see it.');
  });
});

describe('object list', () => {
  it('escapes names and descriptions', () => {
    mockFetch([sessionRoute()]);
    const { container } = renderWithProviders(
      <ObjectList
        items={[
          {
            id: kId,
            type: 'indicator',
            name: kEvilName,
            tlp: 'red',
            channel: { id: 1, name: 'Ops' },
            date_added: '2026-11-20T10:00:01.000Z',
            description: kEvil,
          },
        ]}
      />,
    );
    expect(screen.getByText(kEvil)).toBeTruthy();
    expect(screen.getByRole('link', { name: kEvilName })).toBeTruthy();
    expect(screen.getByText('TLP:RED')).toBeTruthy();
    expect(container.querySelector('img, script')).toBeNull();
  });
});
