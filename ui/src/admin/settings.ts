/**
 * The distributor settings form: its fields as typed, read from a distributor,
 * checked, and turned into the change to send — only what differs, so an admin
 * never sends the superadmin's fields (name, active) and an untouched form sends
 * nothing.
 */
import type { Distributor, DistributorSettings, PhotoStorage } from "../bindings";
import { t } from "../i18n";
import * as check from "./validation";

export interface SettingsForm {
  name: string;
  time_zone: string;
  admin_telegram_id: string;
  hibernation_enabled: boolean;
  hibernation_start: string;
  hibernation_end: string;
  points_approved: string;
  points_highlighted: string;
  photo_storage: PhotoStorage;
  drive_folder_id: string;
}

export const SETTINGS_ORDER = [
  "name",
  "admin_telegram_id",
  "hibernation_start",
  "hibernation_end",
  "points_approved",
  "points_highlighted",
  "drive_folder_id",
] as const;

export type SettingsField = (typeof SETTINGS_ORDER)[number];

export function formFrom(d: Distributor): SettingsForm {
  return {
    name: d.name,
    time_zone: d.time_zone,
    admin_telegram_id: d.admin_telegram_id === null ? "" : String(d.admin_telegram_id),
    hibernation_enabled: d.hibernation.enabled,
    hibernation_start: d.hibernation.start,
    hibernation_end: d.hibernation.end,
    points_approved: String(d.scoring.approved),
    points_highlighted: String(d.scoring.highlighted),
    photo_storage: d.photo_storage,
    drive_folder_id: d.drive_folder_id ?? "",
  };
}

export function settingsProblems(f: SettingsForm, superadmin: boolean): check.Problems<SettingsField> {
  const sameTimes =
    f.hibernation_enabled && f.hibernation_start.trim() === f.hibernation_end.trim()
      ? t("admin.validation.sameTimes")
      : null;
  return {
    name: superadmin ? check.requiredText(f.name, check.MAX_DISTRIBUTOR_NAME) : null,
    // Empty is allowed: nobody gets the bot's alerts.
    admin_telegram_id: check.telegramUserId(f.admin_telegram_id),
    hibernation_start: check.time(f.hibernation_start),
    hibernation_end: check.time(f.hibernation_end) ?? sameTimes,
    points_approved: check.points(f.points_approved),
    points_highlighted: check.points(f.points_highlighted),
    drive_folder_id:
      f.photo_storage === "google_drive" && f.drive_folder_id.trim() === ""
        ? t("admin.validation.driveFolder")
        : check.optionalText(f.drive_folder_id, 200),
  };
}

/**
 * What differs between the distributor and a (valid) form, as the PATCH body.
 * An emptied alerts recipient is sent as `null` (the API removes it); an
 * absent field is left as it is.
 */
export function settingsChanges(d: Distributor, f: SettingsForm, superadmin: boolean): DistributorSettings {
  const changes: DistributorSettings = {};
  const name = f.name.trim();
  if (superadmin && name !== d.name) changes.name = name;
  if (f.time_zone !== d.time_zone) changes.time_zone = f.time_zone;
  const telegram = f.admin_telegram_id.trim();
  const recipient = telegram === "" ? null : Number(telegram);
  if (recipient !== d.admin_telegram_id) changes.admin_telegram_id = recipient;
  if (f.hibernation_enabled !== d.hibernation.enabled) changes.hibernation_enabled = f.hibernation_enabled;
  if (f.hibernation_start.trim() !== d.hibernation.start) changes.hibernation_start = f.hibernation_start.trim();
  if (f.hibernation_end.trim() !== d.hibernation.end) changes.hibernation_end = f.hibernation_end.trim();
  if (Number(f.points_approved) !== d.scoring.approved) changes.points_approved = Number(f.points_approved);
  if (Number(f.points_highlighted) !== d.scoring.highlighted) changes.points_highlighted = Number(f.points_highlighted);
  if (f.photo_storage !== d.photo_storage) changes.photo_storage = f.photo_storage;
  const folder = f.drive_folder_id.trim();
  if (folder !== (d.drive_folder_id ?? "")) changes.drive_folder_id = folder;
  return changes;
}
