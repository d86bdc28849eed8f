'use client';

import { useFormStatus } from 'react-dom';

/** The form's submit button, disabled while its action runs so a double click does not submit twice. */
export function SubmitButton({ children, variant = 'primary' }: { children: React.ReactNode; variant?: 'primary' | 'secondary' | 'danger' }) {
  const { pending } = useFormStatus();
  const styles = {
    primary: 'bg-neutral-900 text-white hover:bg-neutral-700',
    secondary: 'border border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-100',
    danger: 'border border-red-200 bg-white text-red-700 hover:bg-red-50',
  }[variant];
  return (
    <button type="submit" disabled={pending} className={`rounded-md px-3 py-2 text-sm font-medium shadow-sm disabled:opacity-60 ${styles}`}>
      {children}
    </button>
  );
}
