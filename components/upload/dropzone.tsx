'use client';

import { useRef, useState } from 'react';

/** Where photos come in: dropped from the desktop, or picked with the file chooser (many at once). */
export function Dropzone({ onFiles, accept }: { onFiles: (files: File[]) => void; accept: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  return (
    <div
      onDragEnter={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        onFiles(Array.from(event.dataTransfer.files));
      }}
      className={`flex flex-col items-center justify-center gap-3 rounded-xl border-2 border-dashed px-6 py-12 text-center transition-colors ${
        dragging ? 'border-neutral-900 bg-neutral-100' : 'border-neutral-300 bg-white'
      }`}
    >
      <svg aria-hidden viewBox="0 0 24 24" className="h-10 w-10 text-neutral-400" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path strokeLinecap="round" strokeLinejoin="round" d="M3 16.5v2.25A2.25 2.25 0 0 0 5.25 21h13.5A2.25 2.25 0 0 0 21 18.75V16.5m-13.5-9L12 3m0 0 4.5 4.5M12 3v13.5" />
      </svg>
      <p className="text-base font-medium">Drop photos here</p>
      <p className="text-sm text-neutral-600">JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC or BMP photos and MP4, MOV or WebM videos, as many as you like.</p>
      {/* The input sits inside its label, so the label can show the keyboard focus the visually hidden input has. */}
      <label className="relative cursor-pointer rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 has-focus-visible:outline-3 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-600">
        Choose photos
        <input
          ref={input}
          type="file"
          multiple
          accept={accept}
          className="sr-only"
          onChange={(event) => {
            onFiles(Array.from(event.target.files ?? []));
            // Clear it so choosing the same files again (a second upload) fires change again.
            if (input.current) input.current.value = '';
          }}
        />
      </label>
    </div>
  );
}
