// Sign-up, login (with the authenticator's code once two-factor authentication is on) and the
// account's security: enrolling an authenticator from its QR code, enabling it on a first code
// (the recovery codes are shown then, once), and disabling it.

import { ApiError, Session } from "./api";
import { field, h } from "./dom";

export function authForms(session: Session, say: (text: string) => void): HTMLElement {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: "current-password",
    required: true,
    minlength: "8",
  });
  const code = h("input", {
    name: "code",
    inputmode: "numeric",
    autocomplete: "one-time-code",
  });
  const codeField = field("Authenticator or recovery code", code);
  codeField.hidden = true;
  const error = h("p", { role: "alert", class: "error", id: "auth-error" });
  const fail = (caught: unknown) => {
    error.textContent = caught instanceof ApiError ? caught.message : String(caught);
  };

  const logIn = async (event: Event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await session.logIn(email.value.trim(), password.value, code.value.trim() || undefined);
    } catch (caught) {
      if (caught instanceof ApiError && caught.message.includes("two-factor code is required")) {
        codeField.hidden = false;
        code.focus();
      }
      fail(caught);
    }
  };
  const signUp = async () => {
    error.textContent = "";
    try {
      await session.signUp(email.value.trim(), password.value);
      say("Account created: logging in.");
      await session.logIn(email.value.trim(), password.value);
    } catch (caught) {
      fail(caught);
    }
  };
  return h(
    "form",
    { class: "auth", id: "auth-form", onsubmit: logIn as EventListener },
    h("h3", {}, "Log in or sign up"),
    field("Email", email),
    field("Password (8 characters or more)", password),
    codeField,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "log-in" }, "Log in"),
      h("button", { type: "button", id: "sign-up", onclick: signUp as EventListener }, "Sign up"),
    ),
    error,
  );
}

interface Status {
  enabled: boolean;
  recoveryCodesLeft: number;
}

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

export async function security(session: Session): Promise<HTMLElement> {
  const box = h("div", { class: "security" });
  const message = h("p", { role: "status" });
  const fail = (caught: unknown) => {
    message.textContent = caught instanceof ApiError ? caught.message : String(caught);
  };
  const render = async () => {
    const status = await session.call<Status>("GET", "/api/v1/two-factor");
    const code = h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true });
    if (status.enabled) {
      const disable = async (event: Event) => {
        event.preventDefault();
        try {
          await session.call("POST", "/api/v1/two-factor/disable", {}, { code: code.value.trim() });
          message.textContent = "Two-factor authentication is off.";
          await render();
        } catch (caught) {
          fail(caught);
        }
      };
      box.replaceChildren(
        h("p", { id: "two-factor-state" }, `Two-factor authentication is on; ${status.recoveryCodesLeft} recovery codes left.`),
        h("form", { onsubmit: disable as EventListener }, field("Code", code), h("button", { type: "submit" }, "Turn off")),
        message,
      );
      return;
    }
    const enrol = async () => {
      try {
        const enrolment = await session.call<Enrolment>("POST", "/api/v1/two-factor/enrolment");
        const enable = async (event: Event) => {
          event.preventDefault();
          try {
            const answer = await session.call<{ recoveryCodes: string[] }>(
              "POST",
              "/api/v1/two-factor/enable",
              {},
              { code: code.value.trim() },
            );
            await render();
            box.append(
              h("p", {}, "Keep these recovery codes somewhere safe: each logs in once without the app. They are not shown again."),
              h("ul", { id: "recovery-codes", class: "codes" }, ...answer.recoveryCodes.map((c) => h("li", {}, c))),
            );
          } catch (caught) {
            fail(caught);
          }
        };
        box.replaceChildren(
          h("p", {}, "Scan this code with an authenticator app, or type the key into it, then enter the code it shows."),
          h("img", { src: enrolment.qrCode, alt: "QR code of the authenticator key", width: "180", height: "180", id: "qr-code" }),
          h("p", {}, "Key: ", h("code", { id: "two-factor-secret" }, enrolment.secret)),
          h("form", { onsubmit: enable as EventListener }, field("Code", code), h("button", { type: "submit", id: "enable-two-factor" }, "Turn on")),
          message,
        );
        code.focus();
      } catch (caught) {
        fail(caught);
      }
    };
    box.replaceChildren(
      h("p", { id: "two-factor-state" }, "Two-factor authentication is off."),
      h("button", { type: "button", id: "enrol", onclick: enrol as EventListener }, "Set up an authenticator app"),
      message,
    );
  };
  await render();
  return box;
}
