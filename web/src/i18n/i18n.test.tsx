import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { LanguageSwitch } from '../App';
import { en } from './en';
import {
  I18nProvider,
  catalogs,
  formatDateTime,
  interpolate,
  kLangStorageKey,
  languages,
  translate,
  useI18n,
} from './i18n';
import type { Lang } from './i18n';

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

describe('catalogues', () => {
  const enKeys = Object.keys(en);

  it.each(languages.filter((l) => l !== 'en'))('%s has every English key, and no others', (lang: Lang) => {
    const catalog = catalogs[lang] as Record<string, string | undefined>;
    const missing = enKeys.filter((k) => typeof catalog[k] !== 'string' || catalog[k] === '');
    expect(missing).toEqual([]);
    const extra = Object.keys(catalog).filter((k) => !enKeys.includes(k));
    expect(extra).toEqual([]);
  });

  it.each(languages)('%s keeps the placeholders of each English message', (lang: Lang) => {
    const catalog = catalogs[lang] as Record<string, string>;
    const wrong = enKeys.filter(
      (k) =>
        JSON.stringify(placeholders(catalog[k] ?? '')) !==
        JSON.stringify(placeholders(en[k as keyof typeof en])),
    );
    expect(wrong).toEqual([]);
  });

  it('Ukrainian is actually translated (not a copy of English)', () => {
    const same = enKeys.filter((k) => catalogs.uk[k as keyof typeof en] === en[k as keyof typeof en]);
    // Only language-neutral strings may be identical (names, TLP, formats).
    expect(same.sort()).toEqual(
      [
        'app.name',
        'language.en',
        'language.uk',
        'object.raw',
        'object.tlp',
        'search.tlp',
        'submit.recipientLabel',
      ].sort(),
    );
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translate('en', 'nav.signedInAs', { user: 'ana', org: 'CEC' })).toBe('Signed in as ana (CEC)');
    expect(translate('uk', 'nav.signedInAs', { user: 'ana', org: 'CEC' })).toBe('Ви увійшли як ana (CEC)');
  });

  it('formats dates in the given time zone and language', () => {
    const iso = '2026-11-21T22:30:00Z';
    expect(formatDateTime('en', iso, 'UTC')).toBe('21 Nov 2026, 22:30 UTC');
    // Kyiv is UTC+2 in November: the same instant is the next day there.
    expect(formatDateTime('uk', iso, 'Europe/Kyiv')).toMatch(/22.*2026.*00:30/);
    expect(formatDateTime('en', 'not a date')).toBe('not a date');
  });
});

function Probe() {
  const { t } = useI18n();
  return <p>{t('login.username')}</p>;
}

describe('language switch', () => {
  it('changes every label, persists the choice and sets <html lang>', async () => {
    const user = userEvent.setup();
    const { unmount } = render(
      <I18nProvider>
        <LanguageSwitch />
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText('Username')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    await user.selectOptions(screen.getByLabelText('Language'), 'uk');
    expect(screen.getByText('Ім’я користувача')).toBeTruthy();
    expect(screen.getByLabelText('Мова')).toBeTruthy();
    expect(document.documentElement.lang).toBe('uk');
    expect(window.localStorage.getItem(kLangStorageKey)).toBe('uk');
    unmount();
    // A new visit starts in the stored language.
    act(() => {
      render(
        <I18nProvider>
          <Probe />
        </I18nProvider>,
      );
    });
    expect(screen.getByText('Ім’я користувача')).toBeTruthy();
  });
});
