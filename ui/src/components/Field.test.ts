import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import Field from "./Field.svelte";

const input = createRawSnippet(() => ({ render: () => `<input id="email" aria-describedby="error-email" />` }));

describe("Field", () => {
  it("labels its input and announces its error", () => {
    render(Field, { id: "email", label: "E-mail", error: "Enter an e-mail address.", children: input });
    const box = screen.getByLabelText("E-mail");
    expect(box.id).toBe("email");
    const alert = screen.getByRole("alert");
    expect(alert.id).toBe("error-email");
    expect(alert.textContent).toBe("Enter an e-mail address.");
  });

  it("shows no error element when there is none", () => {
    render(Field, { id: "phone", label: "Phone", hint: "With the country code.", children: input });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByText("With the country code.").id).toBe("hint-phone");
  });
});
