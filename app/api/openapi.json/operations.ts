import * as coverageMissing from '@/app/api/alt/coverage/missing/route';
import * as coverage from '@/app/api/alt/coverage/route';
import * as review from '@/app/api/alt/review/route';
import * as retry from '@/app/api/assets/[id]/retry/route';
import * as altRegenerate from '@/app/api/assets/[id]/alt/regenerate/route';
import * as alt from '@/app/api/assets/[id]/alt/route';
import * as altLocale from '@/app/api/assets/[id]/alt/[locale]/route';
import * as asset from '@/app/api/assets/[id]/route';
import * as bulk from '@/app/api/assets/bulk/route';
import * as rendition from '@/app/api/assets/[id]/renditions/[preset]/route';
import * as similar from '@/app/api/assets/[id]/similar/route';
import * as assets from '@/app/api/assets/route';
import * as me from '@/app/api/auth/me/route';
import * as setup from '@/app/api/auth/setup/route';
import * as signin from '@/app/api/auth/signin/route';
import * as signout from '@/app/api/auth/signout/route';
import * as connectionConflict from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import * as connectionRuns from '@/app/api/connections/[id]/runs/route';
import * as connectionRunUndo from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import * as connectionSync from '@/app/api/connections/[id]/sync/route';
import * as connectionWriteback from '@/app/api/connections/[id]/writeback/route';
import * as connection from '@/app/api/connections/[id]/route';
import * as connectionsRoute from '@/app/api/connections/route';
import * as cronBackfill from '@/app/api/cron/backfill/route';
import * as download from '@/app/api/downloads/[id]/route';
import * as downloadsRoute from '@/app/api/downloads/route';
import * as exportsRoute from '@/app/api/exports/route';
import * as files from '@/app/api/files/[...key]/route';
import * as health from '@/app/api/health/route';
import * as importFiles from '@/app/api/imports/files/route';
import * as imports from '@/app/api/imports/route';
import * as invite from '@/app/api/invites/[id]/route';
import * as invites from '@/app/api/invites/route';
import * as preset from '@/app/api/presets/[name]/route';
import * as presetsRoute from '@/app/api/presets/route';
import * as search from '@/app/api/search/route';
import * as sharedZip from '@/app/api/shared/[token]/download/route';
import * as shared from '@/app/api/shared/[token]/route';
import * as share from '@/app/api/shares/[id]/route';
import * as sharesRoute from '@/app/api/shares/route';
import * as token from '@/app/api/tokens/[id]/route';
import * as tokens from '@/app/api/tokens/route';
import * as trashRestore from '@/app/api/trash/restore/route';
import * as trash from '@/app/api/trash/route';
import * as uploadComplete from '@/app/api/uploads/[id]/complete/route';
import * as uploadParts from '@/app/api/uploads/[id]/parts/route';
import * as uploads from '@/app/api/uploads/route';
import * as user from '@/app/api/users/[id]/route';
import * as users from '@/app/api/users/route';
import * as webhookRedeliver from '@/app/api/webhooks/[id]/deliveries/[deliveryId]/redeliver/route';
import * as webhookDeliveries from '@/app/api/webhooks/[id]/deliveries/route';
import * as webhook from '@/app/api/webhooks/[id]/route';
import * as webhookTest from '@/app/api/webhooks/[id]/test/route';
import * as webhooks from '@/app/api/webhooks/route';
import type { ApiOperation } from '@/lib/openapi';
import { GET as openapi } from './route';

/**
 * Every operation of the API with a one-line summary; parameters, bodies and roles come from the handlers.
 * A test (lib/openapi) fails when a route file or method is missing here.
 */
