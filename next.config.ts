import type { NextConfig } from 'next';

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  // Native and wasm packages load from node_modules at run time; bundling them breaks their binaries. exifr
  // loads fs and zlib by name when it reads a file: bundled, it cannot, and warns on every upload.
  serverExternalPackages: ['exifr', 'sharp', '@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@huggingface/transformers', 'onnxruntime-node', 's3rver', 'libheif-js', 'bmp-ts', 'utif2'],
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      // Served files are user content: even if a browser were talked into rendering one as a document, it runs nothing.
      { source: '/api/files/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; sandbox" }] },
    ];
  },
};

export default nextConfig;
