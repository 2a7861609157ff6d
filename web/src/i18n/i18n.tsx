// The translation layer: every UI string goes through t(key, values). English
// is the reference catalogue; every other language must have every key (a
// unit test and the type of each catalogue enforce it). The chosen language
// is kept in localStorage and mirrored in <html lang>. Dates are formatted
// with Intl in the browser's time zone.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en } from './en';
import type { MessageKey } from './en';
import { uk } from './uk';

export type { MessageKey } from './en';
export type Lang = 'en' | 'uk';
export type Values = Record<string, string | number>;

export const catalogs: Record<Lang, Record<MessageKey, string>> = { en, uk };
export const languages: readonly Lang[] = ['en', 'uk'];
export const kLangStorageKey = 'ecrn.lang';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

// Replaces {name} placeholders with values; unknown placeholders stay as
// they are (a visible bug rather than a silent one).
export function interpolate(template: string, values?: Values): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, values?: Values): string {
  return interpolate(catalogs[lang][key] ?? catalogs.en[key] ?? key, values);
}

function storedLang(): Lang | null {
  try {
    const value = window.localStorage.getItem(kLangStorageKey);
    return isLang(value) ? value : null;
  } catch {
    return null;
  }
}

// The initial language: the stored choice, else the browser's first
// supported preference, else English.
export function initialLang(): Lang {
  const stored = storedLang();
  if (stored) return stored;
  const preferred = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

// The locale used for dates and numbers in each language (British English:
// day-month order and a 24-hour clock, as the network's members write).
export const kLocales: Record<Lang, string> = { en: 'en-GB', uk: 'uk-UA' };

// "21 Nov 2026, 14:05 UTC" in the user's language and time zone; the input
// as given when it is not a date.
export function formatDateTime(lang: Lang, iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(kLocales[lang], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, values?: Values) => string;
  formatDate: (iso: string) => string;
  formatNumber: (n: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => fixed ?? initialLang());
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(kLangStorageKey, next);
    } catch {
      // Storage may be unavailable (private mode); the choice lasts this visit.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, values) => translate(lang, key, values),
      formatDate: (iso) => formatDateTime(lang, iso),
      formatNumber: (n) => new Intl.NumberFormat(kLocales[lang]).format(n),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
