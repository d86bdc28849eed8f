/** The bare frame of the setup, sign-in and invite pages (no app shell: nobody is signed in yet). */
export function AuthCard({ title, intro, children }: { title: string; intro?: React.ReactNode; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-neutral-200 bg-white p-6 shadow-sm">
        <p className="mb-4 flex items-center gap-2 text-base font-semibold tracking-tight">
          <span aria-hidden className="inline-block h-5 w-5 rounded-full border-[3px] border-neutral-900" />
          Loupe
        </p>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {intro && <div className="mt-1 text-sm text-neutral-600">{intro}</div>}
        <div className="mt-5">{children}</div>
      </div>
    </main>
  );
}
