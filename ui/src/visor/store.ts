/**
 * The app-wide verdict outbox, with its state as a Solid signal. It lives at
 * module level so that verdicts still on their way survive leaving the Visor
 * (or being sent to the login screen by a 401).
 */
import { createSignal } from "solid-js";
import type { ExhibitionDetail } from "../bindings";
import { api, call } from "../lib/api";
import { Outbox, type OutboxDeps, type Submission } from "./outbox";

const [submissions, setSubmissions] = createSignal<readonly Submission[]>([]);
const [lastAccepted, setLastAccepted] = createSignal<ExhibitionDetail | null>(null);

export { lastAccepted, submissions };

function browserSchedule(fn: () => void, ms: number): () => void {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}

function create(overrides: Partial<OutboxDeps> = {}): Outbox {
  return new Outbox({
    submit: (id, input) => call(api().evaluateExhibition(id, input)),
    schedule: browserSchedule,
    onChange: (all) => setSubmissions(all),
    onAccepted: (detail) => setLastAccepted(detail),
    ...overrides,
  });
}

let outbox = create();

export function verdictOutbox(): Outbox {
  return outbox;
}

/** Tests: a fresh outbox (optionally with other timers or delays). */
export function resetOutboxForTests(overrides: Partial<OutboxDeps> = {}): Outbox {
  outbox = create(overrides);
  setSubmissions([]);
  setLastAccepted(null);
  return outbox;
}
