import { execFileSync } from 'node:child_process';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { videoTools, videoToolVersions } from '@/lib/ingest';
import { MediaToolsNotice } from './media-tools';

/** What the admin sees: the first line of each binary's own `-version`, escaped as React writes text. */
function firstLine(binary: string): string {
  return execFileSync(binary, ['-version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

function escaped(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

describe('the admin page names the video tools', () => {
  it("shows the first line of ffmpeg's and ffprobe's -version, as the installed binaries print them", async () => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg and ffprobe should come with the dependencies');
    const html = renderToStaticMarkup(createElement(MediaToolsNotice, { versions: await videoToolVersions() }));
    expect(firstLine(tools.ffmpeg)).toMatch(/^ffmpeg version /);
    expect(firstLine(tools.ffprobe)).toMatch(/^ffprobe version /);
    expect(html).toContain(`<li>${escaped(firstLine(tools.ffmpeg))}</li>`);
    expect(html).toContain(`<li>${escaped(firstLine(tools.ffprobe))}</li>`);
  });

  it('without the tools, says videos get no frames and which variables to set', () => {
    const html = renderToStaticMarkup(createElement(MediaToolsNotice, { versions: null }));
    expect(html).toContain('ffmpeg and ffprobe are not available (set FFMPEG_PATH and FFPROBE_PATH)');
  });
});
