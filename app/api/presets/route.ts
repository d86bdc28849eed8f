import { getDb } from '@/db/client';
import { orThrow, route } from '@/lib/auth';
import { definePreset, listPresets } from '@/lib/renditions';
import { presetBody } from './schema';

export const dynamic = 'force-dynamic';

/** Every preset, built-in first; any role may list them (they name the renditions anyone may fetch). */
export const GET = route({ role: 'viewer' }, async () => Response.json({ presets: await listPresets(await getDb()) }));

/** Creates an admin's preset (201), or replaces the one of that name (200): its renditions are made again on request. */
export const POST = route({ role: 'admin', body: presetBody }, async ({ caller, body }) => {
  const { preset, created } = orThrow(await definePreset(await getDb(), body, caller.userId));
  return Response.json({ preset }, { status: created ? 201 : 200 });
});
