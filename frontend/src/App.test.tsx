import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { installFakeBackend, task } from "./test/fakeBackend";

const TASK_PATH = /^\/api\/tasks\/\d+$/;
const LIST_PATH = /^\/api\/tasks$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

async function renderBoard() {
  const user = userEvent.setup();
  render(<App />);
  await screen.findByRole("heading", { name: "Tasks" });
  return user;
}

function list() {
  return screen.getByRole("list", { name: "Tasks" });
}

/** Task titles in the order shown (each checkbox is labelled by its title). */
function titlesShown() {
  return within(list())
    .getAllByRole("checkbox")
    .map((box) => (box as HTMLInputElement).labels?.[0]?.textContent);
}

describe("loading", () => {
  it("shows loading, then the tasks", async () => {
    installFakeBackend([task(1, "Buy milk"), task(2, "Walk the dog", true)]);
    render(<App />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading tasks…");
    expect(await screen.findByRole("checkbox", { name: "Buy milk" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Walk the dog" })).toBeChecked();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("shows the empty state when there are no tasks", async () => {
    installFakeBackend([]);
    render(<App />);
    expect(await screen.findByText("No tasks yet. Add the first one above.")).toBeInTheDocument();
  });

  it("says the backend is down, offers a retry and recovers", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    backend.failNext("GET", LIST_PATH, { status: 502, text: "<html>Bad Gateway</html>" });
    backend.failNext("GET", /^\/api\/version$/, "network");
    const user = userEvent.setup();
    render(<App />);

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Tasks could not be loaded");
    expect(alert).toHaveTextContent("The task service is unavailable.");
    expect(await screen.findByTestId("backend-unavailable")).toBeInTheDocument();

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("checkbox", { name: "Buy milk" })).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    // The footer asks again too, so it shows the backend once it is back.
    expect(await screen.findByTestId("backend-commit")).toHaveTextContent(backend.version!.commit);
  });

  it("shows the list when a task is added after loading had failed", async () => {
    const backend = installFakeBackend([task(1, "Existing")]);
    backend.failNext("GET", LIST_PATH, "network");
    const user = userEvent.setup();
    render(<App />);
    await screen.findByText("Tasks could not be loaded");

    await user.type(screen.getByRole("textbox", { name: "New task" }), "New one{Enter}");
    expect(await screen.findByRole("checkbox", { name: "Existing" })).toBeInTheDocument();
    expect(titlesShown()).toEqual(["New one", "Existing"]);
    expect(screen.queryByText("Tasks could not be loaded")).not.toBeInTheDocument();
  });

  it("loads more over the cursor until there is no next page", async () => {
    const many = Array.from({ length: 25 }, (_, i) => task(i + 1, `Task ${i + 1}`));
    const backend = installFakeBackend(many);
    const user = await renderBoard();
    await screen.findByRole("checkbox", { name: "Task 1" });
    expect(within(list()).getAllByRole("checkbox")).toHaveLength(20);

    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("checkbox", { name: "Task 25" })).toBeInTheDocument();
    expect(within(list()).getAllByRole("checkbox")).toHaveLength(25);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    expect(backend.requests.map((r) => r.url)).toContain("/api/tasks?limit=20&cursor=20");
  });

  it("keeps the list and offers load more again when a page fails", async () => {
    const many = Array.from({ length: 21 }, (_, i) => task(i + 1, `Task ${i + 1}`));
    const backend = installFakeBackend(many);
    const user = await renderBoard();
    await screen.findByRole("checkbox", { name: "Task 1" });
    backend.failNext("GET", LIST_PATH, "network");

    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load more tasks: Cannot reach the server.");
    expect(within(list()).getAllByRole("checkbox")).toHaveLength(20);

    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("checkbox", { name: "Task 21" })).toBeInTheDocument();
  });
});

