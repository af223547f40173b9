/**
 * Verdicts on their way to the server. The Visor moves on at once; each verdict
 * stays here until the server accepts it, refuses it (conflict or invalid, with
 * a message), or the person discards it after retries fail. Never lost silently.
 *
 *   sending ──ok──▶ done (removed)
 *      │ network ──▶ retrying ──(timer)──▶ sending … after the last delay ─▶ failed
 *      │ conflict ─▶ conflict (with the current verdict)
 *      └ other ────▶ refused (with the server's message)
 *   failed / refused: retry() ─▶ sending; discard() ─▶ removed
 */
import type { EvaluationInput, ExhibitionDetail, ExhibitionSummary } from "../bindings";
import { ApiError, asApiError, isRetryable } from "../lib/api";

export type SubmissionState = "sending" | "retrying" | "failed" | "conflict" | "refused";

export interface Submission {
  readonly item: ExhibitionSummary;
  readonly input: EvaluationInput;
  readonly state: SubmissionState;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly error: ApiError | null;
  /** On a conflict: the exhibition as someone else left it. */
  readonly current: ExhibitionDetail | null;
}

export interface OutboxDeps {
  submit(id: string, input: EvaluationInput): Promise<ExhibitionDetail>;
  /** Runs `fn` after `ms`; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
  /** Wait before each automatic retry; once used up the verdict is "failed". */
  readonly retryDelaysMs?: readonly number[];
  onAccepted?(detail: ExhibitionDetail): void;
  onChange?(all: readonly Submission[]): void;
}

export const DEFAULT_RETRY_DELAYS_MS = [2_000, 5_000, 10_000, 20_000] as const;

export class Outbox {
  readonly #deps: OutboxDeps;
  readonly #delays: readonly number[];
  readonly #items = new Map<string, Submission>();
  readonly #timers = new Map<string, () => void>();

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Every verdict not yet accepted, oldest first. */
  all(): Submission[] {
    return [...this.#items.values()];
  }

  get(id: string): Submission | undefined {
    return this.#items.get(id);
  }

  /** Verdicts that need the person (failed, refused, conflict). */
  needsAttention(): Submission[] {
    return this.all().filter((s) => s.state === "failed" || s.state === "refused" || s.state === "conflict");
  }

  /** True while some verdict is still being sent or retried. */
  busy(): boolean {
    return this.all().some((s) => s.state === "sending" || s.state === "retrying");
  }

  /** Sends a verdict (replacing any earlier one for the same exhibition). */
  send(item: ExhibitionSummary, input: EvaluationInput): void {
    this.#cancelTimer(item.id);
    this.#set({ item, input, state: "sending", attempts: 0, error: null, current: null });
    void this.#attempt(item.id);
  }

  /** Tries a failed or refused verdict again now. */
  retry(id: string): void {
    const s = this.#items.get(id);
    if (s === undefined || s.state === "sending") return;
    this.#cancelTimer(id);
    this.#set({ ...s, state: "sending", attempts: 0 });
    void this.#attempt(id);
  }

  /** Drops a verdict the person decided not to send. */
  discard(id: string): void {
    this.#cancelTimer(id);
    if (this.#items.delete(id)) this.#changed();
  }

  #set(s: Submission): void {
    this.#items.set(s.item.id, s);
    this.#changed();
  }

  #changed(): void {
    this.#deps.onChange?.(this.all());
  }

  #cancelTimer(id: string): void {
    this.#timers.get(id)?.();
    this.#timers.delete(id);
  }

  async #attempt(id: string): Promise<void> {
    const s = this.#items.get(id);
    if (s === undefined) return;
    const attempts = s.attempts + 1;
    this.#set({ ...s, state: "sending", attempts });
    try {
      const detail = await this.#deps.submit(id, s.input);
      if (this.#items.get(id)?.input !== s.input) return; // replaced or discarded meanwhile
      this.#items.delete(id);
      // Accepted first: whoever watches the list sees where the verdict went.
      this.#deps.onAccepted?.(detail);
      this.#changed();
    } catch (thrown) {
      if (this.#items.get(id)?.input !== s.input) return;
      const error = asApiError(thrown);
      if (error.code === "conflict" && error.error.code === "conflict") {
        this.#set({ ...s, attempts, state: "conflict", error, current: error.error.current });
      } else if (isRetryable(error)) {
        const delay = this.#delays[attempts - 1];
        if (delay === undefined) {
          this.#set({ ...s, attempts, state: "failed", error });
        } else {
          this.#set({ ...s, attempts, state: "retrying", error });
          this.#timers.set(
            id,
            this.#deps.schedule(() => {
              this.#timers.delete(id);
              void this.#attempt(id);
            }, delay),
          );
        }
      } else {
        this.#set({ ...s, attempts, state: "refused", error });
      }
    }
  }
}
