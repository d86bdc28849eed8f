'use client';

import { useActionState, useId } from 'react';
import { FormAnswer } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled, type FormState } from '@/lib/auth/client';
import type { ConnectFormField } from '@/lib/connectors/client';
import {
  createConnectionAction,
  deleteConnectionAction,
  replaceCredentialsAction,
  setPausedAction,
  setWritebackModeAction,
  syncConnectionAction,
  undoRunAction,
  writeBackNowAction,
} from './actions';

/** Writeback modes, with what each means (values as in WRITEBACK_MODES). */
const MODES = [
  { value: 'on_approval', label: 'On approval', hint: 'each text is written as soon as it is approved' },
  { value: 'manual', label: 'Manual', hint: 'only when you press “Write … back”' },
  { value: 'nightly', label: 'Nightly', hint: 'with the nightly run' },
] as const;

function ModeSelect({ name, defaultValue }: { name: string; defaultValue: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-neutral-800">
        Write approved alt text back
      </label>
      <select id={id} name={name} defaultValue={defaultValue} className="rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm shadow-sm">
        {MODES.map((mode) => (
          <option key={mode.value} value={mode.value}>
            {mode.label}: {mode.hint}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A kind's own field (its connector's `form`); a secret is a password field, never refilled. */
function KindField({ field, state, defaultValue }: { field: ConnectFormField; state: FormState; defaultValue?: string }) {
  return field.secret ? (
    <FormField label={field.label} name={field.name} type="password" autoComplete="new-password" required={!field.optional} hint={field.hint} />
  ) : (
    <FormField label={field.label} name={field.name} defaultValue={refilled(state, field.name, defaultValue)} autoComplete="off" required={!field.optional} hint={field.hint} />
  );
}

export function ConnectionForm({ kind, label, fields }: { kind: string; label: string; fields: ConnectFormField[] }) {
  const [state, action] = useActionState(createConnectionAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-base font-semibold">Connect a {label} store</h2>
      <FormAnswer state={state} />
      <input type="hidden" name="kind" value={kind} />
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField label="Name" name="name" defaultValue={refilled(state, 'name')} autoComplete="off" hint="How Loupe names the store, e.g. “Main shop”." />
        {fields.map((field) => (
          <KindField key={field.name} field={field} state={state} />
        ))}
      </div>
      <ModeSelect name="writebackMode" defaultValue={refilled(state, 'writebackMode', 'on_approval')} />
      <div>
        <SubmitButton>Check and connect</SubmitButton>
      </div>
    </form>
  );
}

function SmallForm({
  action,
  fields,
  label,
  variant = 'secondary',
  confirmText,
}: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  fields: Record<string, string>;
  label: React.ReactNode;
  variant?: 'primary' | 'secondary' | 'danger';
  confirmText?: string;
}) {
  const [state, formAction] = useActionState(action, EMPTY_FORM);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (confirmText && !window.confirm(confirmText)) event.preventDefault();
      }}
      className="flex flex-col gap-1"
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant}>{label}</SubmitButton>
      <FormAnswer state={state} />
    </form>
  );
}

const named = (verb: string, name: string) => (
  <>
    {verb}
    <span className="sr-only"> ({name})</span>
  </>
);

/** Sync, write back, pause or resume, delete: each its own small form, so each answers on its own. */
export function ConnectionActions({ id, name, paused, writable }: { id: string; name: string; paused: boolean; writable: number }) {
  return (
    <div className="flex flex-wrap gap-2">
      <SmallForm action={syncConnectionAction} fields={{ id }} label={named('Sync now', name)} variant="primary" />
      {writable > 0 && <SmallForm action={writeBackNowAction} fields={{ id }} label={named(`Write ${writable.toLocaleString('en-US')} approved ${writable === 1 ? 'text' : 'texts'} back`, name)} />}
      <SmallForm action={setPausedAction} fields={{ id, paused: String(!paused) }} label={named(paused ? 'Resume' : 'Pause', name)} />
      <SmallForm
        action={deleteConnectionAction}
        fields={{ id }}
        label={named('Delete', name)}
        variant="danger"
        confirmText={`Forget the store “${name}”? Its photos stay in the library; nothing in the store changes.`}
      />
    </div>
  );
}

export function ModeForm({ id, mode }: { id: string; mode: string }) {
  const [state, action] = useActionState(setWritebackModeAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="id" value={id} />
      <ModeSelect name="writebackMode" defaultValue={mode} />
      <SubmitButton variant="secondary">Save mode</SubmitButton>
      <FormAnswer state={state} />
    </form>
  );
}

export function CredentialsForm({ id, username, fields }: { id: string; username: string; fields: ConnectFormField[] }) {
  const [state, action] = useActionState(replaceCredentialsAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="id" value={id} />
      <FormAnswer state={state} />
      <div className="grid gap-2 sm:grid-cols-2">
        {fields.map((field) => (
          <KindField key={field.name} field={field} state={state} defaultValue={field.name === 'username' ? username : undefined} />
        ))}
      </div>
      <div>
        <SubmitButton variant="secondary">Check and replace</SubmitButton>
      </div>
    </form>
  );
}

export function UndoRunButton({ id, runId }: { id: string; runId: string }) {
  return (
    <SmallForm
      action={undoRunAction}
      fields={{ id, runId }}
      label={
        <>
          Undo<span className="sr-only"> this writeback run</span>
        </>
      }
      confirmText="Put back in the store the texts this run replaced?"
    />
  );
}
