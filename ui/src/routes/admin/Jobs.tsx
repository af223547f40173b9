import { createSignal, For, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Job, JobRun, RunOutcome } from "../../bindings";
import { useAdmin, type ListState } from "../../admin/context";
import {
  checkScheduleForm,
  duration,
  elapsed,
  formatSchedule,
  formFromJob,
  HISTORY_RUNS,
  nextRun,
  runsAfter,
  scheduleChanges,
  scheduleFromForm,
  scheduleInWords,
  timeInZone,
  type ScheduleForm,
} from "../../admin/jobs";
import { createNotice } from "../../admin/notice";
import { followRun, followTiming, type RunFollower } from "../../admin/runFollower";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { TIME_ZONES, zoneLabel } from "../Setup";

/** How often "atrasada" and the like are looked at again while the screen is open. */
const CLOCK_MS = 30_000;

type Say = (render: () => string) => void;

/**
 * "Tareas programadas": the server's own jobs (backup, housekeeping, daily summary),
 * for the superadmin only — they concern every distributor. Each job says when it
 * runs, how its last run went and when the next one is; it can be paused, run now
 * (and followed until it ends), given another schedule, and its history read.
 */
export default function Jobs() {
  useDocumentTitle(() => t("admin.nav.jobs"));
  const admin = useAdmin();
  return (
    <Show
      when={admin.isSuperadmin()}
      fallback={
        <section class="card admin-card" aria-labelledby="jobs-title">
          <h2 id="jobs-title">{t("admin.jobs.title")}</h2>
          <p>{t("admin.jobs.onlySuperadmin")}</p>
        </section>
      }
    >
      <JobList />
    </Show>
  );
}

