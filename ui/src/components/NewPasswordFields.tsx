import * as check from "../admin/validation";
import { t } from "../i18n";
import { Field } from "./Field";

/**
 * A new password typed twice (with the length hint), as every form that sets one
 * asks it: a user created or given a password by an admin, and one's own.
 */
export function NewPasswordFields(props: {
  id: (field: "password" | "confirm") => string;
  labels: { password: string; confirm: string };
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  errors: { password: check.Problem; confirm: check.Problem };
}) {
  return (
    <>
      <Field
        id={props.id("password")}
        label={props.labels.password}
        hint={t("admin.users.passwordHint", { min: check.MIN_PASSWORD })}
        error={props.errors.password}
      >
        {(a) => (
          <input
            {...a}
            type="password"
            autocomplete="new-password"
            value={props.password}
            onInput={(e) => props.onPassword(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field id={props.id("confirm")} label={props.labels.confirm} error={props.errors.confirm}>
        {(a) => (
          <input
            {...a}
            type="password"
            autocomplete="new-password"
            value={props.confirm}
            onInput={(e) => props.onConfirm(e.currentTarget.value)}
          />
        )}
      </Field>
    </>
  );
}
