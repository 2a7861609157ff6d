// Reporting-clock deadlines counting down: the time left until a deadline
// ("23 h 59 min left"), or, once it has passed, "Overdue by …" flagged with
// text and an icon (not colour only). Re-rendered every 30 seconds.
import { useEffect, useState } from 'react';
import { deadlineState } from '../incidents';
import type { Span } from '../incidents';
import { useI18n } from '../i18n/i18n';

export const kTickMs = 30_000;

// The current time, updated every `intervalMs`.
export function useNow(intervalMs = kTickMs): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useSpanText(): (span: Span) => string {
  const { t } = useI18n();
  return (s: Span) =>
    s.days > 0
      ? t('duration.dhm', { d: s.days, h: s.hours, m: s.minutes })
      : s.hours > 0
        ? t('duration.hm', { h: s.hours, m: s.minutes })
        : t('duration.m', { m: s.minutes });
}

// "12 h 5 min left" or a flagged "Overdue by 2 h 0 min" for `deadline`.
export function Countdown({ deadline, now }: { deadline: string; now: number }) {
  const { t } = useI18n();
  const spanText = useSpanText();
  const state = deadlineState(deadline, now);
  if (!state) return null;
  if (state.overdue) {
    return (
      <span className="overdue">
        <span aria-hidden="true">⚠ </span>
        {t('clock.overdueBy', { time: spanText(state.span) })}
      </span>
    );
  }
  return <span className="remaining">{t('clock.left', { time: spanText(state.span) })}</span>;
}
