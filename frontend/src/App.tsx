import { useState } from "react";
import { Footer } from "./components/Footer";
import { TaskBoard } from "./components/TaskBoard";

export function App() {
  // Bumped on retry so the footer asks the backend for its version again.
  const [attempt, setAttempt] = useState(0);
  return (
    <div className="app">
      <header className="app__header">
        <h1>Taskboard</h1>
      </header>
      <main className="app__main">
        <TaskBoard onRetry={() => setAttempt((n) => n + 1)} />
      </main>
      <Footer key={attempt} />
    </div>
  );
}
