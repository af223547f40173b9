/**
 * The server's live events (new exhibitions, verdicts, bot status), followed
 * while at least one screen listens. The Rust shell holds the connection and
 * reopens it when it breaks; here the messages are handed to the screens.
 */
import { createSignal } from "solid-js";
import type { LiveMessage } from "../bindings";
import { api, call } from "./api";
import { makeChannel } from "./channel";
import { signedOut } from "./session";
import { workingDistributor } from "./workingDistributor";

/** `off`: nobody listens; `connecting`; `live`; `interrupted`: reconnecting. */
export type LiveState = "off" | "connecting" | "live" | "interrupted";

/** Whose stream: a person's session, or this computer as the office TV (its TV code). */
export type LiveSource = "session" | "kiosk";

export type LiveListener = (message: LiveMessage) => void;

const listeners = new Set<LiveListener>();
const [liveState, setLiveState] = createSignal<LiveState>("off");
/** The stream the current listeners follow (set by the first of them). */
let source: LiveSource = "session";
/** Bumped at each start and stop: messages of an older channel are dropped. */
let generation = 0;

export { liveState };

/**
 * Whether events may have been missed (the server dropped some for this client,
 * or the stream was reopened): screens then re-read what they show.
 */
export function mayHaveMissedEvents(message: LiveMessage): boolean {
  return message.kind === "resync" || (message.kind === "connected" && message.reconnected);
}

function dispatch(message: LiveMessage): void {
  if (message.kind === "connected") setLiveState("live");
  else if (message.kind === "disconnected") setLiveState("interrupted");
  else if (message.kind === "signed_out") setLiveState("off");
  for (const listener of [...listeners]) listener(message);
  // A revoked TV code is the TV screen's business (it says so and asks for a new one).
  if (message.kind === "signed_out" && source === "session") signedOut();
}

/** The shell's id of the follower this module started, once it answered. */
let followerId: number | null = null;
/** The distributor the session's stream follows (the superadmin's choice when it started). */
let followedFor: number | null = null;

function start(): void {
  generation += 1;
  followedFor = workingDistributor();
  const mine = generation;
  setLiveState("connecting");
  const channel = makeChannel<LiveMessage>((message) => {
    if (mine === generation) dispatch(message);
  });
  const follow =
    source === "kiosk" ? api().followKioskEvents(channel) : api().followEvents(followedFor, channel);
  call(follow).then(
    (id) => {
      // Stopped (or restarted) before the shell answered: stop this one.
      if (mine === generation) followerId = id;
      else unfollow(id);
    },
    () => {
      if (mine === generation) setLiveState("interrupted");
    },
  );
}

function unfollow(id: number): void {
  void api()
    .unfollowEvents(id)
    .catch(() => {});
}

function stop(): void {
  generation += 1;
  setLiveState("off");
  // By id: the shell may handle this after a newer start, which must keep running.
  if (followerId !== null) unfollow(followerId);
  followerId = null;
}

/**
 * Calls `listener` with every live message until the returned function is
 * called. The first listener starts following the server (its `from` stream);
 * the last one to leave stops it. A listener that comes after the superadmin
 * chose another distributor moves the stream to that one.
 */
export function onLive(listener: LiveListener, from: LiveSource = "session"): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    source = from;
    start();
  } else if (source === "session" && followedFor !== workingDistributor()) {
    // The superadmin moved to another distributor: its events, from now on.
    stop();
    start();
  }
  let listening = true;
  return () => {
    if (!listening) return;
    listening = false;
    listeners.delete(listener);
    if (listeners.size === 0) stop();
  };
}

/** Tests: no listener left from an earlier test. */
export function resetLiveForTests(): void {
  listeners.clear();
  generation += 1;
  followerId = null;
  followedFor = null;
  source = "session";
  setLiveState("off");
}
