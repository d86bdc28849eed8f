import { defineConfig } from 'drizzle-kit';

// Only generates SQL from db/schema.ts; migrations are applied by db/migrate.ts (on start and `npm run db:migrate`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './drizzle',
});
