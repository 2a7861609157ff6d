import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { kTlpMarkingIds } from '../stix';
import { mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import type { RecordedCall } from '../test-utils';
import { SubmitPage } from './SubmitPage';

const kChannels = {
  items: [
    { id: 4, name: 'Read only', description: '', default_tlp: 'green', can_read: true, can_write: false },
    {
      id: 5,
      name: 'Region: Eastern Partnership',
      description: '',
      default_tlp: 'amber',
      can_read: true,
      can_write: true,
    },
  ],
};
const kMembers = {
  items: [
    { user_id: 7, username: 'ana', org: { id: 3, name: 'CEC' } },
    { user_id: 12, username: 'bob', org: { id: 9, name: 'CERT-MD' } },
    { user_id: 13, username: 'eve', org: { id: 9, name: 'CERT-MD' } },
  ],
};

// Puts text in a field as a paste (typing would read "[" as a key name).
async function fill(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}

function routes(onPost: (c: RecordedCall) => void) {
  return [
    sessionRoute(undefined, 'csrf-xyz'),
    { method: 'GET', path: '/api/v1/channels', reply: () => ({ status: 200, body: kChannels }) },
    { method: 'GET', path: '/api/v1/channels/5/members', reply: () => ({ status: 200, body: kMembers }) },
    {
      method: 'POST',
      path: '/api/v1/objects',
      reply: (c: RecordedCall) => {
        onPost(c);
        const id = (c.body as { objects: { id: string }[] }).objects[0]?.id ?? '';
        return { status: 201, body: { results: [{ id, status: 'added' }] } };
      },
    },
  ];
}

describe('submit', () => {
  it('posts a valid STIX indicator as TLP:RED to one named recipient', async () => {
    let posted: RecordedCall | null = null;
    mockFetch(routes((c) => (posted = c)));
    const user = userEvent.setup();
    renderWithProviders(<SubmitPage />, { signedIn: true });
    const channel = (await screen.findByLabelText('Channel')) as HTMLSelectElement;
    // Only writable channels are offered; the channel's default TLP is preselected.
    expect([...channel.options].map((o) => o.textContent)).toEqual(['Region: Eastern Partnership']);
    expect((screen.getByLabelText('TLP marking') as HTMLSelectElement).value).toBe('amber');

    await user.selectOptions(screen.getByLabelText('TLP marking'), 'red');
    const bob = await screen.findByLabelText('bob (CERT-MD)');
    // The submitter is always a recipient, so is not offered.
    expect(screen.queryByLabelText('ana (CEC)')).toBeNull();
    await user.click(bob);
    await fill(user, screen.getByLabelText('Name'), 'Phishing domain');
    await fill(user, screen.getByLabelText('Description'), 'SMS to voters');
    await fill(user, screen.getByLabelText('STIX pattern'), "[domain-name:value = 'cec-vote.example']");
    await user.click(screen.getByLabelText('malicious-activity'));
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    await waitFor(() => expect(posted).not.toBeNull());
    const call = posted as unknown as RecordedCall;
    expect(call.headers['x-csrf-token']).toBe('csrf-xyz');
    expect(call.headers['content-type']).toBe('application/json');
    const body = call.body as {
      channel: number;
      tlp: string;
      red_recipients: number[];
      objects: Record<string, unknown>[];
    };
    expect(body.channel).toBe(5);
    expect(body.tlp).toBe('red');
    expect(body.red_recipients).toEqual([12]);
    expect(body.objects).toHaveLength(1);
    const o = body.objects[0] as Record<string, unknown>;
    expect(o.type).toBe('indicator');
    expect(o.spec_version).toBe('2.1');
    expect(o.id).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(o.created).toBe(o.modified);
    expect(o.name).toBe('Phishing domain');
    expect(o.description).toBe('SMS to voters');
    expect(o.pattern).toBe("[domain-name:value = 'cec-vote.example']");
    expect(o.pattern_type).toBe('stix');
    expect(o.indicator_types).toEqual(['malicious-activity']);
    expect(Number.isNaN(Date.parse(String(o.valid_from)))).toBe(false);
    expect(o.object_marking_refs).toEqual([kTlpMarkingIds.red]);

    const status = await screen.findByRole('status', { name: 'Result' });
    expect(status.textContent).toContain('Added');
    expect(screen.getByRole('link', { name: String(o.id) })).toBeTruthy();
    // The form is ready for the next item: the marking is the channel's
    // default again and no recipient is kept.
    expect((screen.getByLabelText('TLP marking') as HTMLSelectElement).value).toBe('amber');
    expect(screen.queryByLabelText('bob (CERT-MD)')).toBeNull();
    await user.selectOptions(screen.getByLabelText('TLP marking'), 'red');
    expect(((await screen.findByLabelText('bob (CERT-MD)')) as HTMLInputElement).checked).toBe(false);
  });

  it('sends no recipients for other TLP levels and checks the form first', async () => {
    let posted: RecordedCall | null = null;
    mockFetch(routes((c) => (posted = c)));
    const user = userEvent.setup();
    renderWithProviders(<SubmitPage />, { signedIn: true });
    await user.selectOptions(await screen.findByLabelText('TLP marking'), 'red');
    await user.click(await screen.findByLabelText('bob (CERT-MD)'));
    await user.selectOptions(screen.getByLabelText('TLP marking'), 'green');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a name.');
    await fill(user, screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a STIX pattern.');
    expect(posted).toBeNull();
    await fill(user, screen.getByLabelText('STIX pattern'), "[ipv4-addr:value = '198.51.100.7']");
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(posted).not.toBeNull());
    const body = (posted as unknown as RecordedCall).body as { tlp: string; red_recipients: number[] };
    expect(body.tlp).toBe('green');
    expect(body.red_recipients).toEqual([]);
  });

  it('builds a report from listed object ids and rejects bad ones', async () => {
    let posted: RecordedCall | null = null;
    mockFetch(routes((c) => (posted = c)));
    const user = userEvent.setup();
    renderWithProviders(<SubmitPage />, { signedIn: true });
    await user.click(await screen.findByLabelText('Report'));
    await fill(user, screen.getByLabelText('Name'), 'Election night report');
    await fill(
      user,
      screen.getByLabelText('Objects in the report'),
      'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d\nbogus',
    );
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByRole('alert')).textContent).toBe('These are not STIX ids: bogus');
    await user.clear(screen.getByLabelText('Objects in the report'));
    await fill(
      user,
      screen.getByLabelText('Objects in the report'),
      'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
    );
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(posted).not.toBeNull());
    const o =
      ((posted as unknown as RecordedCall).body as { objects: Record<string, unknown>[] }).objects[0] ?? {};
    expect(o.type).toBe('report');
    expect(String(o.id)).toMatch(/^report--/);
    expect(o.object_refs).toEqual(['indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d']);
    expect(Number.isNaN(Date.parse(String(o.published)))).toBe(false);
  });
});
