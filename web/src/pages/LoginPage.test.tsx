import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { anonymousRoute, errorBody, installEventSource, kUser, mockFetch } from '../test-utils';

const kObjects = {
  method: 'GET',
  path: /^\/api\/v1\/objects\?/,
  reply: () => ({ status: 200, body: { items: [], next_cursor: null } }),
};

async function fillCredentials(password = 'correct horse battery') {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Username'), 'ana');
  await user.type(screen.getByLabelText('Password'), password);
  return user;
}

describe('login', () => {
  beforeEach(() => installEventSource());

  it('signs in with username and password and opens the dashboard', async () => {
    const calls = mockFetch([
      anonymousRoute,
      {
        method: 'POST',
        path: '/api/v1/session',
        reply: (c) =>
          (c.body as { password: string }).password === 'correct horse battery'
            ? { status: 200, body: { user: kUser, csrf_token: 'tok-1' } }
            : { status: 401, body: errorBody(401, 'bad-credentials') },
      },
      kObjects,
    ]);
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to ECRN' })).toBeTruthy();
    const user = await fillCredentials();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy();
    expect(screen.getByText('Signed in as ana (Central Election Commission)')).toBeTruthy();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ username: 'ana', password: 'correct horse battery' });
    // The session's CSRF token goes with the next write (sign out).
    const signOut = mockFetch([
      { method: 'DELETE', path: '/api/v1/session', reply: () => ({ status: 204 }) },
    ]);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to ECRN' })).toBeTruthy();
    expect(signOut).toHaveLength(1);
    expect(signOut[0]?.headers['x-csrf-token']).toBe('tok-1');
  });

  it('asks for a TOTP code when the server requires one, then sends it', async () => {
    const calls = mockFetch([
      anonymousRoute,
      {
        method: 'POST',
        path: '/api/v1/session',
        reply: (c) => {
          const totp = (c.body as { totp?: string }).totp;
          if (!totp) return { status: 401, body: errorBody(401, 'totp-required', 'second factor needed') };
          if (totp !== '123456') return { status: 401, body: errorBody(401, 'bad-totp') };
          return { status: 200, body: { user: kUser, csrf_token: 'tok-2' } };
        },
      },
      kObjects,
    ]);
    render(<App />);
    const user = await fillCredentials();
    expect(screen.queryByLabelText('Authentication code')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const totp = await screen.findByLabelText('Authentication code');
    await waitFor(() => expect(document.activeElement).toBe(totp));
    expect(screen.queryByRole('alert')).toBeNull();

    await user.type(totp, '999999');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The authentication code is not correct.',
    );

    await user.type(screen.getByLabelText('Authentication code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy();
    const posts = calls.filter((c) => c.method === 'POST').map((c) => c.body);
    expect(posts).toEqual([
      { username: 'ana', password: 'correct horse battery' },
      { username: 'ana', password: 'correct horse battery', totp: '999999' },
      { username: 'ana', password: 'correct horse battery', totp: '123456' },
    ]);
  });

  it('says when the credentials are wrong', async () => {
    mockFetch([
      anonymousRoute,
      {
        method: 'POST',
        path: '/api/v1/session',
        reply: () => ({ status: 401, body: errorBody(401, 'bad-credentials') }),
      },
    ]);
    render(<App />);
    const user = await fillCredentials('wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The username or password is not correct.',
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in to ECRN' })).toBeTruthy();
  });

  it('says when sign-in is rate limited, and when the server is unreachable', async () => {
    mockFetch([
      anonymousRoute,
      {
        method: 'POST',
        path: '/api/v1/session',
        reply: () => ({ status: 429, body: errorBody(429, 'too-many-requests') }),
      },
    ]);
    render(<App />);
    const user = await fillCredentials();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Too many attempts');

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('The server cannot be reached'),
    );
  });

  it('shows the login page in Ukrainian when that language is chosen', async () => {
    mockFetch([anonymousRoute]);
    window.localStorage.setItem('ecrn.lang', 'uk');
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Вхід до ECRN' })).toBeTruthy();
    expect(screen.getByLabelText('Ім’я користувача')).toBeTruthy();
    expect(screen.getByLabelText('Пароль')).toBeTruthy();
    expect(document.documentElement.lang).toBe('uk');
  });
});
