import { isTauri } from "@tauri-apps/api/core";

/** True inside the Tauri desktop shell, false in a plain browser (dev, tests). */
export function inDesktopShell(): boolean {
  try {
    return isTauri();
  } catch {
    return false;
  }
}
