import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { listPresets, MAX_PRESET_SIDE, PRESET_FITS, PRESET_FORMATS, PRESET_METADATA, type Preset } from '@/lib/renditions';
import { AdminTabs } from '../admin-tabs';
import { DeletePresetButton, PresetForm } from './preset-forms';

export const metadata: Metadata = { title: 'Presets' };
export const dynamic = 'force-dynamic';

const FIT_LABELS: Record<(typeof PRESET_FITS)[number], string> = {
  contain: 'Contain: the whole photo, padded with the background',
  cover: 'Cover: fill the frame, cropping the edges',
  inside: 'Inside: the whole photo, at most this size, no padding',
};
const FORMAT_LABELS: Record<(typeof PRESET_FORMATS)[number], string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', avif: 'AVIF' };
const METADATA_LABELS: Record<(typeof PRESET_METADATA)[number], string> = {
  strip: 'Strip all (colours converted to sRGB)',
  icc: 'Keep the colour profile',
};

function describe(preset: Preset): string {
  const parts = [`${preset.width} × ${preset.height}`, preset.fit, FORMAT_LABELS[preset.format]];
  if (preset.format !== 'png') parts.push(`quality ${preset.quality}`);
  parts.push(preset.background === 'transparent' ? 'transparent' : `on ${preset.background}`);
  if (preset.trim) parts.push('trimmed, product at 85%');
  if (preset.metadata === 'icc') parts.push('colour profile kept');
  return parts.join(' · ');
}

export default async function AdminPresetsPage() {
  await requirePage('admin');
  const presets = await listPresets(await getDb());
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/presets" />
      <p className="text-sm text-neutral-700">
        A preset makes a photo ready for a channel: <code className="break-all">GET /api/assets/&lt;id&gt;/renditions/&lt;preset&gt;</code> answers the file, made on the first
        request and kept. Videos get their poster frame. Changing a preset makes its files again on their next request.
      </p>
      <PresetForm
        fits={PRESET_FITS.map((value) => ({ value, label: FIT_LABELS[value] }))}
        formats={PRESET_FORMATS.map((value) => ({ value, label: FORMAT_LABELS[value] }))}
        metadata={PRESET_METADATA.map((value) => ({ value, label: METADATA_LABELS[value] }))}
        maxSide={MAX_PRESET_SIDE}
      />
      <section aria-labelledby="presets-heading" className="flex flex-col gap-3">
        <h2 id="presets-heading" className="text-base font-semibold">
          Presets
        </h2>
        <ul className="flex flex-col gap-2">
          {presets.map((preset) => (
            <li key={preset.name} className="flex flex-wrap items-start justify-between gap-2 rounded-lg border border-neutral-200 bg-white p-3">
              <div className="min-w-0">
                <p className="text-sm font-medium">
                  {preset.label} <code className="ml-1 break-all text-xs text-neutral-500">{preset.name}</code>
                  {preset.builtIn && <span className="ml-2 rounded bg-neutral-100 px-1.5 py-0.5 text-xs text-neutral-600">built-in</span>}
                </p>
                <p className="text-xs text-neutral-600">{describe(preset)}</p>
              </div>
              {!preset.builtIn && <DeletePresetButton name={preset.name} />}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
