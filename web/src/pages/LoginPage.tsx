// Sign in: username and password, then a TOTP code when the server asks for
// one (error_code "totp-required").
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api';
import { ErrorMessage, PageHeading } from '../components/common';
import { TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, needTotp ? totp.trim() : undefined);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp-required' && !needTotp) {
        setNeedTotp(true);
      } else {
        setError(err);
        if (needTotp) setTotp('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <PageHeading title={t('login.title')}>{t('login.title')}</PageHeading>
      <p className="muted">{t('login.intro')}</p>
      <form onSubmit={onSubmit} className="form" aria-describedby={error ? 'login-error' : undefined}>
        <TextField
          id="login-username"
          label={t('login.username')}
          name="username"
          autoComplete="username"
          required
          readOnly={needTotp}
          value={username}
          onChange={setUsername}
        />
        <TextField
          id="login-password"
          label={t('login.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          readOnly={needTotp}
          value={password}
          onChange={setPassword}
        />
        {needTotp && (
          <div className="field">
            <label htmlFor="login-totp">{t('login.totp')}</label>
            <p id="login-totp-hint" className="hint">
              {t('login.totpHint')}
            </p>
            <input
              id="login-totp"
              ref={totpRef}
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6,8}"
              maxLength={8}
              required
              aria-describedby="login-totp-hint"
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
            />
          </div>
        )}
        <div id="login-error">
          <ErrorMessage error={error} />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('login.signingIn') : t('login.submit')}
          </button>
          {needTotp && (
            <button
              type="button"
              onClick={() => {
                setNeedTotp(false);
                setTotp('');
                setPassword('');
                setError(null);
              }}
            >
              {t('login.startOver')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
