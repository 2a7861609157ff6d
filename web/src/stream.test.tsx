import { act, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useSession } from './session';
import { kOpenEvent, useStream, useStreamEvent } from './stream';
import {
  MockEventSource,
  errorBody,
  installEventSource,
  kUser,
  mockFetch,
  renderWithProviders,
} from './test-utils';

// Shows the data it heard of `type` (the type for empty data).
function Listener({ name, type }: { name: string; type: string }) {
  const [heard, setHeard] = useState<string[]>([]);
  useStreamEvent(type, (data) => setHeard((h) => [...h, data || type]));
  return <p data-testid={name}>{heard.join(',')}</p>;
}

function Probe() {
  const { status } = useStream();
  const { state } = useSession();
  const [second, setSecond] = useState(true);
  return (
    <>
      <p data-testid="status">
        {state.status} {status}
      </p>
      <Listener name="first" type="notification" />
      {second && <Listener name="second" type="notification" />}
      <Listener name="opens" type={kOpenEvent} />
      <button type="button" onClick={() => setSecond(false)}>
        drop
      </button>
    </>
  );
}

describe('live stream', () => {
  beforeEach(() => installEventSource());

  it('opens one EventSource for every listener, and closes it when the session ends', async () => {
    let signedIn = true;
    mockFetch([
      {
        method: 'GET',
        path: '/api/v1/session',
        reply: () =>
          signedIn
            ? { status: 200, body: { user: kUser, csrf_token: 't' } }
            : { status: 401, body: errorBody(401, 'unauthenticated') },
      },
    ]);
    renderWithProviders(<Probe />);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-in connecting'));
    expect(MockEventSource.instances).toHaveLength(1);
    const source = MockEventSource.instances[0] as MockEventSource;
    expect(source.url).toBe('/api/v1/stream');
    expect(source.init).toEqual({ withCredentials: true });

    act(() => source.open());
    expect(screen.getByTestId('status').textContent).toBe('signed-in live');
    expect(screen.getByTestId('opens').textContent).toBe('open');
    act(() => source.emit('notification', 'a'));
    expect(screen.getByTestId('first').textContent).toBe('a');
    expect(screen.getByTestId('second').textContent).toBe('a');
    act(() => source.emit('object', 'not for them'));
    expect(screen.getByTestId('first').textContent).toBe('a');

    // An unmounted listener hears nothing more; the others still do.
    act(() => screen.getByRole('button', { name: 'drop' }).click());
    act(() => source.emit('notification', 'b'));
    expect(screen.getByTestId('first').textContent).toBe('a,b');
    expect(MockEventSource.instances).toHaveLength(1);

    act(() => source.fail(false));
    expect(screen.getByTestId('status').textContent).toBe('signed-in reconnecting');
    expect(source.closed).toBe(false);
    signedIn = false;
    act(() => source.fail(true));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toMatch(/^anonymous/));
    expect(source.closed).toBe(true);
    expect(MockEventSource.instances).toHaveLength(1);
  });
});
