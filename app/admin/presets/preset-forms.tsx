'use client';

import { useActionState, useId } from 'react';
import { FormAlert, FormAnswer } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled, type FormState } from '@/lib/auth/client';
import { deletePresetAction, savePresetAction } from './actions';

interface Choice {
  value: string;
  label: string;
}

function Select({ label, name, choices, state, initial, hint }: { label: string; name: string; choices: readonly Choice[]; state: FormState; initial: string; hint: string }) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-neutral-800">
        {label}
      </label>
      {/* Keyed by its value: React applies a select's defaultValue only when it mounts, and the form is refilled after an error. */}
      <select
        key={refilled(state, name, initial)}
        id={id}
        name={name}
        defaultValue={refilled(state, name, initial)}
        aria-describedby={`${id}-hint`}
        className="w-full min-w-0 rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-neutral-900 focus:outline-none focus:ring-1 focus:ring-neutral-900"
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="text-xs text-neutral-500">
        {hint}
      </p>
    </div>
  );
}

/** Add a preset, or replace one by giving its name again. The choices come from the server (lib/renditions). */
export function PresetForm({ fits, formats, metadata, maxSide }: { fits: readonly Choice[]; formats: readonly Choice[]; metadata: readonly Choice[]; maxSide: number }) {
  const [state, action] = useActionState(savePresetAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-base font-semibold">Add or replace a preset</h2>
      <FormAnswer state={state} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FormField label="Name" name="name" defaultValue={refilled(state, 'name')} autoComplete="off" hint="Lowercase letters, digits and hyphens, e.g. lookbook-1600; the same name replaces that preset." />
        <FormField label="Label" name="label" defaultValue={refilled(state, 'label')} required={false} autoComplete="off" hint="What people see, e.g. “Lookbook 1600 × 2000”." />
        <FormField label="Width (px)" name="width" type="number" defaultValue={refilled(state, 'width')} hint={`1 to ${maxSide}.`} />
        <FormField label="Height (px)" name="height" type="number" defaultValue={refilled(state, 'height')} hint={`1 to ${maxSide}.`} />
        <Select label="Fit" name="fit" choices={fits} state={state} initial="contain" hint="How the photo goes into the frame." />
        <Select label="Format" name="format" choices={formats} state={state} initial="jpeg" hint="The file type made." />
        <FormField label="Background" name="background" defaultValue={refilled(state, 'background', '#FFFFFF')} autoComplete="off" hint="#RRGGBB, or transparent (not for JPEG): fills the padding of contain and any transparency." />
        <FormField label="Quality" name="quality" type="number" defaultValue={refilled(state, 'quality', '85')} hint="1 to 100 (JPEG, WebP, AVIF; PNG is lossless)." />
        <Select label="Metadata" name="metadata" choices={metadata} state={state} initial="strip" hint="Camera data, location and the like are never copied." />
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="trim" defaultChecked={refilled(state, 'trim') === 'on'} className="mt-1 h-4 w-4" />
        <span>
          Trim the background border, then place the product at 85% of the frame
          <span className="block text-xs text-neutral-500">For marketplace main images (Amazon); needs fit “contain” and a colour background.</span>
        </span>
      </label>
      <div>
        <SubmitButton>Save preset</SubmitButton>
      </div>
    </form>
  );
}

export function DeletePresetButton({ name }: { name: string }) {
  const [state, action] = useActionState(deletePresetAction, EMPTY_FORM);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the preset ${name} and every file made with it?`)) event.preventDefault();
      }}
      className="flex flex-col gap-1"
    >
      <input type="hidden" name="name" value={name} />
      <SubmitButton variant="danger">
        Delete<span className="sr-only"> the preset {name}</span>
      </SubmitButton>
      <FormAlert message={state.error} />
    </form>
  );
}
