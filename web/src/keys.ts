// API keys: create (with the authenticator's code once two-factor authentication is on; the
// secret is shown this once), list and delete.

import { ApiError, Session } from "./api";
import { field, h, row, table, when } from "./dom";

interface Key {
  apiKey: string;
  label: string;
  createdAt: number;
}

export async function apiKeys(session: Session): Promise<HTMLElement> {
  const list = h("div");
  const message = h("div", { role: "status" });
  const fail = (caught: unknown) => {
    message.textContent = caught instanceof ApiError ? caught.message : String(caught);
  };
  const listKeys = async () => {
    const keys = await session.call<Key[]>("GET", "/api/v1/api-keys");
    const rows = keys.map((key) => {
      const remove = async () => {
        try {
          await session.call("DELETE", `/api/v1/api-keys/${encodeURIComponent(key.apiKey)}`);
          message.textContent = "Key deleted.";
          await listKeys();
        } catch (caught) {
          fail(caught);
        }
      };
      const name = key.label || key.apiKey.slice(0, 8);
      const remover = h("button", { type: "button", onclick: remove as EventListener, "aria-label": `Delete key ${name}` }, "Delete");
      return row(key.label || "–", h("code", {}, key.apiKey), when(key.createdAt), remover);
    });
    list.replaceChildren(rows.length ? table(["Label", "Key", "Created", ""], rows, "API keys") : h("p", {}, "No API keys."));
  };
  const label = h("input", { name: "label", maxlength: "64" });
  const code = h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code" });
  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const body: Record<string, string> = { label: label.value.trim() };
      if (code.value.trim()) body.two_factor_code = code.value.trim();
      const created = await session.call<Key & { secretKey: string }>("POST", "/api/v1/api-keys", {}, body);
      code.value = "";
      message.replaceChildren(
        h("p", {}, "Copy the secret now: it is not shown again."),
        h("p", {}, "Key: ", h("code", { id: "new-api-key" }, created.apiKey)),
        h("p", {}, "Secret: ", h("code", { id: "new-api-secret" }, created.secretKey)),
      );
      await listKeys();
    } catch (caught) {
      fail(caught);
    }
  };
  await listKeys();
  return h(
    "div",
    { class: "keys" },
    list,
    h("form", { class: "inline", onsubmit: create as EventListener }, field("Label", label), field("Authenticator code, if on", code), h("button", { type: "submit" }, "Create key")),
    message,
  );
}
