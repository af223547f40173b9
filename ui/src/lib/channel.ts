/**
 * Channels the Rust shell sends messages on (live events, an update's
 * download progress). Tauri's own needs the app's IPC: tests hand in a plain
 * object with the same callback.
 */
import { Channel } from "@tauri-apps/api/core";

export type ChannelFactory = <T>(onMessage: (message: T) => void) => Channel<T>;

const tauriChannel: ChannelFactory = <T>(onMessage: (message: T) => void) => {
  const channel = new Channel<T>();
  channel.onmessage = onMessage;
  return channel;
};

let factory: ChannelFactory = tauriChannel;

/** A channel whose messages go to `onMessage`. */
export function makeChannel<T>(onMessage: (message: T) => void): Channel<T> {
  return factory(onMessage);
}

/** Tests: channels without the app's IPC. */
export function setChannelFactoryForTests(testFactory: ChannelFactory): void {
  factory = testFactory;
}