function JobList() {
  const admin = useAdmin();
  const [jobs, setJobs] = createStore<Job[]>([]);
  const [state, setState] = createSignal<ListState>("loading");
  const [error, setError] = createSignal<unknown>(null);
  const [now, setNow] = createSignal(Date.now());
  const notice = createNotice();
  const clock = setInterval(() => setNow(Date.now()), CLOCK_MS);
  onCleanup(() => clearInterval(clock));

  /** Reads the jobs again; `quiet`: a refresh while following a run (its errors are the follower's). */
  const reload = async (quiet = false) => {
    try {
      const list = await call(api().listJobs());
      setJobs(reconcile(list, { key: "id" }));
      setNow(Date.now());
      setError(null);
      setState("ready");
    } catch (e) {
      if (quiet) return;
      setError(e);
      setState("error");
      admin.failed(e);
    }
  };
  const put = (job: Job) => {
    const at = jobs.findIndex((j) => j.id === job.id);
    if (at < 0) setJobs(jobs.length, job);
    else setJobs(at, reconcile(job));
    setNow(Date.now());
  };
  onMount(() => void reload());

  return (
    <section class="card admin-card" aria-labelledby="jobs-title">
      <h2 id="jobs-title">{t("admin.jobs.title")}</h2>
      <p class="hint">{t("admin.jobs.intro")}</p>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Switch>
        <Match when={state() === "error"}>
          <ErrorBanner error={error()} retry={() => void reload()} />
        </Match>
        <Match when={state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={jobs.length === 0}>
          <p>{t("admin.jobs.empty")}</p>
        </Match>
        <Match when={true}>
          <ul class="job-list">
            <For each={jobs}>
              {(job) => (
                <li>
                  <JobCard
                    job={job}
                    now={now()}
                    put={put}
                    refresh={() => reload(true)}
                    say={(render) => notice.say(render)}
                    clear={() => notice.clear()}
                  />
                </li>
              )}
            </For>
          </ul>
        </Match>
      </Switch>
    </section>
  );
}

const OUTCOME_CLASS: Record<RunOutcome, string> = {
  running: "status-highlighted",
  succeeded: "status-approved",
  failed: "status-rejected",
};

function OutcomeBadge(props: { outcome: RunOutcome }) {
  return <span class={`status-badge ${OUTCOME_CLASS[props.outcome]}`}>{t(`admin.jobs.outcome.${props.outcome}`)}</span>;
}

/** What "Ejecutar ahora" has come to ("notStarted": no service took the request in time; it stays). */
type Follow =
  | { phase: "requested" }
  | { phase: "running"; run: JobRun }
  | { phase: "done"; run: JobRun }
  | { phase: "notStarted"; seconds: number };

function JobCard(props: {
  job: Job;
  now: number;
  put: (job: Job) => void;
  refresh: () => Promise<void>;
  say: Say;
  clear: () => void;
}) {
  const admin = useAdmin();
  const id = (what: string) => `job-${props.job.id}-${what}`;
  const button = (what: string) => document.getElementById(id(what));
  const [busy, setBusy] = createSignal<"run" | "active" | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [editing, setEditing] = createSignal(false);
  const [follow, setFollow] = createSignal<Follow | null>(null);
  const [followError, setFollowError] = createSignal<unknown>(null);
  // When the followed run was last read running: how long it has been going.
  const [seenAt, setSeenAt] = createSignal(Date.now());
  const [open, setOpen] = createSignal(false);
  const [runs, setRuns] = createStore<JobRun[]>([]);
  const [history, setHistory] = createSignal<ListState>("loading");
  const [historyError, setHistoryError] = createSignal<unknown>(null);
  let follower: RunFollower | undefined;
  onCleanup(() => follower?.stop());

  const zone = () => props.job.time_zone;
  const showRuns = (list: JobRun[]) => {
    setRuns(reconcile(list, { key: "id" }));
    setHistoryError(null);
    setHistory("ready");
  };

  const loadHistory = async () => {
    setHistory((s) => (s === "ready" ? s : "loading"));
    try {
      showRuns(await call(api().jobRuns(props.job.id, HISTORY_RUNS)));
    } catch (e) {
      setHistoryError(e);
      setHistory("error");
      admin.failed(e);
    }
  };

  const toggleHistory = () => {
    const next = !open();
    setOpen(next);
    if (next) void loadHistory();
  };

  const runNow = async () => {
    props.clear();
    follower?.stop();
    setBusy("run");
    setError(null);
    setFollowError(null);
    const jobId = props.job.id;
    try {
      const reply = await call(api().runJob(jobId));
      props.put(reply);
      setFollow({ phase: "requested" });
      follower = followRun({
        after: runsAfter(reply),
        read: () => call(api().jobRuns(jobId, HISTORY_RUNS)),
        onProgress: (run, list) => {
          setFollowError(null);
          setSeenAt(Date.now());
          // Only a change is put in the live region: each read of a long run is not announced again.
          const f = follow();
          if (run !== null && (f?.phase !== "running" || f.run.id !== run.id)) setFollow({ phase: "running", run });
          showRuns(list);
          void props.refresh();
        },
        onDone: (run, list) => {
          setFollowError(null);
          setFollow({ phase: "done", run });
          showRuns(list);
          void props.refresh();
        },
        onNotStarted: (list) => {
          setFollowError(null);
          // Given up waiting; the request stays on the server and "Ejecutar ahora" may be pressed again.
          setFollow({ phase: "notStarted", seconds: Math.ceil(followTiming.startLimitMs / 1000) });
          showRuns(list);
          void props.refresh();
        },
        onError: (e, retrying) => {
          setFollowError(e);
          // Given up: "Ejecutar ahora" may be pressed again.
          if (!retrying) setFollow(null);
          admin.failed(e);
        },
      });
    } catch (e) {
      setError(e);
      admin.failed(e);
    } finally {
      setBusy(null);
    }
  };

  const toggleActive = async () => {
    props.clear();
    setBusy("active");
    setError(null);
    const name = props.job.name;
    try {
      const job = await call(api().updateJob(props.job.id, { active: !props.job.active }));
      props.put(job);
      props.say(() => (job.active ? t("admin.jobs.resumed", { name }) : t("admin.jobs.paused", { name })));
    } catch (e) {
      setError(e);
      admin.failed(e);
    } finally {
      setBusy(null);
      // The same button, now saying the opposite: keep the focus on it.
      queueMicrotask(() => button("active")?.focus());
    }
  };

  const next = () => nextRun(props.job, props.now);
  const following = () => {
    const f = follow();
    return f !== null && (f.phase === "requested" || f.phase === "running");
  };
  const runningNow = () => {
    const f = follow();
    return f?.phase === "running" ? f.run : null;
  };

  return (
    <article class="job-card" classList={{ paused: !props.job.active }} aria-labelledby={id("name")}>
      <header class="job-head">
        <h3 id={id("name")}>{props.job.name}</h3>
        <span class={`status-badge ${props.job.active ? "status-approved" : "status-pending"}`}>
          {props.job.active ? t("admin.jobs.active") : t("admin.jobs.pausedBadge")}
        </span>
      </header>
      <p class="hint job-description">{props.job.description}</p>
      <dl class="facts job-facts">
        <dt>{t("admin.jobs.schedule.label")}</dt>
        <dd>{scheduleInWords(props.job.schedule, zone())}</dd>
        <dt>{t("admin.jobs.lastRun")}</dt>
        <dd>
          <Show when={props.job.last_run} fallback={t("admin.jobs.never")}>
            {(run) => (
              <span class="job-run">
                <span>{timeInZone(run().started_at, zone())}</span> <OutcomeBadge outcome={run().outcome} />{" "}
                <Show when={run().detail}>{(detail) => <span class="job-detail">{detail()}</span>}</Show>
              </span>
            )}
          </Show>
        </dd>
        <dt>{t("admin.jobs.nextRun")}</dt>
        <dd>
          <Switch>
            <Match when={next().kind === "requested" && props.job.run_requested_at}>
              {(at) => <span class="job-requested">{t("admin.jobs.nextRequested", { when: timeInZone(at(), zone()) })}</span>}
            </Match>
            <Match when={next().kind === "paused"}>
              <span class="job-paused">{t("admin.jobs.nextPaused")}</span>
            </Match>
            <Match when={next().kind === "overdue" && props.job.next_run_at}>
              {(at) => <span class="job-overdue">{t("admin.jobs.overdue", { when: timeInZone(at(), zone()) })}</span>}
            </Match>
            <Match when={next().kind === "at" && props.job.next_run_at}>{(at) => timeInZone(at(), zone())}</Match>
            <Match when={true}>{t("admin.jobs.nextUnknown")}</Match>
          </Switch>
        </dd>
      </dl>

      <div class="job-follow" role="status" id={id("follow")}>
        <Show when={follow()} keyed>
          {(f) => <FollowText follow={f} zone={zone()} />}
        </Show>
      </div>
      {/* Outside the live region: it changes at every read. */}
      <Show when={runningNow()}>
        {(run) => <p class="hint job-elapsed">{t("admin.jobs.follow.elapsed", { duration: elapsed(run(), seenAt()) })}</p>}
      </Show>
      <Show when={followError()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>
      <Show when={error()} keyed>
        {(e) => <ErrorBanner error={e} focus />}
      </Show>

      <div class="job-actions">
        <button
          type="button"
          class="button button-primary button-small"
          id={id("run")}
          aria-label={`${t("admin.jobs.runNow")}: ${props.job.name}`}
          aria-describedby={id("follow")}
          // Not `disabled` while a run is followed: the focus stays on the button.
          aria-disabled={busy() !== null || following()}
          onClick={() => {
            if (busy() === null && !following()) void runNow();
          }}
        >
          {busy() === "run" ? t("admin.jobs.requesting") : t("admin.jobs.runNow")}
        </button>
        <button
          type="button"
          class="button button-small"
          id={id("schedule")}
          aria-label={`${t("admin.jobs.schedule.change")}: ${props.job.name}`}
          disabled={busy() !== null}
          onClick={() => {
            props.clear();
            setEditing(true);
          }}
        >
          {t("admin.jobs.schedule.change")}
        </button>
        <button
          type="button"
          class="button button-small"
          id={id("active")}
          aria-label={`${props.job.active ? t("admin.jobs.pause") : t("admin.jobs.resume")}: ${props.job.name}`}
          disabled={busy() !== null}
          onClick={() => void toggleActive()}
        >
          {props.job.active ? t("admin.jobs.pause") : t("admin.jobs.resume")}
        </button>
        <button
          type="button"
          class="button button-small"
          id={id("history-toggle")}
          aria-expanded={open()}
          aria-controls={id("history")}
          aria-label={`${open() ? t("admin.jobs.history.hide") : t("admin.jobs.history.show")}: ${props.job.name}`}
          onClick={toggleHistory}
        >
          {open() ? t("admin.jobs.history.hide") : t("admin.jobs.history.show")}
        </button>
      </div>

      <div id={id("history")} class="job-history" hidden={!open()}>
        <Show when={open()}>
          <Switch>
            <Match when={history() === "error"}>
              <ErrorBanner error={historyError()} retry={() => void loadHistory()} />
            </Match>
            <Match when={history() === "loading"}>
              <p role="status">{t("admin.loading")}</p>
            </Match>
            <Match when={runs.length === 0}>
              <p>{t("admin.jobs.history.empty")}</p>
            </Match>
            <Match when={true}>
              <table class="ranking-table admin-table job-runs">
                <caption>{t("admin.jobs.history.caption", { n: HISTORY_RUNS, name: props.job.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.jobs.history.started")}</th>
                    <th scope="col">{t("admin.jobs.history.duration")}</th>
                    <th scope="col">{t("admin.jobs.history.outcome")}</th>
                    <th scope="col">{t("admin.jobs.history.detail")}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={runs}>
                    {(run) => (
                      <tr>
                        <th scope="row">{timeInZone(run.started_at, zone(), true)}</th>
                        <td>{duration(run) ?? "—"}</td>
                        <td>
                          <OutcomeBadge outcome={run.outcome} />
                        </td>
                        <td class="job-detail">{run.detail ?? ""}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Match>
          </Switch>
        </Show>
      </div>

      <Show when={editing()}>
        <ScheduleDialog
          job={props.job}
          onClose={() => setEditing(false)}
          returnFocus={() => button("schedule")}
          onSaved={(job) => {
            props.put(job);
            const name = job.name;
            const words = () => scheduleInWords(job.schedule, job.time_zone);
            props.say(() => t("admin.jobs.schedule.saved", { name, schedule: words() }));
          }}
          onUnchanged={() => props.say(() => t("admin.noChanges"))}
        />
      </Show>
    </article>
  );
}

/** "Pedida…", "En curso desde…", then how the run ended and what it did (or that no service took it). */
function FollowText(props: { follow: Follow; zone: string }) {
  const f = props.follow;
  if (f.phase === "requested") return <p>{t("admin.jobs.follow.requested")}</p>;
  if (f.phase === "running") {
    return <p>{t("admin.jobs.follow.running", { when: timeInZone(f.run.started_at, props.zone, true) })}</p>;
  }
  if (f.phase === "notStarted") {
    return <p class="job-follow-waiting">{t("admin.jobs.follow.notStarted", { seconds: f.seconds })}</p>;
  }
  const took = duration(f.run) ?? "";
  return (
    <p classList={{ "job-follow-failed": f.run.outcome === "failed" }}>
      <strong>
        {f.run.outcome === "failed"
          ? t("admin.jobs.follow.failed", { duration: took })
          : t("admin.jobs.follow.succeeded", { duration: took })}
      </strong>
      <Show when={f.run.detail}>{(detail) => <span class="job-detail"> {detail()}</span>}</Show>
    </p>
  );
}

/**
 * "Cambiar programación": once a day at a time of a zone, or every so many minutes
 * or hours; checked like the server checks it, saved with only what changed, and
 * kept open with the server's reason (and what was typed) if it is refused.
 */
function ScheduleDialog(props: {
  job: Job;
  onClose: () => void;
  onSaved: (job: Job) => void;
  onUnchanged: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const [form, setForm] = createStore<ScheduleForm>(formFromJob(props.job));
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const problems = () => checkScheduleForm(form);
  const shown = (field: "time" | "amount") => (tried() ? problems()[field] : null);
  const preview = () => {
    const schedule = scheduleFromForm(form);
    return schedule === null ? "" : t("admin.jobs.schedule.preview", { schedule: scheduleInWords(formatSchedule(schedule), form.zone) });
  };
  const zones = () => (TIME_ZONES.includes(form.zone as never) ? [...TIME_ZONES] : [form.zone, ...TIME_ZONES]);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    const p = problems();
    if (p.time !== null || p.amount !== null) {
      document.getElementById(p.time !== null ? "job-schedule-time" : "job-schedule-amount")?.focus();
      return;
    }
    const changes = scheduleChanges(props.job, form);
    if (changes.schedule === undefined && changes.time_zone === undefined) {
      props.onUnchanged();
      props.onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await call(api().updateJob(props.job.id, changes)));
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t("admin.jobs.schedule.title", { name: props.job.name })}
      description={t("admin.jobs.schedule.rules")}
      onClose={props.onClose}
      busy={busy()}
      returnFocus={props.returnFocus}
    >
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <fieldset class="admin-group">
            <legend>{t("admin.jobs.schedule.when")}</legend>
            <label class="radio">
              <input
                type="radio"
                name="job-schedule-kind"
                value="daily"
                data-autofocus={form.kind === "daily" ? "" : undefined}
                checked={form.kind === "daily"}
                onChange={() => setForm("kind", "daily")}
              />
              {t("admin.jobs.schedule.daily")}
            </label>
            <label class="radio">
              <input
                type="radio"
                name="job-schedule-kind"
                value="every"
                data-autofocus={form.kind === "every" ? "" : undefined}
                checked={form.kind === "every"}
                onChange={() => setForm("kind", "every")}
              />
              {t("admin.jobs.schedule.every")}
            </label>
          </fieldset>
          <Show
            when={form.kind === "daily"}
            fallback={
              <div class="admin-row">
                <Field id="job-schedule-amount" label={t("admin.jobs.schedule.amount")} error={shown("amount")}>
                  {(a) => (
                    <input
                      {...a}
                      type="text"
                      inputmode="numeric"
                      value={form.amount}
                      onInput={(e) => setForm("amount", e.currentTarget.value)}
                    />
                  )}
                </Field>
                <Field id="job-schedule-unit" label={t("admin.jobs.schedule.unit")}>
                  {(a) => (
                    <select {...a} onChange={(e) => setForm("unit", e.currentTarget.value === "hours" ? "hours" : "minutes")}>
                      <option value="minutes" selected={form.unit === "minutes"}>
                        {t("admin.jobs.schedule.minutes")}
                      </option>
                      <option value="hours" selected={form.unit === "hours"}>
                        {t("admin.jobs.schedule.hours")}
                      </option>
                    </select>
                  )}
                </Field>
              </div>
            }
          >
            <div class="admin-row">
              <Field id="job-schedule-time" label={t("admin.jobs.schedule.time")} error={shown("time")}>
                {(a) => <input {...a} type="time" value={form.time} onInput={(e) => setForm("time", e.currentTarget.value)} />}
              </Field>
              <Field id="job-schedule-zone" label={t("admin.jobs.schedule.zone")} hint={t("admin.jobs.schedule.zoneHint")}>
                {(a) => (
                  <select {...a} onChange={(e) => setForm("zone", e.currentTarget.value)}>
                    <For each={zones()}>
                      {(z) => (
                        <option value={z} selected={z === form.zone}>
                          {zoneLabel(z)}
                        </option>
                      )}
                    </For>
                  </select>
                )}
              </Field>
            </div>
          </Show>
          <p class="job-preview" aria-live="polite">
            {preview()}
          </p>
        </fieldset>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus />}
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.save")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
