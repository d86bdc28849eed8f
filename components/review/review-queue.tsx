'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { ItemResult, ReviewAction, ReviewItem } from '@/lib/review';
import { fetchQueuePage, sendDecision, type DecisionRequest } from './review-api';
import { ReviewHelp } from './review-help';
import { ReviewItemView } from './review-item';
import { plural } from '@/lib/words';
import type { AssetFilter } from '@/lib/filters';

/**
 * The keyboard-first review queue. Every action shows at once (optimistic) and rolls back, visibly, when the
 * server refuses; the next page is fetched and the next image loaded before the reviewer gets there. Counts
 * ("N items match", "Select all N matching", the filters') are the server's: after each decision the page is
 * refreshed from the server rather than the queue guessing what a decision did to them.
 */

type BulkAction = 'approve' | 'reject' | 'decorative' | 'regenerate';

const DONE_LABEL: Record<Exclude<ReviewAction, 'undo'>, string> = {
  approve: 'Approved',
  reject: 'Rejected: new proposal queued',
  decorative: 'Marked decorative',
  regenerate: 'New proposal queued',
  edit: 'Edited and approved',
};

/** What the reviewer sees of an item after deciding it: the decision, and the item as it was (for rollback and undo). */
interface Decided {
  label: string;
}

interface UndoEntry {
  label: string;
  /** The items as they were before, and the versions the decision left them at. */
  before: ReviewItem[];
  versions: Map<string, number>;
  decided: Map<string, Decided | undefined>;
}

/** Pages are fetched when fewer than this many items are left ahead. */
const PREFETCH_AHEAD = 5;

