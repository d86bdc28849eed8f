import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffImageType } from './sniff';

describe('sniffImageType', () => {
  it('names real images by their bytes, in the format names sharp uses', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).jpeg().toBuffer();
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).tiff().toBuffer();
    expect(await sniffImageType(jpeg)).toEqual({ kind: 'image', mimeType: 'image/jpeg', format: 'jpeg' });
    expect(await sniffImageType(tiff)).toEqual({ kind: 'image', mimeType: 'image/tiff', format: 'tiff' });
    // Only the first bytes of a TIFF whose directory sits at the end of the file.
    expect(await sniffImageType(Buffer.from([0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0x0f, 0x00]))).toMatchObject({ kind: 'image', format: 'tiff' });
  });

  it('spots SVG however it starts: XML declaration, byte-order mark, doctype or bare <svg>', async () => {
    for (const text of [
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
      '\uFEFF<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '  <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>',
      '<SVG></SVG>',
    ]) {
      expect(await sniffImageType(Buffer.from(text))).toEqual({ kind: 'svg' });
    }
  });

  it('calls text, HTML, XML that is not SVG, PDFs and nothing at all what they are', async () => {
    expect(await sniffImageType(Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(await sniffImageType(Buffer.from('just words'))).toEqual({ kind: 'not_an_image', detected: null });
    expect(await sniffImageType(Buffer.from('<html><body onload="x()"></body></html>'))).toMatchObject({ kind: 'not_an_image' });
    expect(await sniffImageType(Buffer.from('<?xml version="1.0"?><rss/>'))).toMatchObject({ kind: 'not_an_image' });
    expect(await sniffImageType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'))).toEqual({ kind: 'not_an_image', detected: 'application/pdf' });
  });
});
