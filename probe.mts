import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
console.log('int 2^53', z.number().int().safeParse(2**53).success, z.number().int().safeParse(99999999999).success);
console.log(JSON.stringify(z.toJSONSchema(z.coerce.number().int().min(1).max(5), {io:'input'})));
const client = postgres('postgres://postgres@127.0.0.1:1/x', { max: 1, onnotice: () => {}, connect_timeout: 2 });
const db = drizzle(client);
try { await db.execute(sql`select 1`); } catch (e: any) { console.log('refused:', e.name, e.code, e.constructor.name, e.cause?.name, e.cause?.code, e.message.slice(0,80)); }
try { await db.transaction(async (tx) => tx.execute(sql`select 1`)); } catch (e: any) { console.log('refused tx:', e.name, e.code, e.cause?.name, e.cause?.code); }
const c2 = postgres('postgres://postgres@127.0.0.1:5432/loupe_edge', { max: 1, onnotice: () => {} });
const db2 = drizzle(c2);
const [{ pid }] = await c2`select pg_backend_pid() as pid`;
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1 });
const p = db2.execute(sql`select pg_sleep(2)`);
await new Promise(r => setTimeout(r, 200));
await admin`select pg_terminate_backend(${pid})`;
try { await p; } catch (e: any) { console.log('terminated:', e.name, e.code, e.cause?.name, e.cause?.code, e.cause?.constructor.name); }
await c2.end(); await admin.end(); await client.end();