describe("adding", () => {
  it("validates the title before sending anything", async () => {
    const backend = installFakeBackend([]);
    const user = await renderBoard();
    const input = screen.getByRole("textbox", { name: "New task" });

    await user.type(input, "   ");
    await user.click(screen.getByRole("button", { name: "Add task" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a title.");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveFocus();

    await user.clear(input);
    await user.click(input);
    await user.paste("x".repeat(201));
    await user.keyboard("{Enter}");
    expect(screen.getByRole("alert")).toHaveTextContent("Keep the title to 200 characters (it has 201).");
    expect(backend.requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("adds a trimmed task with the keyboard and clears the field", async () => {
    const backend = installFakeBackend([task(1, "Old")]);
    const user = await renderBoard();
    const input = screen.getByRole("textbox", { name: "New task" });

    await user.type(input, "  Write the report  {Enter}");
    expect(await screen.findByRole("checkbox", { name: "Write the report" })).toBeInTheDocument();
    expect(backend.requests.find((r) => r.method === "POST")?.body).toEqual({ title: "Write the report" });
    expect(input).toHaveValue("");
    expect(input).toHaveFocus();
    // Newest first.
    expect(titlesShown()).toEqual(["Write the report", "Old"]);
  });

  it("keeps the typed title and explains when the server refuses it", async () => {
    const backend = installFakeBackend([]);
    backend.failNext("POST", LIST_PATH, { status: 422, body: { error: { code: "invalid_title", message: "title is too long" } } });
    const user = await renderBoard();
    const input = screen.getByRole("textbox", { name: "New task" });

    await user.type(input, "Something{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not add the task: title is too long");
    expect(input).toHaveValue("Something");
    expect(screen.getByText("No tasks yet. Add the first one above.")).toBeInTheDocument();
  });
});

describe("changing", () => {
  it("toggles done at once and keeps it when the server agrees", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    const box = await screen.findByRole("checkbox", { name: "Buy milk" });
    const release = backend.holdNext("PATCH", TASK_PATH);

    await user.click(box);
    // Optimistic: checked before the server answers, and locked meanwhile.
    expect(box).toBeChecked();
    expect(box).toHaveAttribute("aria-disabled", "true");
    await user.click(box);
    expect(box).toBeChecked();
    release();
    await waitFor(() => expect(box).not.toHaveAttribute("aria-disabled"));
    expect(box).toBeChecked();
    expect(backend.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(backend.tasks[0].done).toBe(true);
    expect(backend.requests.find((r) => r.method === "PATCH")).toMatchObject({ url: "/api/tasks/1", body: { done: true } });
  });

  it("rolls a toggle back and says why when the server fails", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    const box = await screen.findByRole("checkbox", { name: "Buy milk" });
    backend.failNext("PATCH", TASK_PATH, { status: 500, body: { error: { code: "internal", message: "database is down" } } });

    await user.click(box);
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not update “Buy milk”: database is down");
    expect(box).not.toBeChecked();
    expect(box).not.toHaveAttribute("aria-disabled");

    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("renames with the keyboard and returns focus to the Rename button", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    await user.click(await screen.findByRole("button", { name: "Rename “Buy milk”" }));

    const edit = screen.getByRole("textbox", { name: "New title for “Buy milk”" });
    expect(edit).toHaveFocus();
    expect(edit).toHaveValue("Buy milk");
    await user.clear(edit);
    await user.type(edit, " Buy oat milk {Enter}");

    expect(screen.getByRole("checkbox", { name: "Buy oat milk" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Rename “Buy oat milk”" })).toHaveFocus();
    await waitFor(() => expect(backend.tasks[0].title).toBe("Buy oat milk"));
  });

  it("cancels a rename with Escape without sending", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    await user.click(await screen.findByRole("button", { name: "Rename “Buy milk”" }));
    await user.type(screen.getByRole("textbox", { name: "New title for “Buy milk”" }), " and eggs{Escape}");

    expect(screen.getByRole("checkbox", { name: "Buy milk" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Rename “Buy milk”" })).toHaveFocus();
    expect(backend.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it("refuses an empty new title and keeps the editor open", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    await user.click(await screen.findByRole("button", { name: "Rename “Buy milk”" }));
    const edit = screen.getByRole("textbox", { name: "New title for “Buy milk”" });
    await user.clear(edit);
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(screen.getByRole("alert")).toHaveTextContent("Enter a title.");
    expect(edit).toHaveFocus();
    expect(backend.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it("rolls a rename back when the server fails", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    backend.failNext("PATCH", TASK_PATH, "network");
    await user.click(await screen.findByRole("button", { name: "Rename “Buy milk”" }));
    const edit = screen.getByRole("textbox", { name: "New title for “Buy milk”" });
    await user.clear(edit);
    await user.type(edit, "Buy bread{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not rename “Buy milk”: Cannot reach the server.");
    expect(screen.getByRole("checkbox", { name: "Buy milk" })).toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: "Buy bread" })).not.toBeInTheDocument();
  });

  it("drops a task that someone else deleted instead of rolling back", async () => {
    const backend = installFakeBackend([task(1, "Buy milk"), task(2, "Keep")]);
    const user = await renderBoard();
    const box = await screen.findByRole("checkbox", { name: "Buy milk" });
    backend.tasks.splice(0, 1);

    await user.click(box);
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not update “Buy milk”: task 1 not found");
    expect(screen.queryByRole("checkbox", { name: "Buy milk" })).not.toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Keep" })).toBeInTheDocument();
  });
});

describe("deleting", () => {
  it("removes the task at once and keeps focus in the board", async () => {
    const backend = installFakeBackend([task(1, "Buy milk"), task(2, "Keep")]);
    const user = await renderBoard();
    const release = backend.holdNext("DELETE", TASK_PATH);

    await user.click(await screen.findByRole("button", { name: "Delete “Buy milk”" }));
    expect(screen.queryByRole("checkbox", { name: "Buy milk" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Tasks" })).toHaveFocus();
    release();
    await waitFor(() => expect(backend.tasks.map((t) => t.id)).toEqual([2]));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("puts the task back in its place when the delete fails", async () => {
    const backend = installFakeBackend([task(1, "First"), task(2, "Second"), task(3, "Third")]);
    const user = await renderBoard();
    backend.failNext("DELETE", TASK_PATH, { status: 503, text: "Service Unavailable" });

    await user.click(await screen.findByRole("button", { name: "Delete “Second”" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not delete “Second”: The task service is unavailable.");
    expect(titlesShown()).toEqual(["First", "Second", "Third"]);
  });

  it("treats a task that is already gone as deleted", async () => {
    const backend = installFakeBackend([task(1, "Buy milk")]);
    const user = await renderBoard();
    await screen.findByRole("checkbox", { name: "Buy milk" });
    backend.tasks.splice(0, 1);

    await user.click(screen.getByRole("button", { name: "Delete “Buy milk”" }));
    await waitFor(() => expect(backend.requests.some((r) => r.method === "DELETE")).toBe(true));
    expect(screen.queryByRole("checkbox", { name: "Buy milk" })).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});

describe("footer", () => {
  it("shows the frontend build version and the backend's commit", async () => {
    const backend = installFakeBackend([]);
    render(<App />);
    expect(screen.getByTestId("frontend-version")).toHaveTextContent("dev");
    expect(await screen.findByTestId("backend-commit")).toHaveTextContent(backend.version!.commit);
    expect(screen.getByTestId("backend-version")).toHaveTextContent("1.4.2");
  });
});
