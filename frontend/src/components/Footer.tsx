import { useEffect, useState } from "react";
import { getBackendVersion } from "../api/client";
import type { BackendVersion } from "../api/types";
import { APP_VERSION } from "../version";

type BackendInfo = { state: "loading" } | { state: "ok"; version: BackendVersion } | { state: "unavailable" };

/** Shows which builds are deployed: the frontend's version and the backend's git commit. */
export function Footer() {
  const [backend, setBackend] = useState<BackendInfo>({ state: "loading" });

  useEffect(() => {
    let current = true;
    getBackendVersion().then(
      (version) => current && setBackend({ state: "ok", version }),
      () => current && setBackend({ state: "unavailable" }),
    );
    return () => {
      current = false;
    };
  }, []);

  return (
    <footer className="footer">
      <span>
        Frontend <code data-testid="frontend-version">{APP_VERSION}</code>
      </span>
      <span aria-hidden="true"> · </span>
      <span>
        Backend{" "}
        {backend.state === "ok" && (
          <>
            <code data-testid="backend-version">{backend.version.version}</code> commit{" "}
            <code data-testid="backend-commit">{backend.version.commit}</code>
          </>
        )}
        {backend.state === "loading" && <span>…</span>}
        {backend.state === "unavailable" && <span data-testid="backend-unavailable">unavailable</span>}
      </span>
    </footer>
  );
}
