import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { Group } from "../../bindings";
import { appHarness } from "../../../tests/app";
import { ADMIN, fail, fakeApi } from "../../../tests/fakeApi";
import { member } from "../../../tests/fakeAdmin";

const group = (id: number, title: string, chatId: number): Group => ({
  id,
  distributor_id: 1,
  chat_id: chatId,
  title,
  active: true,
  created_at: "2025-01-01T12:00:00Z",
});

describe("Administración › Grupos y miembros", () => {
  const render = appHarness();
  const seed = {
    groups: [group(1, "Ventas Zona Sur", -1001)],
    members: [
      member(1, "Ana", { last_name: "Paz", username: "anapaz" }),
      member(2, "Bruno", { last_name: "Díaz", role: "supervisor" }),
    ],
  };
  const groupsCard = () => screen.getByRole("region", { name: "Grupos de Telegram" });
  const membersCard = () => screen.getByRole("region", { name: "Miembros de Telegram" });

  it("registers a group by its chat id, checked first; a registered one is refused, the fields kept", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/groups");
    await within(await screen.findByRole("region", { name: "Grupos de Telegram" })).findByText("Ventas Zona Sur");
    const card = groupsCard();
    const chat = within(card).getByLabelText("Id del grupo");
    const title = within(card).getByLabelText("Nombre del grupo");
    fireEvent.input(chat, { target: { value: "1001234" } });
    fireEvent.click(within(card).getByRole("button", { name: "Registrar grupo" }));
    expect(within(card).getByText("El id de un grupo de Telegram es un número negativo, por ejemplo -1001234567890.")).toBeInTheDocument();
    expect(within(card).getByText("Completá este campo.")).toBeInTheDocument();
    expect(api.admin.called("createGroup")).toEqual([]);

    fireEvent.input(chat, { target: { value: "-1001" } });
    fireEvent.input(title, { target: { value: "Ventas Norte" } });
    fireEvent.click(within(card).getByRole("button", { name: "Registrar grupo" }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Ese grupo ya está registrado.");
    expect(chat).toHaveValue("-1001");
    expect(title).toHaveValue("Ventas Norte");

    fireEvent.input(chat, { target: { value: "-1002" } });
    fireEvent.click(within(card).getByRole("button", { name: "Registrar grupo" }));
    expect(await within(card).findByText("Se registró «Ventas Norte».")).toBeInTheDocument();
    expect(within(card).getByRole("rowheader", { name: "Ventas Norte" })).toBeInTheDocument();
    expect(chat).toHaveValue("");
    expect(api.admin.called("createGroup")[1]).toEqual([null, { chat_id: -1002, title: "Ventas Norte" }]);
  });

  it("renames a group and switches it off after a question", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/groups");
    await within(await screen.findByRole("region", { name: "Grupos de Telegram" })).findByText("Ventas Zona Sur");
    fireEvent.click(within(groupsCard()).getByRole("button", { name: "Renombrar: Ventas Zona Sur" }));
    const dialog = await screen.findByRole("dialog", { name: "Renombrar «Ventas Zona Sur»" });
    const field = within(dialog).getByLabelText("Nombre nuevo");
    expect(document.activeElement).toBe(field);
    fireEvent.input(field, { target: { value: " " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    expect(within(dialog).getByText("Completá este campo.")).toBeInTheDocument();
    fireEvent.input(field, { target: { value: "Ventas Sur" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Guardar" }));
    expect(await within(groupsCard()).findByRole("rowheader", { name: "Ventas Sur" })).toBeInTheDocument();

    fireEvent.click(within(groupsCard()).getByRole("button", { name: "Desactivar: Ventas Sur" }));
    const question = await screen.findByRole("alertdialog", { name: "¿Desactivar «Ventas Sur»?" });
    fireEvent.click(within(question).getByRole("button", { name: "Desactivar" }));
    expect(await within(groupsCard()).findByRole("button", { name: "Activar: Ventas Sur" })).toBeInTheDocument();
    expect(api.admin.called("updateGroup")).toEqual([
      [null, 1, { title: "Ventas Sur" }],
      [null, 1, { active: false }],
    ]);
  });

  it("changes a member's role at once; a refusal puts the role the server holds back", async () => {
    let refuse = false;
    const api = fakeApi(
      { session: ADMIN, admin: seed },
      {
        updateMember: (scope, id, changes) =>
          refuse ? fail({ code: "forbidden", message: "Tu rol no permite esta acción." }) : real(scope, id, changes),
      },
    );
    const real = api.admin.api.updateMember;
    render(api, "#/admin/groups");
    const select = (await screen.findByLabelText("Rol de Ana Paz")) as HTMLSelectElement;
    expect(within(membersCard()).getByText(/@anapaz/)).toBeInTheDocument();
    fireEvent.change(select, { target: { value: "supervisor" } });
    expect(await within(membersCard()).findByText("Ana Paz ahora es Supervisor.")).toBeInTheDocument();

    refuse = true;
    fireEvent.change(select, { target: { value: "admin" } });
    expect(await within(membersCard()).findByRole("alert")).toHaveTextContent("Tu rol no permite esta acción.");
    expect(select.value).toBe("supervisor");
    await waitFor(() => expect(document.activeElement).toBe(select));
  });

  it("finds members by name and switches one off after a question", async () => {
    const api = fakeApi({ session: ADMIN, admin: seed });
    render(api, "#/admin/groups");
    await screen.findByLabelText("Rol de Ana Paz");
    fireEvent.input(screen.getByLabelText("Buscar miembro"), { target: { value: "brun" } });
    expect(screen.queryByLabelText("Rol de Ana Paz")).toBeNull();
    fireEvent.click(within(membersCard()).getByRole("button", { name: "Desactivar: Bruno Díaz" }));
    fireEvent.click(
      within(await screen.findByRole("alertdialog", { name: "¿Desactivar a Bruno Díaz?" })).getByRole("button", {
        name: "Desactivar",
      }),
    );
    expect(await within(membersCard()).findByRole("button", { name: "Activar: Bruno Díaz" })).toBeInTheDocument();
    fireEvent.input(screen.getByLabelText("Buscar miembro"), { target: { value: "zzz" } });
    expect(within(membersCard()).getByText("Ningún miembro coincide con «zzz».")).toBeInTheDocument();
    expect(api.admin.called("updateMember")).toEqual([[null, 2, { active: false }]]);
  });
});
