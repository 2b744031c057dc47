// ApiError is the one error type the UI sees, whatever went wrong on the way:
// the backend's JSON error, a proxy's HTML error page or no connection at all.

export const NETWORK_ERROR = "network_error";
export const UNAVAILABLE = "backend_unavailable";
export const BAD_RESPONSE = "bad_response";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }

  /** True when the backend could not be reached or answered as unavailable. */
  get isUnavailable(): boolean {
    return this.code === NETWORK_ERROR || this.code === UNAVAILABLE || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** Builds an ApiError from a non-2xx response, reading the JSON error when there is one. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const code = body?.error?.code;
  const message = body?.error?.message;
  if (typeof code === "string" && typeof message === "string") {
    return new ApiError(response.status, code, message);
  }
  if (response.status >= 502 && response.status <= 504) {
    return new ApiError(response.status, UNAVAILABLE, "The task service is unavailable.");
  }
  return new ApiError(response.status, BAD_RESPONSE, `Unexpected response from the server (HTTP ${response.status}).`);
}

/** Turns anything thrown into a message a person can read. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