export function apiOperations(): ApiOperation[] {
  return [
    { path: '/api/alt/coverage', method: 'get', summary: 'Alt-text coverage: approved, proposed, missing, retrying, failed, decorative; overall, per tag and per collection.', handler: coverage.GET },
    { path: '/api/alt/coverage/missing', method: 'get', summary: 'CSV of the photos without approved or decorative alt text.', handler: coverageMissing.GET },
    { path: '/api/alt/review', method: 'get', summary: 'The review queue a page at a time, oldest first, with filters and counts; `locale` gives that locale\'s queue, each text beside the approved source text.', handler: review.GET },
    { path: '/api/alt/review', method: 'post', summary: 'Decide many assets at once (approve, reject, decorative, regenerate, edit, undo), answered per item; `locale` decides on that locale\'s records.', handler: review.POST },
    { path: '/api/assets', method: 'get', summary: 'List the library, newest first (keyset cursor); with total=1 also {total, totalEstimated}: the total is estimated from a sample (totalEstimated: true) past 20,000 matching photos.', handler: assets.GET },
    { path: '/api/assets/bulk', method: 'post', summary: 'One action on many assets (ids, or everything matching the library filter): add or remove tags, set collection, regenerate AI text, mark decorative, delete; answered per asset.', handler: bulk.POST },
    { path: '/api/assets/{id}', method: 'get', summary: 'One asset: state, alt text with provenance (`alt`: the source locale; `altTexts`: every configured locale\'s record), catalogue data, signed URLs.', handler: asset.GET },
    { path: '/api/assets/{id}', method: 'patch', summary: 'Edit alt text, decorative, tags, title, SKU or collection, from the version you loaded (409 when stale).', handler: asset.PATCH },
    { path: '/api/assets/{id}/alt/{locale}', method: 'patch', summary: 'Set, clear or mark decorative one locale\'s alt text, from the record version you loaded (409 when stale, 422 unknown_locale).', handler: altLocale.PATCH },
    { path: '/api/assets/{id}', method: 'delete', summary: 'Move an asset to the trash (restorable for TRASH_DAYS, then purged with its files).', handler: asset.DELETE },
    { path: '/api/assets/{id}/alt', method: 'get', summary: "The asset's alt text, its history, and the vision provider that would write it.", handler: alt.GET },
    { path: '/api/assets/{id}/alt/regenerate', method: 'post', summary: 'Ask the vision model for new alt text (never over a person’s text): 202 with the queued describe job; the model is called by the job, and GET …/alt says `describing` until it has run.', handler: altRegenerate.POST },
    { path: '/api/assets/{id}/retry', method: 'post', summary: 'Queue the failed steps again (thumbnails, alt text, search index); 409 nothing_failed when none failed.', handler: retry.POST },
    {
      path: '/api/assets/{id}/renditions/{preset}',
      method: 'get',
      summary: 'The photo as a preset makes it (a video: its poster), made on the first request and kept: a redirect to a signed, immutable URL of the file, with its ETag.',
      handler: rendition.GET,
      responses: {
        '302': { description: 'Location: a signed URL of the file (valid DOWNLOAD_URL_TTL_SECONDS, cacheable as immutable); ETag: the file’s.' },
        '304': { description: 'If-None-Match matched: the file is unchanged.' },
      },
    },
    { path: '/api/assets/{id}/similar', method: 'get', summary: 'Photos that look or read alike.', handler: similar.GET },
    { path: '/api/auth/me', method: 'get', summary: 'Who is calling, with which role.', handler: me.GET },
    { path: '/api/auth/setup', method: 'post', summary: 'Create the first owner (only before one exists).', handler: setup.POST },
    { path: '/api/auth/signin', method: 'post', summary: 'Sign in with email and password (sets the session cookie).', handler: signin.POST },
    { path: '/api/auth/signout', method: 'post', summary: 'Sign out (ends the session).', handler: signout.POST },
    { path: '/api/connections', method: 'get', summary: 'Connected stores, with their photos by writeback status (credentials are never returned).', handler: connectionsRoute.GET },
    { path: '/api/connections', method: 'post', summary: 'Connect a store (one body per kind: WordPress url, username, applicationPassword; Shopify shop with accessToken, or clientId and clientSecret): the credentials are checked with the store, then kept encrypted.', handler: connectionsRoute.POST },
    { path: '/api/connections/{id}', method: 'get', summary: 'One connected store.', handler: connection.GET },
    { path: '/api/connections/{id}', method: 'patch', summary: 'Rename, change the writeback mode, pause or resume, or replace the credentials in the kind’s own fields (WordPress username, applicationPassword; Shopify accessToken, or clientId and clientSecret; checked first).', handler: connection.PATCH },
    { path: '/api/connections/{id}', method: 'delete', summary: 'Forget a store (its links and log); the store itself is not touched.', handler: connection.DELETE },
    { path: '/api/connections/{id}/conflicts/{remoteId}', method: 'post', summary: 'Decide a conflict (text changed in the shop and in Loupe): keep Loupe’s (written to the store) or take the store’s.', handler: connectionConflict.POST },
    { path: '/api/connections/{id}/sync', method: 'post', summary: 'Queue a sync of the store’s photos; answers the run.', handler: connectionSync.POST },
    { path: '/api/connections/{id}/runs', method: 'get', summary: 'The connection’s log: syncs and writebacks with counts and errors, newest first.', handler: connectionRuns.GET },
    { path: '/api/connections/{id}/runs/{runId}/undo', method: 'post', summary: 'Put back in the store the texts a writeback run replaced (all, or the listed store images).', handler: connectionRunUndo.POST },
    { path: '/api/connections/{id}/writeback', method: 'post', summary: 'Write the approved texts of the matching photos (the library filter) that the store does not hold yet.', handler: connectionWriteback.POST },
    { path: '/api/cron/backfill', method: 'get', summary: 'Run the alt-text backfill within a time budget (Bearer CRON_SECRET or an admin); how Vercel Cron calls it.', handler: cronBackfill.GET },
    { path: '/api/cron/backfill', method: 'post', summary: 'Run the alt-text backfill within a time budget (Bearer CRON_SECRET or an admin).', handler: cronBackfill.POST },
    {
      path: '/api/downloads',
      method: 'post',
      summary:
        'A ZIP of the photos picked (ids) or matching the library filter, originals or a preset’s renditions, named by product and position (else filename), with alt-text.csv inside: streamed in the answer up to DOWNLOADS_STREAM_MAX_PHOTOS, else 202 and a download built by a job (GET /api/downloads/{id}). More than 10,000 photos: 422 too_many_photos.',
      handler: downloadsRoute.POST,
    },
    { path: '/api/downloads', method: 'get', summary: 'Your ZIP downloads built in the background, newest first, each with its status and, once ready, a signed link.', handler: downloadsRoute.GET },
    { path: '/api/downloads/{id}', method: 'get', summary: 'One background download: its status, its job’s (attempts, last error) and, once ready, a signed link to the ZIP.', handler: download.GET },
    { path: '/api/exports', method: 'get', summary: 'Alt text and catalogue data of the photos the library filter matches (same names as the library URL; status defaults to approved): CSV, JSON Lines, Shopify’s product CSV, or (format=shopify-translations with `locale`) Shopify’s translations CSV of that locale: one MEDIA_IMAGE alt row per photo Shopify can name, the source text beside the locale’s; streamed; an alt_text:<locale> column per other locale, or one locale alone with `locale`.', handler: exportsRoute.GET },
    { path: '/api/files/{key}', method: 'get', summary: 'A stored file, through a signed, expiring URL.', handler: files.GET },
    { path: '/api/files/{key}', method: 'put', summary: 'Upload bytes (or one part of a parted upload) to a signed upload URL (local storage).', handler: files.PUT, rawBody: { contentType: 'application/octet-stream', description: 'The file’s bytes.' } },
    { path: '/api/health', method: 'get', summary: 'Liveness and database reachability.', handler: health.GET },
    {
      path: '/api/imports',
      method: 'post',
      summary: 'Import catalogue data from a CSV file: preview, then apply with the preview’s digest.',
      handler: imports.POST,
      rawBody: { contentType: 'text/csv', description: 'The CSV file (UTF-8): filename,sku,title,collection,tags[,alt_text], Shopify’s product CSV, Shopify’s translations CSV (recognised by its header: each photo alt row’s Translated content becomes its locale’s text), or any columns mapped with column_<field>.' },
    },
    {
      path: '/api/imports/files',
      method: 'post',
      summary: 'Keep a CSV file on the server for the import page’s preview and apply (for the person signed in, for an hour): answers its SHA-256.',
      handler: importFiles.POST,
      rawBody: { contentType: 'multipart/form-data', description: 'A form with the CSV file in the field "file".' },
    },
    { path: '/api/invites', method: 'get', summary: 'Open invitations.', handler: invites.GET },
    { path: '/api/invites', method: 'post', summary: 'Invite a person with a role (answers a one-time link).', handler: invites.POST },
    { path: '/api/invites/{id}', method: 'delete', summary: 'Revoke an invitation.', handler: invite.DELETE },
    { path: '/api/openapi.json', method: 'get', summary: 'This document.', handler: openapi },
    { path: '/api/presets', method: 'get', summary: 'Every rendition preset: the built-in ones (channels), then the admins’ own.', handler: presetsRoute.GET },
    { path: '/api/presets', method: 'post', summary: 'Create a preset (201) or replace the one of that name (200): size, fit, background, format, quality, metadata, trim.', handler: presetsRoute.POST },
    { path: '/api/presets/{name}', method: 'delete', summary: 'Delete an admin’s preset and the files made with it (built-in presets: 409 preset_reserved).', handler: preset.DELETE },
    { path: '/api/search', method: 'get', summary: 'Hybrid search (meaning and words) with filters; `locale` matches words against that locale\'s alt text, in its language.', handler: search.GET },
    { path: '/api/shared/{token}', method: 'get', summary: 'Public (the token is the credential): a share link’s photos, a page at a time, with alt text, signed image URLs and, when allowed, download URLs. Wrong token 404 (rate-limited per address: 429), revoked or expired 410.', handler: shared.GET },
    { path: '/api/shared/{token}/download', method: 'get', summary: 'Public: a ZIP of a share link’s originals with alt-text.csv, when the link allows downloads (else 403); 404, 429 and 410 as for the link.', handler: sharedZip.GET },
    { path: '/api/shares', method: 'get', summary: 'Share links, newest first: every link for admins, your own for editors.', handler: sharesRoute.GET },
    { path: '/api/shares', method: 'post', summary: 'Make a share link to photos picked (ids), matching a filter (frozen when made) or in a collection (live), with an expiry (at most a year) and whether it allows downloads: {id, url}. The token is shown once.', handler: sharesRoute.POST },
    { path: '/api/shares/{id}', method: 'delete', summary: 'Revoke a share link at once (its page and ZIP answer 410); the maker or an admin.', handler: share.DELETE },
    { path: '/api/tokens', method: 'get', summary: 'API tokens.', handler: tokens.GET },
    { path: '/api/tokens', method: 'post', summary: 'Create an API token (shown once).', handler: tokens.POST },
    { path: '/api/tokens/{id}', method: 'delete', summary: 'Revoke an API token.', handler: token.DELETE },
    { path: '/api/trash', method: 'get', summary: 'The trash: deleted assets, who deleted them, when they will be purged.', handler: trash.GET },
    { path: '/api/trash', method: 'delete', summary: 'Empty the trash now: purge every trashed asset and its files (admins).', handler: trash.DELETE },
    { path: '/api/trash/restore', method: 'post', summary: 'Restore assets from the trash to the library, answered per asset.', handler: trashRestore.POST },
    { path: '/api/uploads', method: 'post', summary: 'Start an upload: where to PUT the bytes, or the existing duplicate.', handler: uploads.POST },
    { path: '/api/uploads/{id}/complete', method: 'post', summary: 'The bytes (or every part) are stored: assemble parts, verify size and SHA-256, start processing.', handler: uploadComplete.POST },
    { path: '/api/uploads/{id}/parts', method: 'get', summary: 'A parted upload’s plan and the parts already received (to resume without sending them again).', handler: uploadParts.GET },
    { path: '/api/uploads/{id}/parts', method: 'post', summary: 'Signed URLs to PUT the given parts of a parted upload to, each for its exact size.', handler: uploadParts.POST },
    { path: '/api/users', method: 'get', summary: 'People with access.', handler: users.GET },
    { path: '/api/users/{id}', method: 'patch', summary: 'Change a person’s role or deactivate them.', handler: user.PATCH },
    { path: '/api/webhooks', method: 'get', summary: 'Webhook endpoints, with their deliveries by state.', handler: webhooks.GET },
    { path: '/api/webhooks', method: 'post', summary: 'Add a webhook endpoint (its signing secret is shown once).', handler: webhooks.POST },
    { path: '/api/webhooks/{id}', method: 'patch', summary: 'Enable or disable a webhook endpoint.', handler: webhook.PATCH },
    { path: '/api/webhooks/{id}', method: 'delete', summary: 'Delete a webhook endpoint and its delivery log.', handler: webhook.DELETE },
    { path: '/api/webhooks/{id}/test', method: 'post', summary: 'Send a webhook.test event to this endpoint.', handler: webhookTest.POST },
    { path: '/api/webhooks/{id}/deliveries', method: 'get', summary: 'An endpoint’s delivery log, newest first: status, HTTP code, attempts, next retry, last error, duration.', handler: webhookDeliveries.GET },
    { path: '/api/webhooks/{id}/deliveries/{deliveryId}/redeliver', method: 'post', summary: 'Send a delivery again from its first attempt.', handler: webhookRedeliver.POST },
  ];
}