export function ReviewQueue(props: { initialItems: ReviewItem[]; initialCursor: string | null; total: number; filter: AssetFilter; asOf: string; maxLength: number; locale?: string }) {
  /** Decisions in a locale's queue are on that locale's records. */
  const inLocale = props.locale ? { locale: props.locale } : {};
  const [items, setItems] = useState(props.initialItems);
  const [cursor, setCursor] = useState(props.initialCursor);
  const [index, setIndex] = useState(0);
  const [decided, setDecided] = useState<Map<string, Decided>>(new Map());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [allMatching, setAllMatching] = useState(false);
  const [editing, setEditing] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  /** Decisions sent and not yet answered: the queue is aria-busy meanwhile. */
  const [inFlight, setInFlight] = useState(0);
  const undoStack = useRef<UndoEntry[]>([]);
  const loadingMore = useRef(false);
  const router = useRouter();

  const current = items[index] as ReviewItem | undefined;

  // Fetch the next page before the reviewer reaches the end of this one.
  useEffect(() => {
    if (!cursor || loadingMore.current || items.length - index > PREFETCH_AHEAD) return;
    loadingMore.current = true;
    void fetchQueuePage(props.filter, cursor, props.locale).then((answer) => {
      loadingMore.current = false;
      if (!answer.ok) return setProblem(`Could not load more of the queue: ${answer.problem.message}`);
      setItems((known) => [...known, ...answer.value.items.filter((item) => !known.some((k) => k.id === item.id))]);
      setCursor(answer.value.nextCursor);
    });
  }, [cursor, index, items.length, props.filter, props.locale]);

  // The next image, loaded before it is needed.
  useEffect(() => {
    const next = items[index + 1]?.image?.url;
    if (next) new Image().src = next;
  }, [index, items]);

  const move = (step: number) => setIndex((at) => Math.min(Math.max(at + step, 0), Math.max(items.length - 1, 0)));

  /** Sends a decision; shows it at once, and puts every refused item back as it was, saying why. */
  async function apply(action: Exclude<ReviewAction, 'undo'>, targets: ReviewItem[], options: { text?: string; viaFilter?: boolean } = {}) {
    if (!targets.length && !options.viaFilter) return;
    setProblem('');
    const label = DONE_LABEL[action];
    const before = targets.map((item) => ({ ...item }));
    const previousDecided = new Map(targets.map((item) => [item.id, decided.get(item.id)]));
    setDecided((map) => new Map([...map, ...targets.map((item) => [item.id, { label }] as const)]));
    if (action === 'edit' && options.text !== undefined) setItems((list) => list.map((item) => (item.id === targets[0].id ? { ...item, text: options.text ?? item.text } : item)));
    setStatus(`${label}: ${options.viaFilter ? `all ${props.total} matching` : targets.length === 1 ? targets[0].title ?? targets[0].filename : plural(targets.length, 'item')}`);
    const request: DecisionRequest = options.viaFilter
      ? { action, filter: props.filter, asOf: props.asOf, ...inLocale }
      : { action, items: targets.map((item) => ({ id: item.id, version: item.version, ...(options.text !== undefined ? { text: options.text } : {}) })), ...inLocale };
    setInFlight((count) => count + 1);
    const answer = await sendDecision(request).finally(() => setInFlight((count) => count - 1));
    router.refresh();
    if (!answer.ok) {
      rollBack(before, previousDecided);
      setProblem(`Not done (${answer.problem.status}): ${answer.problem.message}`);
      return;
    }
    const versions = new Map<string, number>();
    const refused: ItemResult[] = [];
    for (const result of answer.value.results) {
      if (result.outcome === 'done' && result.version !== undefined) versions.set(result.id, result.version);
      else refused.push(result);
    }
    setItems((list) => list.map((item) => (versions.has(item.id) ? { ...item, version: versions.get(item.id) ?? item.version } : item)));
    if (options.viaFilter) {
      setDecided((map) => new Map([...map, ...[...versions.keys()].map((id) => [id, { label }] as const)]));
    }
    if (versions.size) undoStack.current.push({ label, before: before.filter((item) => versions.has(item.id)), versions, decided: previousDecided });
    if (refused.length) {
      const refusedIds = new Set(refused.map((result) => result.id));
      rollBack(
        before.filter((item) => refusedIds.has(item.id)).map((item) => {
          const result = refused.find((r) => r.id === item.id);
          // A conflict carries what the asset says now: show that, so the next decision is on what is there.
          return result?.outcome === 'conflict' ? { ...item, version: result.version ?? item.version, text: result.text ?? null } : item;
        }),
        previousDecided,
      );
      setProblem(`${refused.length} not done: ${refused.slice(0, 3).map((result) => `${nameOf(result.id)}: ${result.message ?? result.outcome}`).join('; ')}${refused.length > 3 ? '…' : ''}`);
    }
    if (answer.value.message) setStatus(answer.value.message);
  }

  function rollBack(before: ReviewItem[], previous: Map<string, Decided | undefined>) {
    const byId = new Map(before.map((item) => [item.id, item]));
    setItems((list) => list.map((item) => byId.get(item.id) ?? item));
    setDecided((map) => {
      const next = new Map(map);
      for (const id of byId.keys()) {
        const was = previous.get(id);
        if (was) next.set(id, was);
        else next.delete(id);
      }
      return next;
    });
  }

  function nameOf(id: string): string {
    const item = items.find((entry) => entry.id === id);
    return item ? (item.title ?? item.filename) : id;
  }

  async function undo() {
    const entry = undoStack.current.pop();
    if (!entry) return setStatus('Nothing to undo.');
    setProblem('');
    setInFlight((count) => count + 1);
    const answer = await sendDecision({ action: 'undo', items: [...entry.versions].map(([id, version]) => ({ id, version })), ...inLocale }).finally(() => setInFlight((count) => count - 1));
    router.refresh();
    if (!answer.ok) {
      undoStack.current.push(entry);
      return setProblem(`Could not undo (${answer.problem.status}): ${answer.problem.message}`);
    }
    const restored = new Map(answer.value.results.filter((result) => result.outcome === 'done').map((result) => [result.id, result.version ?? 0]));
    const byId = new Map(entry.before.map((item) => [item.id, item]));
    setItems((list) => list.map((item) => (restored.has(item.id) ? { ...(byId.get(item.id) ?? item), version: restored.get(item.id) ?? item.version } : item)));
    setDecided((map) => {
      const next = new Map(map);
      for (const id of restored.keys()) {
        const was = entry.decided.get(id);
        if (was) next.set(id, was);
        else next.delete(id);
      }
      return next;
    });
    const first = entry.before.findIndex((item) => restored.has(item.id));
    if (first >= 0) setIndex(Math.max(0, items.findIndex((item) => item.id === entry.before[first].id)));
    const missed = entry.versions.size - restored.size;
    setStatus(`Undone: ${entry.label.toLowerCase()} (${plural(restored.size, 'item')})`);
    if (missed) setProblem(`${missed} could not be undone: they changed since.`);
  }

  /** The items an action applies to: the selection when there is one, else the item on screen. */
  const targets = (): ReviewItem[] => (selected.size ? items.filter((item) => selected.has(item.id)) : current ? [current] : []);

  function act(action: BulkAction) {
    if (allMatching) {
      void apply(action, items, { viaFilter: true });
      setAllMatching(false);
      setSelected(new Set());
      return;
    }
    const chosen = targets();
    const single = selected.size === 0;
    void apply(action, chosen);
    if (single) nextUndecided();
    else setSelected(new Set());
  }

  function nextUndecided() {
    setIndex((at) => {
      for (let next = at + 1; next < items.length; next++) if (!decided.has(items[next].id)) return next;
      return Math.min(at + 1, Math.max(items.length - 1, 0));
    });
  }

  function toggleSelect(at: number, range: boolean) {
    const item = items[at];
    if (!item) return;
    setAllMatching(false);
    setSelected((set) => {
      const next = new Set(set);
      if (range && anchor !== null) {
        const [from, to] = anchor < at ? [anchor, at] : [at, anchor];
        for (let i = from; i <= to; i++) next.add(items[i].id);
      } else if (next.has(item.id)) next.delete(item.id);
      else next.add(item.id);
      return next;
    });
    if (!range) setAnchor(at);
  }

  // Bound again on every render, so the handler always sees the current item, selection and queue.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (editing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const key = event.key.toLowerCase();
      const handled = () => event.preventDefault();
      if (key === '?') {
        handled();
        setHelpOpen((open) => !open);
        return;
      }
      if (helpOpen) return;
      switch (key) {
        case 'j':
        case 's':
          handled();
          if (key === 's' && current) setStatus(`Skipped: ${current.title ?? current.filename}`);
          move(1);
          return;
        case 'k':
          handled();
          move(-1);
          return;
        case 'a':
          handled();
          act('approve');
          return;
        case 'r':
          handled();
          act('reject');
          return;
        case 'd':
          handled();
          act('decorative');
          return;
        case 'g':
          handled();
          act('regenerate');
          return;
        case 'e':
          if (current) {
            handled();
            setEditing(true);
          }
          return;
        case 'z':
          handled();
          void undo();
          return;
        case 'x':
          handled();
          toggleSelect(index, event.shiftKey);
          return;
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const selectionSize = allMatching ? props.total : selected.size;
  const remaining = items.filter((item) => !decided.has(item.id)).length;

  return (
    <div className="flex flex-col gap-4" aria-busy={inFlight > 0} data-testid="review-queue">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-neutral-700">
        {status}
      </p>
      {problem && (
        <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
          {problem}
        </p>
      )}
      {/* Under 1024 px the actions are a bar pinned to the bottom of the screen, so they stay in reach beside the text. */}
      <div
        className="flex flex-wrap items-center gap-2 max-lg:sticky max-lg:bottom-0 max-lg:z-10 max-lg:order-last max-lg:-mx-4 max-lg:border-t max-lg:border-neutral-200 max-lg:bg-white/95 max-lg:px-4 max-lg:py-2 max-lg:backdrop-blur"
        aria-label="Actions"
        role="toolbar"
        data-testid="review-actions"
      >
        <ActionButton shortcut="A" onClick={() => act('approve')} disabled={!current}>Approve</ActionButton>
        <ActionButton shortcut="E" onClick={() => setEditing(true)} disabled={!current || selected.size > 0}>Edit</ActionButton>
        <ActionButton shortcut="R" onClick={() => act('reject')} disabled={!current}>Reject</ActionButton>
        <ActionButton shortcut="G" onClick={() => act('regenerate')} disabled={!current}>Regenerate</ActionButton>
        <ActionButton shortcut="D" onClick={() => act('decorative')} disabled={!current}>Decorative</ActionButton>
        <ActionButton shortcut="S" onClick={() => move(1)} disabled={!current}>Skip</ActionButton>
        <ActionButton shortcut="K" onClick={() => move(-1)} disabled={index === 0}>Previous</ActionButton>
        <ActionButton shortcut="J" onClick={() => move(1)} disabled={index >= items.length - 1}>Next</ActionButton>
        <ActionButton shortcut="Z" onClick={() => void undo()}>Undo</ActionButton>
        <ActionButton shortcut="?" onClick={() => setHelpOpen(true)}>Keys</ActionButton>
      </div>
      {selectionSize > 0 && (
        <div className="flex flex-wrap items-center gap-2 rounded-md bg-neutral-900 px-3 py-2 text-sm text-white">
          <span>
            {selectionSize} selected{allMatching ? ' (all matching this filter)' : ''}: A, R, D or G applies to {selectionSize === 1 ? 'it' : 'all of them'}.
          </span>
          {!allMatching && props.total > selected.size && (
            <button type="button" className="rounded border border-white/60 px-2 py-0.5 hover:bg-white/10" onClick={() => setAllMatching(true)}>
              Select all {props.total} matching this filter
            </button>
          )}
          <button
            type="button"
            className="rounded border border-white/60 px-2 py-0.5 hover:bg-white/10"
            onClick={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          >
            Clear selection
          </button>
        </div>
      )}
      {current ? (
        <ReviewItemView
          key={current.id}
          item={current}
          decided={decided.get(current.id)?.label ?? null}
          maxLength={props.maxLength}
          editing={editing}
          onCancelEdit={() => setEditing(false)}
          onSaveEdit={(text) => {
            setEditing(false);
            void apply('edit', [current], { text });
            nextUndecided();
          }}
        />
      ) : (
        <p className="rounded-lg border border-dashed border-neutral-300 p-8 text-center text-neutral-700">Nothing needs a decision here. Change the filter, or come back after the next upload.</p>
      )}
      <section aria-labelledby="queue-list-heading" className="flex flex-col gap-2">
        <h2 id="queue-list-heading" className="text-sm font-medium text-neutral-700">
          Queue: {remaining} of {items.length} loaded left{cursor ? ' (more load as you go)' : ''}
        </h2>
        <ol className="flex flex-col divide-y divide-neutral-200 rounded-md border border-neutral-200 bg-white">
          {items.map((item, at) => (
            <li key={item.id} className={`flex items-center gap-3 px-3 py-2 text-sm ${at === index ? 'bg-sky-50' : ''}`} aria-current={at === index ? 'true' : undefined}>
              <input
                type="checkbox"
                aria-label={`Select ${item.title ?? item.filename}`}
                checked={allMatching || selected.has(item.id)}
                onChange={(event) => toggleSelect(at, (event.nativeEvent as MouseEvent).shiftKey === true)}
                className="h-4 w-4"
              />
              <button type="button" onClick={() => setIndex(at)} className="min-w-0 flex-1 truncate text-left hover:underline">
                {item.title ?? item.filename}
                <span className="ml-2 text-neutral-600">{item.text ? `“${item.text.slice(0, 80)}${item.text.length > 80 ? '…' : ''}”` : '(no text)'}</span>
              </button>
              {decided.has(item.id) && <span className="shrink-0 text-xs font-medium text-emerald-800">{decided.get(item.id)?.label}</span>}
            </li>
          ))}
        </ol>
      </section>
      <ReviewHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

function ActionButton(props: { shortcut: string; onClick: () => void; disabled?: boolean; children: React.ReactNode }) {
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled}
      aria-keyshortcuts={props.shortcut === '?' ? 'Shift+?' : props.shortcut}
      className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100 disabled:opacity-50"
    >
      {props.children} <kbd className="ml-1 rounded border border-neutral-300 bg-neutral-50 px-1 text-xs text-neutral-700 pointer-coarse:hidden">{props.shortcut}</kbd>
    </button>
  );
}
