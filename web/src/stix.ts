// Building STIX 2.1 objects client-side for submission, and the TLP 2.0
// vocabulary. Pure functions (ids and clocks are parameters for tests).

export const kTlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof kTlpLevels)[number];

export function isTlpLevel(value: unknown): value is TlpLevel {
  return typeof value === 'string' && (kTlpLevels as readonly string[]).includes(value);
}

// The TLP 2.0 marking-definition ids published with STIX.
export const kTlpMarkingIds: Record<TlpLevel, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

// STIX 2.1 open vocabularies offered in the forms.
export const kIndicatorTypes = [
  'anomalous-activity',
  'anonymization',
  'benign',
  'compromised',
  'malicious-activity',
  'attribution',
  'unknown',
] as const;
export const kReportTypes = [
  'attack-pattern',
  'campaign',
  'identity',
  'indicator',
  'intrusion-set',
  'malware',
  'observed-data',
  'threat-actor',
  'threat-report',
  'tool',
  'vulnerability',
] as const;
// Object types offered as a search filter.
export const kSearchTypes = [
  'indicator',
  'report',
  'malware',
  'threat-actor',
  'campaign',
  'intrusion-set',
  'attack-pattern',
  'infrastructure',
  'tool',
  'vulnerability',
  'observed-data',
  'sighting',
  'relationship',
  'identity',
  'note',
  'grouping',
  'domain-name',
  'ipv4-addr',
  'ipv6-addr',
  'url',
  'email-addr',
  'file',
] as const;

const kUuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const kStixId = /^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isStixId(value: string): boolean {
  return kStixId.test(value);
}

export function isUuidV4(value: string): boolean {
  return kUuidV4.test(value);
}

// A STIX timestamp (UTC, millisecond precision, "Z").
export function stixTimestamp(date: Date): string {
  return date.toISOString();
}

export interface IndicatorInput {
  name: string;
  description: string;
  pattern: string;
  validFrom: Date;
  indicatorTypes: string[];
  tlp: TlpLevel;
}

export interface ReportInput {
  name: string;
  description: string;
  published: Date;
  reportTypes: string[];
  objectRefs: string[];
  tlp: TlpLevel;
}

export interface Clock {
  now: () => Date;
  uuid: () => string;
}

export const systemClock: Clock = {
  now: () => new Date(),
  uuid: () => crypto.randomUUID(),
};

function common(type: string, clock: Clock, tlp: TlpLevel) {
  const uuid = clock.uuid();
  if (!isUuidV4(uuid)) throw new Error(`not a UUID v4: ${uuid}`);
  const now = stixTimestamp(clock.now());
  return {
    type,
    spec_version: '2.1',
    id: `${type}--${uuid}`,
    created: now,
    modified: now,
    object_marking_refs: [kTlpMarkingIds[tlp]],
  };
}

// A STIX 2.1 indicator with a STIX pattern. Empty optional fields are left out.
export function buildIndicator(input: IndicatorInput, clock: Clock = systemClock) {
  return {
    ...common('indicator', clock, input.tlp),
    name: input.name.trim(),
    ...(input.description.trim() ? { description: input.description.trim() } : {}),
    ...(input.indicatorTypes.length ? { indicator_types: [...input.indicatorTypes] } : {}),
    pattern: input.pattern.trim(),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: stixTimestamp(input.validFrom),
  };
}

// A STIX 2.1 report (object_refs is required by STIX 2.1: at least one id).
export function buildReport(input: ReportInput, clock: Clock = systemClock) {
  return {
    ...common('report', clock, input.tlp),
    name: input.name.trim(),
    ...(input.description.trim() ? { description: input.description.trim() } : {}),
    ...(input.reportTypes.length ? { report_types: [...input.reportTypes] } : {}),
    published: stixTimestamp(input.published),
    object_refs: [...input.objectRefs],
  };
}

// The ids in free text (one per line, or separated by spaces or commas) and
// the entries that are not STIX ids.
export function parseObjectRefs(text: string): { ids: string[]; invalid: string[] } {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const ids: string[] = [];
  const invalid: string[] = [];
  for (const p of parts) (isStixId(p) ? ids : invalid).push(p);
  return { ids: [...new Set(ids)], invalid };
}

// The URL if it is an absolute http(s) URL, else null (never a javascript:,
// data: or relative link from shared content).
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// A datetime-local input value ("2026-11-21T14:05") for a date, in local time.
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}
