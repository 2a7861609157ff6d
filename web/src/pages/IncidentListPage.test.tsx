import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { kVocab, fromNow, summary } from '../test-incidents';
import { mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import { IncidentListPage } from './IncidentListPage';

const kLate = summary({
  id: 2,
  stix_id: 'incident--00000000-0000-4000-8000-000000000002',
  title: 'Voter register scanned',
  status: 'triaged',
  severity: 'low',
  category: 'fraud',
  owner: { id: 9, name: 'Regional Commission', kind: 'election-commission' },
  next_deadline: fromNow(-2, -30_000),
  overdue: true,
});
const kOnTime = summary({ next_deadline: fromNow(5, 30_000) });

function routes() {
  return mockFetch([
    sessionRoute(),
    { method: 'GET', path: '/api/v1/incident-vocabulary', reply: () => ({ status: 200, body: kVocab }) },
    {
      method: 'GET',
      path: /^\/api\/v1\/incidents\?/,
      reply: () => ({ status: 200, body: { items: [kLate, kOnTime], next_after: null } }),
    },
  ]);
}

describe('incident list', () => {
  it('maps the filters in the URL and the form to the list query', async () => {
    const calls = routes();
    const user = userEvent.setup();
    renderWithProviders(<IncidentListPage />, {
      path: '/incidents?status=triaged&overdue=true',
      signedIn: true,
    });
    await screen.findByRole('link', { name: 'Voter register scanned' });
    const lists = () => calls.filter((c) => c.path.startsWith('/api/v1/incidents?')).map((c) => c.path);
    expect(lists()).toEqual(['/api/v1/incidents?status=triaged&overdue=true&limit=50']);
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('triaged');
    expect((screen.getByLabelText('Only past a reporting deadline') as HTMLInputElement).checked).toBe(true);

    await user.selectOptions(screen.getByLabelText('Severity'), 'high');
    await user.selectOptions(screen.getByLabelText('Category'), 'availability');
    await user.type(screen.getByLabelText('Title contains'), 'DDoS');
    await user.click(screen.getByLabelText('Only past a reporting deadline'));
    await user.click(screen.getByLabelText('Only assigned to me'));
    await user.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(lists()).toHaveLength(2));
    expect(lists()[1]).toBe(
      '/api/v1/incidents?status=triaged&severity=high&category=availability&q=DDoS&mine=true&limit=50',
    );
    expect(window.location.search).toBe(
      '?status=triaged&severity=high&category=availability&q=DDoS&mine=true',
    );
  });

  it('shows each case with plain labels and its next deadline, overdue ones flagged', async () => {
    routes();
    renderWithProviders(<IncidentListPage />, { path: '/incidents', signedIn: true });
    const link = await screen.findByRole('link', { name: 'Voter register scanned' });
    expect(link.getAttribute('href')).toBe(`/incidents/${kLate.stix_id}`);
    const late = link.closest('tr') as HTMLElement;
    const cells = within(late)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 4)).toEqual(['Triaged', 'Low', 'Fraud or impersonation', 'Regional Commission']);
    expect(cells[4]).toMatch(/Overdue by 2 h 0 min$/);
    expect(within(late).getByText(/Overdue by/).className).toBe('overdue');

    const onTime = (screen.getByRole('link', { name: 'Results site DDoS' }).closest('tr') as HTMLElement)
      .textContent;
    expect(onTime).toContain('Service disruption');
    expect(onTime).toMatch(/5 h 0 min left$/);
    expect(onTime).not.toContain('Overdue');
    // An analyst may report.
    expect(screen.getByRole('link', { name: 'Report an incident' }).getAttribute('href')).toBe(
      '/incidents/new',
    );
  });
});
