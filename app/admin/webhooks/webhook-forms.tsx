'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled, type FormState } from '@/lib/auth/client';
import { OneTimeSecret } from '../one-time-secret';
import { createWebhookAction, deleteWebhookAction, redeliverAction, setWebhookEnabledAction, testWebhookAction } from './actions';

/** The events an endpoint may subscribe to, with what each means (values as in WEBHOOK_EVENT_TYPES). */
const EVENTS = [
  { value: 'alt_text.approved', label: 'Alt text approved', hint: 'a person approved, wrote or imported it' },
  { value: 'alt_text.changed', label: 'Alt text changed', hint: 'any change: model proposals, edits, rejections, decorative' },
  { value: 'asset.created', label: 'Photo added', hint: 'an upload was verified and stored' },
  { value: 'asset.updated', label: 'Photo details changed', hint: 'title, SKU, collection or tags' },
  { value: 'asset.deleted', label: 'Photo deleted', hint: 'with what the photo was' },
] as const;

export function WebhookForm() {
  const [state, action] = useActionState(createWebhookAction, EMPTY_FORM);
  // Every event is ticked at first; after an error, the boxes that were ticked.
  const events = state.values ? refilled(state, 'events').split(',') : EVENTS.map((event) => event.value);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-base font-semibold">Add an endpoint</h2>
      <FormAlert message={state.error} />
      {state.secret && (
        <OneTimeSecret
          label="Signing secret"
          value={state.secret}
          note="Copy it now: this page will not show it again. Your receiver verifies each request’s webhook-signature header with it (Standard Webhooks; most languages have a library)."
        />
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField label="URL" name="url" defaultValue={refilled(state, 'url')} autoComplete="off" hint="https://… where your system receives events." />
        <FormField label="Description" name="description" defaultValue={refilled(state, 'description')} required={false} autoComplete="off" hint="What it feeds, e.g. “Shopify sync”." />
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium text-neutral-800">Events</legend>
        {EVENTS.map((event) => (
          <label key={event.value} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="events" value={event.value} defaultChecked={events.includes(event.value)} className="mt-1 h-4 w-4" />
            <span>
              {event.label} <code className="text-xs text-neutral-500">{event.value}</code>
              <span className="block text-xs text-neutral-500">{event.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <SubmitButton>Add endpoint</SubmitButton>
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
  variant?: 'secondary' | 'danger';
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
      <FormAlert message={state.error} />
    </form>
  );
}

/** Send a test event, disable or enable, delete: each its own small form, so each answers on its own. */
export function EndpointActions({ id, url, enabled }: { id: string; url: string; enabled: boolean }) {
  const named = (verb: string) => (
    <>
      {verb}
      <span className="sr-only"> {url}</span>
    </>
  );
  return (
    <div className="flex flex-wrap gap-2">
      <SmallForm action={testWebhookAction} fields={{ id }} label={named('Send test event')} />
      <SmallForm action={setWebhookEnabledAction} fields={{ id, enabled: String(!enabled) }} label={named(enabled ? 'Disable' : 'Enable')} />
      <SmallForm
        action={deleteWebhookAction}
        fields={{ id }}
        label={named('Delete')}
        variant="danger"
        confirmText={`Delete the endpoint ${url} and its delivery log? Events will no longer be sent to it.`}
      />
    </div>
  );
}

export function RedeliverButton({ endpointId, deliveryId, event }: { endpointId: string; deliveryId: string; event: string }) {
  return (
    <SmallForm
      action={redeliverAction}
      fields={{ id: endpointId, deliveryId }}
      label={
        <>
          Redeliver<span className="sr-only"> {event}</span>
        </>
      }
    />
  );
}
