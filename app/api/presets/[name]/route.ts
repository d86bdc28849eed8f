import { getDb } from '@/db/client';
import { orThrow, route } from '@/lib/auth';
import { deletePreset } from '@/lib/renditions';
import { presetParams } from '../schema';

export const dynamic = 'force-dynamic';

/** Deletes an admin's preset and the files made with it; built-in presets answer 409 preset_reserved. */
export const DELETE = route({ role: 'admin', params: presetParams }, async ({ params }) => {
  const { name } = orThrow(await deletePreset(await getDb(), params.name));
  return Response.json({ deleted: name });
});
