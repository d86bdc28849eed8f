import { describe, expect, it } from 'vitest';
import { endpointInput } from '@/lib/webhooks';
import { selectionFromStrings } from '@/lib/jobs';
import { formFields, refillValues } from './form-fields';
import { inviteInput } from './schemas';

/** What a hydrated page submits from a form the server rendered: React's bookkeeping beside the form's own fields. */
function hydratedForm(fields: Array<[string, string]>): FormData {
  const form = new FormData();
  form.append('$ACTION_REF_2', '');
  form.append('$ACTION_2:0', '{"id":"7f3a","bound":"$@1"}');
  form.append('$ACTION_2:1', '[{"error":null}]');
  form.append('$ACTION_KEY', 'k1234567890');
  for (const [name, value] of fields) form.append(name, value);
  return form;
}

describe('formFields: a server action’s FormData as the form’s own fields', () => {
  it('drops React’s $ACTION_* fields, so the backfill’s options parser (which refuses unknown options) accepts a form from a directly loaded page', () => {
    const { intent, ...options } = formFields(hydratedForm([['intent', 'dry-run'], ['tag', 'coat'], ['since', ''], ['limit', '10']]));
    expect(intent).toBe('dry-run');
    expect(options).toEqual({ tag: 'coat', limit: '10' });
    const parsed = selectionFromStrings(options);
    expect(parsed.ok && parsed.selection).toMatchObject({ tag: 'coat', limit: 10 });
  });

  it('counts an empty field as absent, so a schema’s default applies', () => {
    const parsed = inviteInput.safeParse(formFields(hydratedForm([['email', 'ann@loupe.test'], ['role', 'viewer'], ['expiresInDays', '']])));
    expect(parsed.success && parsed.data.expiresInDays).toBe(7);
  });

  it('joins the values of a repeated name (ticked checkboxes) with commas, as the API’s list fields take them', () => {
    const fields = formFields(hydratedForm([['url', 'https://hooks.loupe.test/'], ['events', 'asset.created'], ['events', 'asset.deleted']]));
    expect(fields.events).toBe('asset.created,asset.deleted');
    expect(endpointInput.parse(fields).events).toEqual(['asset.created', 'asset.deleted']);
  });

  it('keeps a field named like an Object property as a plain field', () => {
    const fields = formFields(hydratedForm([['__proto__', 'x'], ['constructor', 'y']]));
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.entries(fields)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });
});

describe('refillValues: what a form gets back with an error', () => {
  it('is what was submitted, never a password', () => {
    expect(refillValues({ email: 'ann@loupe.test', password: 'correct horse battery staple' })).toEqual({ email: 'ann@loupe.test' });
  });
});
