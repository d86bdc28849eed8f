import type { ModelCheck } from '@/lib/alt';

const TITLES: Record<Exclude<ModelCheck['status'], 'ok' | 'no_provider'>, string> = {
  missing: 'The vision model is not available',
  no_images: 'The vision model cannot see photos',
  invalid_key: 'The vision provider refused its API key',
  unreachable: 'The vision model could not be checked',
};

/** The start-up model check as admins see it: a quiet line when all is well, an alert saying what to set when not. */
export function ModelCheckNotice({ check }: { check: ModelCheck }) {
  if (check.status === 'no_provider') {
    return <p className="text-sm text-neutral-600">No vision provider is configured: alt text is written by hand only (set GROQ_API_KEY or VISION_BASE_URL).</p>;
  }
  if (check.status === 'ok') {
    return (
      <p role="status" className="text-sm text-neutral-600">
        Vision model: {check.message}
      </p>
    );
  }
  const urgent = check.status !== 'unreachable';
  return (
    <section
      role={urgent ? 'alert' : 'status'}
      aria-labelledby="model-check-heading"
      className={`rounded-lg border p-4 text-sm ${urgent ? 'border-red-300 bg-red-50 text-red-900' : 'border-amber-300 bg-amber-50 text-amber-900'}`}
    >
      <h2 id="model-check-heading" className="mb-1 font-semibold">
        {TITLES[check.status]}
      </h2>
      <p className="break-words">{check.message}</p>
      {urgent && <p className="mt-2">Until this is fixed, new photos get no AI alt text; they are described once the setting is changed and Loupe restarted.</p>}
    </section>
  );
}
