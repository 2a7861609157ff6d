// Labelled form fields: the label is tied to its control by id, so screen
// readers announce it and a click on it focuses the control.
import type { InputHTMLAttributes, ReactNode } from 'react';

export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

// A text-like input; other input attributes (type, required, pattern...) pass through.
export function TextField({
  id,
  label,
  value,
  onChange,
  ...rest
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <Field id={id} label={label}>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} {...rest} />
    </Field>
  );
}

// A select of plain string choices, each shown as itself (vocabulary tokens).
export function ChoiceField({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </Field>
  );
}

// A multi-line text field with an optional hint under it (tied to it by
// aria-describedby).
export function TextAreaField({
  id,
  label,
  value,
  onChange,
  hint,
  rows = 3,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  rows?: number;
}) {
  return (
    <Field id={id} label={label}>
      <textarea
        id={id}
        rows={rows}
        aria-describedby={hint ? `${id}-hint` : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </Field>
  );
}

// A select over labelled choices ({token, label}), with an optional first
// choice for "none" (value "") and an optional hint under it.
export function LabelledSelect({
  id,
  label,
  value,
  options,
  onChange,
  empty,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly { token: string; label: string }[];
  onChange: (value: string) => void;
  empty?: string;
  hint?: string;
}) {
  return (
    <Field id={id} label={label}>
      <select
        id={id}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => (
          <option key={o.token} value={o.token}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </Field>
  );
}
